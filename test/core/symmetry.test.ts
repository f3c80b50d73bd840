/**
 * The exact symmetry (α, η, σ, θ*) → (1, ηα², σ/α², θ*·α⁻²) (W → W/α, a → a/α, f → f/α²): the two members of a pair
 * are one trajectory in two units, so every marker, fraction and step-time prediction must be the same number, and
 * every other column must scale by the power of α its units carry. With α a power of 2 every scaling is exact in
 * binary floating point, so the two runs agree to the last bit (checked to 1e-12 relative). The base run is small
 * (n = 60, d = 8, m = 120, 200k steps: ~60 ms) and chosen so that phase2_step_50, phase2_mean_step, align_step_50
 * and the model's crossings are all reached: an equality of nulls would check nothing.
 */
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { predictRun } from '../../src/core/phase-model.js';
import { digestRun, MARKER_NAMES } from '../../src/core/summarize.js';
import { theoryColumns, type TheoryName } from '../../src/core/theory.js';
import { train } from '../../src/core/train.js';
import { METRIC_NAMES, type MetricName, type RunParams, type RunSeeds } from '../../src/core/types.js';

const SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };
const BASE: RunParams = {
  ...defaultParams(),
  n: 60,
  d: 8,
  width: 120,
  alpha: 1,
  lr: 0.005,
  sigma: 1.5,
  teacher_norm: 0.1,
  steps: 200_000,
  log_every: 400,
};

/** The power of α each final metric carries (W, a ∝ α; θ, f ∝ α²; losses ∝ α⁴). */
const METRIC_POWER: Record<MetricName, number> = {
  train_loss: 4,
  test_loss: 4,
  theta_cos: 0,
  w_norm_mean: 1,
  w_norm2_mean: 2,
  w_fro: 1,
  a_abs_mean: 1,
  a_abs_max: 1,
  align_ip_mean: 3,
  align_cos_mean: 0,
  lazy_frac: 0,
  lazy_frac_rel: 0,
  phase2_frac: 0,
  balance_mean: 2,
  kernel_dist: 0,
  a_step_abs_mean: 1,
};

/** The power of α each theory column carries: every step time, rate and fraction is invariant. */
const THEORY_POWER: Record<TheoryName, number> = {
  pred_norm_decay_rate: 0,
  decay_rate_ratio: 0,
  pred_w_norm2_final: 2,
  pred_a_norm2_final: 2,
  pred_phase2_frac_final: 0,
  phase2_reachable: 0,
  noise_ratio: 0,
  rich_start: 0,
  t1_bound: 0,
  pred_lazy_escape_steps: 0,
  pred_w_norm2_end: 2,
  pred_w_norm2_late: 2,
  pred_phase1_steps: 0,
  pred_align_steps: 0,
};

function everything(p: RunParams) {
  const res = train(p, SEEDS);
  expect(res.status).toBe('done');
  const digest = digestRun(res.metrics, p);
  return { res, digest, theory: theoryColumns(p, digest, predictRun(p, SEEDS)) };
}

/** a = α^power·b to 1e-12 relative (both null, or both NaN, count as equal). */
function expectScaled(a: number | null, b: number | null, scale: number, what: string): void {
  if (b === null || Number.isNaN(b)) {
    expect(a, what).toBe(b);
    return;
  }
  expect(a, what).not.toBeNull();
  const want = scale * b;
  expect(Math.abs(a! - want), `${what}: ${a} against ${want}`).toBeLessThanOrEqual(1e-12 * Math.abs(want));
}

describe('the symmetry (α, η, σ, θ*) → (1, ηα², σ/α², θ*·α⁻²)', () => {
  const one = everything(BASE);

  it('has a base run that reaches the markers and crossings the comparison is about', () => {
    for (const name of ['phase2_step_50', 'phase2_mean_step', 'align_step_50', 'lazy_escape_step', 'norm_decay_window_end'] as const) {
      expect(one.digest[name], name).not.toBeNull();
    }
    expect(one.theory.pred_phase1_steps).not.toBeNull();
    expect(one.theory.pred_align_steps).not.toBeNull();
    expect(one.digest.final.phase2_frac).toBeGreaterThan(0.5);
  });

  for (const alpha of [0.5, 2, 4]) {
    it(`gives α = ${alpha} the same markers, fractions and predictions as α = 1, and scales the rest by its power of α`, () => {
      const a2 = alpha * alpha;
      const other = everything({ ...BASE, alpha, lr: BASE.lr / a2, sigma: BASE.sigma * a2, teacher_norm: BASE.teacher_norm * a2 });
      for (const name of MARKER_NAMES) expect(other.digest[name], name).toBe(one.digest[name]);
      expectScaled(other.digest.norm_decay_rate, one.digest.norm_decay_rate, 1, 'norm_decay_rate');
      for (const name of METRIC_NAMES) expectScaled(other.digest.final[name], one.digest.final[name], alpha ** METRIC_POWER[name], `final_${name}`);
      for (const name of Object.keys(THEORY_POWER) as TheoryName[]) {
        expectScaled(other.theory[name], one.theory[name], alpha ** THEORY_POWER[name], name);
      }
      // the fractions row by row, not only at the end
      for (const name of ['phase2_frac', 'lazy_frac', 'lazy_frac_rel'] as const) {
        expect(Array.from(other.res.metrics.values[name]), name).toEqual(Array.from(one.res.metrics.values[name]));
      }
    });
  }
});
