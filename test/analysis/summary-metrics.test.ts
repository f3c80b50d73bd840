import { describe, expect, it } from 'vitest';
import { COLLAPSE_THETA_FRAC, digestRun, isCollapsed, normDecayRate, summaryMarkers, thetaNormBound } from '../../src/core/summarize.js';
import { METRIC_NAMES, type MetricColumns, type MetricName } from '../../src/core/types.js';
import { readRunFile, readSummary } from '../../src/io/index.js';
import { runSweep } from './helpers.js';

/** A trajectory with every metric 0 except the given columns. */
function trajectory(steps: number[], cols: Partial<Record<MetricName, number[]>>): MetricColumns {
  const values = {} as Record<MetricName, Float64Array>;
  for (const name of METRIC_NAMES) values[name] = Float64Array.from(cols[name] ?? steps.map(() => 0));
  return { rows: steps.length, step: Float64Array.from(steps), values };
}

const steps = Array.from({ length: 50 }, (_, i) => i * 100);

describe('norm_decay_rate', () => {
  it('recovers the rate of an exact exponential decay over its first e-fold, and names the step that ends it', () => {
    const m = trajectory(steps, { w_norm2_mean: steps.map((s) => 2 * Math.exp(-3e-4 * s)) });
    expect(normDecayRate(m)).toBeCloseTo(3e-4, 12);
    // e^{-3e-4·s} ≤ 1/e first at s ≥ 3333.3: the logged row at step 3400
    expect(digestRun(m, { alpha: 1, lr: 1e-3 }).norm_decay_window_end).toBe(3400);
  });

  it('fits only the first e-fold, so rows after it (a slower decay) do not change the rate', () => {
    // 1e-3 per step until step 2000 (2 e-folds), then 1e-4
    const w2 = steps.map((s) => Math.exp(-1e-3 * Math.min(s, 2000) - 1e-4 * Math.max(0, s - 2000)));
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: w2 }))).toBeCloseTo(1e-3, 12);
    const shorter = steps.slice(0, 15);
    expect(normDecayRate(trajectory(shorter, { w_norm2_mean: w2.slice(0, 15) }))).toBe(normDecayRate(trajectory(steps, { w_norm2_mean: w2 })));
  });

  it('is null when the run ends or diverges before the first e-fold, or the norms never fall', () => {
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: steps.map(() => 1) }))).toBeNull();
    const slow = steps.map((s) => Math.exp(-1e-4 * s)); // 0.49 e-folds by step 4900
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: slow }))).toBeNull();
    expect(digestRun(trajectory(steps, { w_norm2_mean: slow }), { alpha: 1, lr: 1e-3 }).norm_decay_window_end).toBeNull();
    const diverged = steps.map((s, i) => (i < 5 ? Math.exp(-1e-3 * s) : NaN));
    expect(normDecayRate(trajectory(steps, { w_norm2_mean: diverged }))).toBeNull();
  });

  it("averages the clean train loss over the same window (theory.ts's L̄), or over every row when the run ends inside it", () => {
    const w2 = steps.map((s) => Math.exp(-1e-3 * s)); // window: rows at steps 0..1000, 11 rows
    const loss = steps.map((s) => (s <= 1000 ? 0.3 : 5));
    expect(digestRun(trajectory(steps, { w_norm2_mean: w2, train_loss: loss }), { alpha: 1, lr: 1e-3 }).window_train_loss).toBeCloseTo(0.3, 12);
    const flat = steps.map(() => 1);
    const lossRamp = steps.map((_, i) => i); // mean of 0..49
    expect(digestRun(trajectory(steps, { w_norm2_mean: flat, train_loss: lossRamp }), { alpha: 1, lr: 1e-3 }).window_train_loss).toBe(24.5);
  });
});

