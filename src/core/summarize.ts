/**
 * A run's trajectory reduced to the summary-table numbers of SPEC §6: the last value of each metric and the first
 * logged step at which the paper's phase markers are reached. Pure; the run layer calls it when a run finishes and
 * again when the summary is rebuilt from run files.
 */
import { METRIC_NAMES, type MetricColumns, type MetricName } from './types.js';

export interface PhaseMarkers {
  /** first logged step with lazy_frac_rel = 0: every neuron has left its lazy ball (scale-free, Definition 1) */
  lazy_escape_step: number | null;
  /** first logged step with phase2_frac = 1: Phase II has begun for every neuron */
  phase2_step: number | null;
  /** first logged step with align_cos_mean ≥ 0.9: the neurons have aligned with θ* */
  align_step: number | null;
}

export interface RunDigest extends PhaseMarkers {
  final: Record<MetricName, number | null>;
  /** −(fitted slope of ln w_norm2_mean against step) over Phase I (normDecayRate), per step; null below 3 rows */
  norm_decay_rate: number | null;
  /** an upper bound on ‖θ‖ at the last row, ‖W‖_F·‖a‖ (see thetaNormBound); null when not finite */
  theta_norm_bound: number | null;
}

/** Alignment counts as reached at this mean |cos(w_i, θ*)| (SPEC §6). */
export const ALIGN_THRESHOLD = 0.9;

export function firstStepWhere(
  m: MetricColumns,
  metric: MetricName,
  reached: (value: number) => boolean,
): number | null {
  const values = m.values[metric];
  for (let row = 0; row < m.rows; row++) {
    if (reached(values[row])) return m.step[row];
  }
  return null;
}

export function digestRun(m: MetricColumns): RunDigest {
  const final = {} as Record<MetricName, number | null>;
  for (const name of METRIC_NAMES) {
    // A diverged run's last row may hold NaN or ±Inf: null keeps the summary column numeric for every reader.
    const last = m.rows > 0 ? m.values[name][m.rows - 1] : NaN;
    final[name] = Number.isFinite(last) ? last : null;
  }
  return {
    final,
    lazy_escape_step: firstStepWhere(m, 'lazy_frac_rel', (v) => v <= 0),
    phase2_step: firstStepWhere(m, 'phase2_frac', (v) => v >= 1),
    align_step: firstStepWhere(m, 'align_cos_mean', (v) => v >= ALIGN_THRESHOLD),
    norm_decay_rate: normDecayRate(m),
    theta_norm_bound: m.rows > 0 ? thetaNormBound(m, m.rows - 1) : null,
  };
}

/**
 * Phase I, for the fit below: the logged rows from step 0 up to and including the first row where phase2_frac has
 * risen by PHASE1_END_RISE over its step-0 value, i.e. until the first neurons (1%) shrink into the paper's Phase II
 * ball (‖w_i‖ ≤ √η and |a_i| ≤ √η), or to the last row when they never do; a non-finite row (divergence) ends it
 * early (relative to step 0 because at a small init, α = 1/4 with η = 1/(α²m), some neurons start inside the ball).
 * Why there: from then on the mean ‖w_i‖² is carried by the neurons that align with θ* and stay large, so it
 * plateaus (at σ = 8, α = 1, m = 1000 it stalls near 5e-3 while phase2_frac creeps from 0.01 to 0.17) and rows past
 * that point would flatten the fit. SPEC's phase2_step (fraction
 * = 1) comes far later or never. Why not the lazy escape: with lazy_frac_rel's ball of radius ‖w_i(0)‖/√m, neurons
 * leave it after a few percent of norm change, so the escape marks where the decay becomes visible, not its end.
 *
 * Under label noise the norms decay like exp(−κ·step) with κ ≈ η²(σ² + 2·train loss) (test/core/noise-decay.test.ts),
 * so the rate estimates κ averaged over Phase I; the noiseless control gives ≈ 0. Least squares, equal weights. O(rows).
 */
export const PHASE1_END_RISE = 0.01;

export function normDecayRate(m: MetricColumns): number | null {
  const w2 = m.values.w_norm2_mean;
  const p2 = m.values.phase2_frac;
  let end = 0; // rows [0, end) are Phase I
  const entered = (p2[0] ?? 0) + PHASE1_END_RISE - 1e-12; // fractions are k/m: 0.2 + 0.01 must match 0.21
  while (end < m.rows && Number.isFinite(w2[end]) && w2[end] > 0) {
    end++;
    if (p2[end - 1] >= entered) break;
  }
  const slope = fitSlope(m.step, w2, end, Math.log);
  return slope === null ? null : -slope;
}

/** Least-squares slope of f(y) against x over rows [0, end); null with fewer than 3 rows or no spread in x. */
export function fitSlope(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  end: number,
  f: (v: number) => number = (v) => v,
): number | null {
  if (end < 3) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < end; i++) {
    sx += x[i];
    sy += f(y[i]);
  }
  const mx = sx / end;
  const my = sy / end;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < end; i++) {
    const dx = x[i] - mx;
    sxy += dx * (f(y[i]) - my);
    sxx += dx * dx;
  }
  return sxx > 0 ? sxy / sxx : null;
}

/**
 * ‖θ‖ = ‖Wᵀa‖ ≤ ‖W‖_F·‖a‖, from the metric columns alone (they do not hold ‖θ‖): m = w_fro² / w_norm2_mean and
 * ‖a‖² = m·(w_norm2_mean − balance_mean), since balance_mean = mean(‖w_i‖² − a_i²). Loose for a trained network
 * (about √m too large for random signs), tight enough when both layers have shrunk, which is how SAM collapses.
 */
export function thetaNormBound(m: MetricColumns, row: number): number | null {
  const w2 = m.values.w_norm2_mean[row];
  const fro = m.values.w_fro[row];
  const a2 = w2 - m.values.balance_mean[row];
  if (!(w2 > 0) || !Number.isFinite(fro)) return fro === 0 ? 0 : null;
  const bound = fro * Math.sqrt(Math.max(0, ((fro * fro) / w2) * a2));
  return Number.isFinite(bound) ? bound : null;
}

/**
 * Collapse (SAM with a large ρ, paper §SAM): θ → 0 while the train loss stays near ½·mean y² (what θ = 0 gives).
 * Thresholds, at the last logged row: ‖θ‖ ≤ COLLAPSE_THETA_FRAC·‖θ*‖ by the bound above, and train loss ≥
 * COLLAPSE_LOSS_FRAC·½‖θ*‖² (E y² = ‖θ*‖² for x ~ N(0, I); the loose factor leaves room for the sample mean of y²
 * over n points, whose relative spread is √(2/n), and for the ≤ 10% of θ* that ‖θ‖ may still hold). A run that
 * learned θ* has train loss ≈ 0 and fails the second test; a healthy trained network's θ ≈ θ* fails the first.
 * 1 or 0; null when the last row is not finite (a diverged run).
 */
export const COLLAPSE_THETA_FRAC = 0.1;
export const COLLAPSE_LOSS_FRAC = 0.5;

export function isCollapsed(d: Pick<RunDigest, 'final' | 'theta_norm_bound'>, teacherNorm: number): 0 | 1 | null {
  const loss = d.final.train_loss;
  if (loss == null || d.theta_norm_bound == null) return null;
  const thetaGone = d.theta_norm_bound <= COLLAPSE_THETA_FRAC * teacherNorm;
  const lossStays = loss >= COLLAPSE_LOSS_FRAC * 0.5 * teacherNorm * teacherNorm;
  return thetaGone && lossStays ? 1 : 0;
}
