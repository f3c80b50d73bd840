import { describe, expect, it } from 'vitest';
import { COLLAPSE_THETA_FRAC, isCollapsed, normDecayRate, thetaNormBound } from '../../src/core/summarize.js';
import { METRIC_NAMES, type MetricColumns, type MetricName } from '../../src/core/types.js';
import { readSummary } from '../../src/io/index.js';
import { runSweep } from './helpers.js';

/** A trajectory with every metric 0 except the given columns. */
function trajectory(steps: number[], cols: Partial<Record<MetricName, number[]>>): MetricColumns {
  const values = {} as Record<MetricName, Float64Array>;
  for (const name of METRIC_NAMES) values[name] = Float64Array.from(cols[name] ?? steps.map(() => 0));
  return { rows: steps.length, step: Float64Array.from(steps), values };
}

const steps = Array.from({ length: 50 }, (_, i) => i * 100);

describe('norm_decay_rate', () => {
  it('recovers the rate of an exact exponential decay', () => {
    const m = trajectory(steps, { w_norm2_mean: steps.map((s) => 2 * Math.exp(-3e-4 * s)) });
    expect(normDecayRate(m)).toBeCloseTo(3e-4, 12);
  });

  it('stops at the first row where 1% more neurons are in the Phase II ball, ignoring the plateau after it', () => {
    // decays at 1e-3 until step 2000, then flat; phase2_frac starts at 0.2 and rises to 0.21 at step 2000
    const w2 = steps.map((s) => Math.exp(-1e-3 * Math.min(s, 2000)));
    const p2 = steps.map((s) => (s < 2000 ? 0.2 : 0.21));
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: w2, phase2_frac: p2 }))).toBeCloseTo(1e-3, 12);
    // the same data with the cut ignored would fit a much smaller rate
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: w2 }))!).toBeLessThan(0.6e-3);
  });

  it('is zero for constant norms, and null when fewer than 3 rows are usable (divergence)', () => {
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: steps.map(() => 1) }))).toBe(-0);
    const diverged = steps.map((s, i) => (i < 2 ? 1 : NaN));
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: diverged }))).toBeNull();
  });
});

describe('collapsed', () => {
  // m = 4 neurons: w_fro² = m·w_norm2_mean; ‖a‖² = m·(w_norm2_mean − balance_mean)
  const at = (w2: number, a2PerNeuron: number, trainLoss: number) =>
    trajectory([0], {
      w_norm2_mean: [w2],
      w_fro: [Math.sqrt(4 * w2)],
      balance_mean: [w2 - a2PerNeuron],
      train_loss: [trainLoss],
    });

  it('bounds ‖θ‖ by ‖W‖_F·‖a‖', () => {
    expect(thetaNormBound(at(0.25, 0.01, 0.5), 0)).toBeCloseTo(Math.sqrt(1) * Math.sqrt(0.04), 12);
  });

  it('is 1 when both layers have shrunk and the train loss stays near ½‖θ*‖², else 0', () => {
    const digest = (m: MetricColumns) => ({
      final: { train_loss: m.values.train_loss[0] } as Record<MetricName, number | null>,
      theta_norm_bound: thetaNormBound(m, 0),
    });
    expect(isCollapsed(digest(at(1e-4, 1e-6, 0.53)), 1)).toBe(1);
    expect(isCollapsed(digest(at(1e-4, 1e-6, 0.001)), 1)).toBe(0); // learned: loss ≈ 0
    expect(isCollapsed(digest(at(1, 0.05, 0.53)), 1)).toBe(0); // θ may be large: not certified as collapsed
    expect(COLLAPSE_THETA_FRAC).toBe(0.1);
  });
});

describe('the summary columns on real runs', () => {
  const out = runSweep(
    'metrics',
    `
name: metrics
seed: 2
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 4000, log_every: 100 }
zip:
  - { optimizer: [sgd, sgd, sam, sam], sigma: [0, 4, 0, 0], rho: [0, 0, 0.01, 1] }
`,
  );
  const rows = readSummary(`${out}/summary.arrow`);
  const by = (optimizer: string, sigma: number, rho: number) =>
    rows.find((r) => r.params.optimizer === optimizer && r.params.sigma === sigma && r.params.rho === rho)!;

  it('writes norm_decay_rate and collapsed as summary columns (beside refine_round, 0 for a grid run)', () => {
    for (const r of rows) expect(Object.keys(r.extra ?? {}).sort()).toEqual(['collapsed', 'norm_decay_rate', 'refine_round']);
    for (const r of rows) expect(r.extra!.refine_round).toBe(0);
  });

  it('has label noise shrink the norms much faster than the noiseless control', () => {
    const noisy = by('sgd', 4, 0).extra!.norm_decay_rate!;
    const control = by('sgd', 0, 0).extra!.norm_decay_rate!;
    expect(noisy).toBeGreaterThan(1e-4); // κ ≈ η²σ² = 2.6e-4
    expect(noisy).toBeGreaterThan(20 * Math.abs(control));
  });

  it('marks SAM with a large radius as collapsed and a small radius or SGD as not', () => {
    expect(by('sam', 0, 1).extra!.collapsed).toBe(1);
    expect(by('sam', 0, 0.01).extra!.collapsed).toBe(0);
    expect(by('sgd', 4, 0).extra!.collapsed).toBe(0);
  });
});