describe('the marker columns', () => {
  const up = steps.map((_, i) => i / 49); // 0 → 1 over the 50 rows
  const m = trajectory(steps, {
    phase2_frac: up,
    lazy_frac_rel: up.map((v) => 1 - v),
    align_cos_mean: up,
    w_norm2_mean: steps.map((s) => Math.exp(-1e-3 * s)),
  });
  const d = digestRun(m, { alpha: 1, lr: 1e-4 }); // √η = 0.01: e^{-1e-3·s} ≤ 0.01 first at s ≥ 4605.2

  it('gives the first logged step where each threshold is reached', () => {
    expect(d.phase2_step_50).toBe(2500); // 25/49 ≥ 0.5, 24/49 is not
    expect(d.phase2_step_90).toBe(4500); // 45/49 = 0.918; 44/49 = 0.898
    expect(d.lazy_escape_step_50).toBe(2500);
    expect(d.align_step_50).toBe(2500);
    expect(d.align_step).toBe(4500);
    expect(d.phase2_step).toBe(4900);
    expect(d.lazy_escape_step).toBe(4900);
    expect(d.phase2_mean_step).toBe(4700);
  });

  it("puts phase2_mean_step's threshold in the run's units: mean ‖wᵢ‖² ≤ α³√η", () => {
    // α = 2: 8·0.01 = 0.08, e^{-1e-3·s} ≤ 0.08 first at s ≥ 2525.7; α = 0.5: 0.00125, first at s ≥ 6684.6 (never here)
    expect(digestRun(m, { alpha: 2, lr: 1e-4 }).phase2_mean_step).toBe(2600);
    expect(digestRun(m, { alpha: 0.5, lr: 1e-4 }).phase2_mean_step).toBeNull();
  });

  it('is null where never reached, and phase2_step is null for a collapsed run', () => {
    const flat = digestRun(trajectory(steps, { w_norm2_mean: steps.map(() => 1), lazy_frac_rel: steps.map(() => 1) }), { alpha: 1, lr: 1e-3 });
    for (const name of ['phase2_mean_step', 'phase2_step_50', 'phase2_step_90', 'lazy_escape_step_50', 'align_step_50'] as const) {
      expect(flat[name], name).toBeNull();
    }
    expect(summaryMarkers(d, 1).phase2_step).toBeNull();
    expect(summaryMarkers(d, 1).phase2_step_50).toBe(2500);
    expect(summaryMarkers(d, 0).phase2_step).toBe(4900);
  });
});

describe('the final_* columns of a diverged run', () => {
  it('are all null when the last row holds non-finite weights, the counts and means over neurons included', () => {
    // the row a diverged run ends on: NaN weights, while the per-neuron counts compared NaN and came out 0
    const m = trajectory([0, 100], {
      w_norm2_mean: [1, NaN],
      w_fro: [1, NaN],
      align_cos_mean: [0.2, 0],
      lazy_frac: [1, 0],
      phase2_frac: [0, 0],
      a_abs_max: [0.1, 0],
      train_loss: [0.5, Infinity],
    });
    const d = digestRun(m, { alpha: 1, lr: 1e-3 });
    for (const name of METRIC_NAMES) expect(d.final[name], name).toBeNull();
  });

  it('keep the finite values of a row whose weights are finite (a loss past diverge_loss)', () => {
    const m = trajectory([0, 100], { w_norm2_mean: [1, 30], w_fro: [1, 5], train_loss: [0.5, 2e6], test_loss: [0.5, Infinity] });
    const d = digestRun(m, { alpha: 1, lr: 1e-3 });
    expect(d.final.train_loss).toBe(2e6);
    expect(d.final.w_norm2_mean).toBe(30);
    expect(d.final.test_loss).toBeNull();
  });
});

