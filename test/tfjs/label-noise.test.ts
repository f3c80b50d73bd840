/**
 * The paper's real-data claim, at the scale `npm test` can afford on a loaded machine (64 MNIST examples pooled to 7×7,
 * width 128, full-batch GD at lr 0.06 as in test/slow/label-noise.test.ts, but 1000 steps instead of 3000: ≈ 2 s a
 * run): without label noise the network tracks its linearised model; with τ = 0.5 it departs from it, and ‖W₁‖_F falls
 * while the noiseless network's rises. (That the noisy ‖W₁‖_F ends below the linearisation's needs the full 3000
 * steps: it is checked in test/slow, `npm run test:slow`.)
 *
 * Two replicates (independent data subsets, inits and noise), held to bounds set from four replicates measured at this
 * scale (metric rows every 250 steps; gap = Δw1 − Δw1_lin, Δw1 = w1_move):
 *   no noise  train loss ≤ 5e-5 of its start; max_t |L − L_lin| / L(0) = 1.7e-4 to 7.3e-4;
 *             max_t |gap| / Δw1(T) = 0.8% to 2.6%; ‖W₁‖_F rises by 0.062 to 0.089
 *   τ = 0.5   |gap(T)| / Δw1(T) = 22% to 27%, 8x to 38x the noiseless |gap(T)|; output distance to the linearisation
 *             1.69x to 1.93x the noiseless one; ‖W₁‖_F falls by 0.039 to 0.046 from ≈ 11.2, ends 0.108 to 0.133
 *             below the noiseless network's, and falls by 0.0036 to 0.0055 over the second half
 * Bounds: the fit 1e-2 of the start; loss tracking 1e-3·L(0) (1.4x the worst replicate), movement tracking 5% (2x);
 * the noisy |gap| above 10% of its own movement (2.2x below the least) and above 3x the noiseless gap; the output
 * distance above 1.3x the noiseless one; ‖W₁‖_F's direction of travel as stated.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { RealDataColumns } from '../../src/engines/realdata/columns.js';
import { trainRealData } from '../../src/engines/realdata/train.js';
import { realParams, seedsOf } from './helpers.js';

const last = (c: RealDataColumns, name: keyof RealDataColumns['values']) => c.values[name][c.rows - 1];
const maxOver = (c: RealDataColumns, f: (i: number) => number) => Math.max(...Array.from({ length: c.rows }, (_, i) => f(i)));
const gap = (c: RealDataColumns, i: number) => c.values.w1_move[i] - c.values.lin_w1_move[i];

describe.each([0, 1])('label noise drives the network out of its linearisation (1000 steps), replicate %i', (replicate) => {
  let clean: RealDataColumns;
  let noisy: RealDataColumns;
  const run = async (tau: number) => {
    const p = realParams({ tau, steps: 1000, log_every: 250 });
    const r = await trainRealData(p, seedsOf(p, replicate));
    expect(r.result.status).toBe('done');
    return r.columns;
  };
  // one run per hook: each hook's time limit covers one run (about 2 s on a quiet machine), not two
  beforeAll(async () => void (clean = await run(0)));
  beforeAll(async () => void (noisy = await run(0.5)));

  test('without noise the network fits and tracks its linearised model, in loss and in first-layer movement', () => {
    const v = clean.values;
    expect(clean.rows).toBe(5);
    expect(last(clean, 'train_loss')).toBeLessThan(0.01 * v.train_loss[0]);
    expect(maxOver(clean, (i) => Math.abs(v.train_loss[i] - v.lin_train_loss[i]))).toBeLessThan(1e-3 * v.train_loss[0]);
    expect(maxOver(clean, (i) => Math.abs(gap(clean, i)))).toBeLessThan(0.05 * last(clean, 'w1_move'));
  });

  test('with τ = 0.5 it leaves the clean-label linearisation far more than the noiseless network does', () => {
    const end = noisy.rows - 1;
    expect(Math.abs(gap(noisy, end))).toBeGreaterThan(0.1 * last(noisy, 'w1_move'));
    expect(Math.abs(gap(noisy, end))).toBeGreaterThan(3 * Math.abs(gap(clean, clean.rows - 1)));
    expect(last(noisy, 'out_dist')).toBeGreaterThan(1.3 * last(clean, 'out_dist'));
  });

  test('with τ = 0.5 ‖W₁‖_F falls, below its start and the noiseless run’s, still falling at the end; without, it rises', () => {
    const w = noisy.values.w1_fro;
    const mid = Math.floor(noisy.rows / 2);
    expect(last(noisy, 'w1_fro')).toBeLessThan(w[0]);
    expect(last(noisy, 'w1_fro')).toBeLessThan(last(clean, 'w1_fro'));
    expect(last(noisy, 'w1_fro')).toBeLessThan(w[mid]);
    expect(last(clean, 'w1_fro')).toBeGreaterThan(clean.values.w1_fro[0]);
  });
});
