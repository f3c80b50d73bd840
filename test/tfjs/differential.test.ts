/**
 * tfjs against the native kernels on the same seeds (n=32, d=8, m=16, 2000 steps, σ=1): both engines draw the same
 * data, init, samples and noise, so their metric trajectories differ only by tfjs's float32 arithmetic.
 *
 * Tolerance, per metric and per logged row t: |tfjs_t − native_t| ≤ 2e-5 · |native_t| + 1e-9, each row on its own
 * scale (a run's maximum would hide an error late in the run, where losses are orders of magnitude smaller). Why:
 * each step rounds W and a to float32 (ε32 = 2⁻²³ ≈ 1.2e-7); over T = 2000 steps independent roundings add up like a
 * random walk, √T·ε32 ≈ 5e-6 relative, and losses, being squared residuals, lose a little more as they shrink.
 * Measured here over the five cases: at most 6.8e-6 relative at any row (the gd train loss near its end, 5e-4), at
 * most 1.1e-6 for every metric but the losses and kernel_dist (5.4e-6); 2e-5 is 3x the worst. Count metrics
 * (lazy_frac, lazy_frac_rel, phase2_frac) may differ by one neuron (1/m) where a neuron sits on a threshold.
 * A different replicate differs by far more (control).
 */
import { describe, expect, test } from 'vitest';
import { train } from '../../src/core/train.js';
import { METRIC_NAMES, type MetricColumns, type RunParams } from '../../src/core/types.js';
import { trainTfjs } from '../../src/engines/tfjs/train.js';
import { seedsOf, smallParams } from './helpers.js';

const REL_TOL = 2e-5;
const ABS_TOL = 1e-9;
const COUNTS = new Set(['lazy_frac', 'lazy_frac_rel', 'phase2_frac']);

/** The largest |a − b| over rows, in units of each row's own tolerance (≤ 1 passes). */
function worstRatio(a: MetricColumns, b: MetricColumns, m: number): { metric: string; ratio: number } {
  let worst = { metric: '', ratio: 0 };
  for (const name of METRIC_NAMES) {
    const x = a.values[name];
    const y = b.values[name];
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue; // a_step_abs_mean at step 0, in both
      const tol = COUNTS.has(name) ? 1 / m + 1e-12 : REL_TOL * Math.abs(x[i]) + ABS_TOL;
      const ratio = Math.abs(x[i] - y[i]) / tol;
      if (!(ratio <= worst.ratio)) worst = { metric: `${name} at step ${a.step[i]}`, ratio };
    }
  }
  return worst;
}

async function compare(over: Partial<RunParams>) {
  const p = smallParams(over);
  const native = train(p, seedsOf(p));
  const tfjs = await trainTfjs(p, seedsOf(p));
  expect(tfjs.status).toBe('done');
  expect(native.status).toBe('done');
  expect(Array.from(tfjs.metrics.step)).toEqual(Array.from(native.metrics.step));
  return { native, tfjs, p };
}

describe('tfjs agrees with the native kernels to float32 tolerance at every logged step of 2000', () => {
  test.each([
    ['sgd, batch 1', { optimizer: 'sgd' as const }],
    ['sam, batch 1', { optimizer: 'sam' as const, rho: 0.05 }],
    ['sgd, batch 4', { optimizer: 'sgd' as const, batch: 4 }],
    ['sam, batch 4', { optimizer: 'sam' as const, rho: 0.05, batch: 4 }],
    ['gd', { optimizer: 'gd' as const }],
  ])('%s', async (_name, over) => {
    const { native, tfjs, p } = await compare(over);
    const worst = worstRatio(native.metrics, tfjs.metrics, p.width);
    expect(worst.ratio, `worst: ${worst.metric}`).toBeLessThanOrEqual(1);
    // and the run really learned something, so agreement is not agreement on nothing
    expect(native.metrics.values.train_loss[native.metrics.rows - 1]).toBeLessThan(native.metrics.values.train_loss[0]);
  });

  test('a different replicate (other streams) is far outside the tolerance: the comparison has teeth', async () => {
    const p = smallParams({ optimizer: 'sgd' });
    const native = train(p, seedsOf(p, 0));
    const other = await trainTfjs(p, seedsOf(p, 1));
    expect(worstRatio(native.metrics, other.metrics, p.width).ratio).toBeGreaterThan(100);
  });
});