describe('late_w_norm2_mean', () => {
  it('is the mean of w_norm2_mean over the rows at or after 4/5 of the last step', () => {
    // steps 0 … 4900: 4/5 of 4900 is 3920, so the rows at 4000 … 4900 (values 40 … 49), whose mean is 44.5
    const m = trajectory(steps, { w_norm2_mean: steps.map((_, i) => i) });
    expect(digestRun(m, { alpha: 1, lr: 1e-3 }).late_w_norm2_mean).toBe(44.5);
    // a row exactly at 4/5 of the last step is in: steps 0, 10, …, 100 → rows 80, 90, 100
    const short = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(digestRun(trajectory(short, { w_norm2_mean: short.map((s) => s * s) }), { alpha: 1, lr: 1e-3 }).late_w_norm2_mean).toBe(
      (6400 + 8100 + 10000) / 3,
    );
  });

  it('is null when a late row is not finite (a diverged run) or there are no rows', () => {
    const diverged = steps.map((_, i) => (i < 45 ? 1 : Infinity));
    expect(digestRun(trajectory(steps, { w_norm2_mean: diverged }), { alpha: 1, lr: 1e-3 }).late_w_norm2_mean).toBeNull();
    expect(digestRun(trajectory([], {}), { alpha: 1, lr: 1e-3 }).late_w_norm2_mean).toBeNull();
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

  it('writes norm_decay_rate, collapsed and the theory columns as summary columns, beside refine_round (0 for a grid run)', () => {
    const names = [
      'collapsed',
      'decay_rate_ratio',
      'late_w_norm2_mean',
      'noise_ratio',
      'norm_decay_rate',
      'phase2_reachable',
      'pred_a_norm2_final',
      'pred_align_steps',
      'pred_lazy_escape_steps',
      'pred_norm_decay_rate',
      'pred_phase1_steps',
      'pred_phase2_frac_final',
      'pred_w_norm2_end',
      'pred_w_norm2_final',
      'pred_w_norm2_late',
      'refine_round',
      'rich_start',
      't1_bound',
    ];
    for (const r of rows) expect(r.extra!.refine_round).toBe(0);
    for (const r of rows) expect(Object.keys(r.extra ?? {}).sort()).toEqual(names);
    expect(by('sam', 0, 1).extra!.pred_norm_decay_rate).toBeNaN();
    expect(by('sgd', 0, 0).extra!.t1_bound).toBeNaN();
    const noisy = by('sgd', 4, 0).extra!;
    expect(noisy.decay_rate_ratio).toBeCloseTo(noisy.norm_decay_rate! / noisy.pred_norm_decay_rate!, 12);
  });

  it("writes late_w_norm2_mean as the mean of the run file's w_norm2_mean rows over the last fifth", () => {
    const r = by('sgd', 4, 0);
    const file = readRunFile(`${out}/runs/${r.run_id}.arrow`);
    // 4000 steps logged every 100: the rows at 3200 … 4000, summed by hand
    let sum = 0;
    let count = 0;
    for (let i = 0; i < file.metrics.rows; i++) {
      if (file.metrics.step[i] < 3200) continue;
      sum += file.metrics.values.w_norm2_mean[i];
      count++;
    }
    expect(count).toBe(9);
    expect(r.extra!.late_w_norm2_mean).toBe(sum / count);
  });

  it('has label noise shrink the norms much faster than the noiseless control', () => {
    const noisy = by('sgd', 4, 0).extra!.norm_decay_rate!;
    expect(noisy).toBeGreaterThan(1e-4); // κ ≈ η²σ² = 2.6e-4
    // the noiseless control never loses an e-fold of its norms: no window, no rate
    expect(by('sgd', 0, 0).extra!.norm_decay_rate).toBeNull();
    expect(by('sgd', 0, 0).norm_decay_window_end).toBeNull();
  });

  it('marks SAM with a large radius as collapsed and a small radius or SGD as not', () => {
    expect(by('sam', 0, 1).extra!.collapsed).toBe(1);
    expect(by('sam', 0, 0.01).extra!.collapsed).toBe(0);
    expect(by('sgd', 4, 0).extra!.collapsed).toBe(0);
  });
});
