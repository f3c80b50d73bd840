/**
 * `npm run test:slow` only (vitest.config.ts leaves it out of `npm test`: about a minute of tfjs on 2 cores, several
 * on a loaded machine); test/tfjs/label-noise.test.ts checks the same at a third of the steps in `npm test`.
 *
 * The paper's real-data claim at a reduced scale (64 MNIST examples pooled to 7×7, width 128, full-batch GD at
 * lr 0.06, 3000 steps, ≈ 6 s a run): without label noise the network tracks its linearised model (lazy regime);
 * with τ = 0.5 it departs from it (its first layer's movement and its output differ from the linearisation's) and ‖W₁‖_F ends lower.
 * The linearised model is the paper's baseline, trained by gd on the clean labels in both runs
 * (src/engines/realdata/model.ts).
 *
 * Three replicates (independent data subsets, inits and noise), each held to bounds stated in the model's own terms,
 * not to one seed's numbers. Measured over four replicates (for the record; gap = Δw1 − Δw1_lin, Δw1 = w1_move):
 *   no noise  max_t |L − L_lin| / L(0) ≤ 1.5e-4;  max_t |gap| / Δw1(T) ≤ 2.9%
 *   τ = 0.5   |gap(T)| / Δw1(T) = 16-21% (the noisy network moves less than the clean-label linearisation), ≥ 6.2x the
 *             noiseless |gap(T)|; output distance to the linearisation 1.6-2.0x the noiseless one; ‖W₁‖_F falls by
 *             0.09-0.1 from ≈ 11.2 while the noiseless network's rises by 0.07-0.09, and ends 0.036-0.057 below the
 *             linearisation's, from 0.0005-0.021 at T/2.
 * Bounds: loss tracking 1e-3·L(0), movement tracking 5% of the movement (lazy regime: the linearisation's error is
 * second order in a movement of ≈ 1.4% of ‖W₁(0)‖_F); the noisy |gap| above 10% of its own movement (3x the
 * noiseless worst) and above 3x the noiseless gap; the output distance above 1.3x the noiseless one; ‖W₁‖_F's
 * direction of travel as stated.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { trainRealData } from '../../src/engines/realdata/train.js';
import type { RealDataColumns } from '../../src/engines/realdata/columns.js';
import { realParams, seedsOf } from '../tfjs/helpers.js';

const last = (c: RealDataColumns, name: keyof RealDataColumns['values']) => c.values[name][c.rows - 1];
const maxOver = (c: RealDataColumns, f: (i: number) => number) => Math.max(...Array.from({ length: c.rows }, (_, i) => f(i)));
const gap = (c: RealDataColumns, i: number) => c.values.w1_move[i] - c.values.lin_w1_move[i];

describe.each([0, 1, 2])('label noise drives the network out of its linearisation (reduced scale), replicate %i', (replicate) => {
  let clean: RealDataColumns;
  let noisy: RealDataColumns;
  beforeAll(async () => {
    const run = async (tau: number) => {
      const p = realParams({ tau });
      const r = await trainRealData(p, seedsOf(p, replicate));
      expect(r.result.status).toBe('done');
      return r.columns;
    };
    clean = await run(0);
    noisy = await run(0.5);
  });

  test('without noise the network tracks its linearised model', () => {
    const v = clean.values;
    expect(last(clean, 'train_loss')).toBeLessThan(0.01 * v.train_loss[0]); // it did fit
    expect(maxOver(clean, (i) => Math.abs(v.train_loss[i] - v.lin_train_loss[i]))).toBeLessThan(1e-3 * v.train_loss[0]);
    expect(maxOver(clean, (i) => Math.abs(gap(clean, i)))).toBeLessThan(0.05 * last(clean, 'w1_move'));
  });

  test('with τ = 0.5 it leaves the clean-label linearisation far more than the noiseless network does', () => {
    const end = noisy.rows - 1;
    expect(Math.abs(gap(noisy, end))).toBeGreaterThan(0.1 * last(noisy, 'w1_move'));
    expect(Math.abs(gap(noisy, end))).toBeGreaterThan(3 * Math.abs(gap(clean, clean.rows - 1)));
    expect(last(noisy, 'out_dist')).toBeGreaterThan(1.3 * last(clean, 'out_dist'));
  });

  test('with τ = 0.5 ‖W₁‖_F ends lower: below its start, the noiseless run and the linearisation, and still falling', () => {
    const w = noisy.values.w1_fro;
    const belowLinear = (i: number) => noisy.values.lin_w1_fro[i] - w[i];
    expect(belowLinear(noisy.rows - 1)).toBeGreaterThan(belowLinear(Math.floor(noisy.rows / 2)));
    expect(belowLinear(Math.floor(noisy.rows / 2))).toBeGreaterThan(0);
    expect(last(noisy, 'w1_fro')).toBeLessThan(w[0]);
    expect(last(noisy, 'w1_fro')).toBeLessThan(last(clean, 'w1_fro'));
    expect(last(noisy, 'w1_fro')).toBeLessThan(w[Math.floor(noisy.rows / 2)]);
    expect(last(clean, 'w1_fro')).toBeGreaterThan(clean.values.w1_fro[0]);
  });
});
