/**
 * A run's trajectory reduced to the summary-table numbers (docs/formats.md#summary-file): the last value of each
 * metric, the first logged step at which the paper's phase markers are reached, and what theory.ts needs for its
 * predictions. Pure; the run layer calls it when a run finishes and again when the summary is rebuilt from run files.
 */
import { meanFrom } from './metric-log.js';
import { phase2Thresholds } from './theory.js';
import { METRIC_NAMES, type MetricColumns, type MetricName, type TrainParams } from './types.js';

export interface PhaseMarkers {
  /** first logged step with lazy_frac_rel = 0: every neuron has left its lazy ball (scale-free, Definition 1) */
  lazy_escape_step: number | null;
  /** first logged step with phase2_frac = 1: Phase II has begun for every neuron (null for a collapsed run: see
   * summaryMarkers) */
  phase2_step: number | null;
  /** first logged step with align_cos_mean ≥ 0.9: the neurons have aligned with θ* */
  align_step: number | null;
  /** first logged step with w_norm2_mean ≤ α³√η (√η at α = 1, theory.ts phase2Thresholds): Lemma 4's end of Phase
   * I, on the mean rather than every neuron */
  phase2_mean_step: number | null;
  /** first logged step with phase2_frac ≥ 0.5, and ≥ 0.9 */
  phase2_step_50: number | null;
  phase2_step_90: number | null;
  /** first logged step with lazy_frac_rel ≤ 0.5: half the neurons have left their lazy ball */
  lazy_escape_step_50: number | null;
  /** first logged step with align_cos_mean ≥ 0.5 */
  align_step_50: number | null;
  /** the step that ends norm_decay_rate's window (w_norm2_mean first ≤ w_norm2_mean(0)/e); null when never */
  norm_decay_window_end: number | null;
}

/** The marker columns in summary order (they are all Int64 steps, null where never). */
export const MARKER_NAMES = [
  'lazy_escape_step',
  'phase2_step',
  'align_step',
  'phase2_mean_step',
  'phase2_step_50',
  'phase2_step_90',
  'lazy_escape_step_50',
  'align_step_50',
  'norm_decay_window_end',
] as const satisfies readonly (keyof PhaseMarkers)[];

export interface RunDigest extends PhaseMarkers {
  final: Record<MetricName, number | null>;
  /** −(fitted slope of ln w_norm2_mean against step) over its first e-fold (normDecayWindow), per step; null when the
   * run does not contain that window or it spans fewer than 2 rows */
  norm_decay_rate: number | null;
  /** mean clean train loss over the rows of norm_decay_rate's window, or over every finite row when the run ends
   * inside it (theory.ts's L̄); null without rows */
  window_train_loss: number | null;
  /** an upper bound on ‖θ‖ at the last row, ‖W‖_F·‖a‖ (see thetaNormBound); null when not finite */
  theta_norm_bound: number | null;
  /** mean of w_norm2_mean over the rows of the run's last fifth (lateMeanW2); null when not finite */
  late_w_norm2_mean: number | null;
}

/**
 * The late window starts at this share of the last row's step. A converged run's final mean ‖w_i‖² is one snapshot of
 * a stochastic state: above the onset it strays from the state's mean with a coefficient of variation of 7–12%
 * (docs/theory.md, "A single snapshot strays"), so the terminal state is scored against a time average. The last
 * fifth is 4 of the 20 noise units steps_rule gives a run (≈ 60 of its 300 rows): late enough that a run the model
 * calls converged at its end (within 1%) is within a few percent there too, and long enough to average over several
 * of the state's fluctuations.
 */
export const LATE_FROM = 0.8;

/** The mean of w_norm2_mean over the rows at or after LATE_FROM of the last row's step; null when not finite. */
function lateMeanW2(m: MetricColumns): number | null {
  if (m.rows === 0) return null;
  const value = meanFrom(m, 'w_norm2_mean', LATE_FROM * m.step[m.rows - 1]);
  return Number.isFinite(value) ? value : null;
}

/** Alignment counts as reached at this mean |cos(w_i, θ*)| (`align_step`, docs/formats.md#summary-file). */
const ALIGN_THRESHOLD = 0.9;

function firstStepWhere(m: MetricColumns, metric: MetricName, reached: (value: number) => boolean): number | null {
  const values = m.values[metric];
  for (let row = 0; row < m.rows; row++) {
    if (reached(values[row])) return m.step[row];
  }
  return null;
}

/**
 * The metrics a row's weights must keep finite for its per-neuron sums to mean anything: on a row whose weights
 * blew up, a count or a mean over neurons compares NaN (every comparison false), giving 0 rather than NaN.
 */
const WEIGHT_METRICS: readonly MetricName[] = ['w_norm2_mean', 'w_fro', 'balance_mean'];

/** `p` gives the Phase II scale for the mean ‖w_i‖², α³√η (phase2_mean_step). */
export function digestRun(m: MetricColumns, p: Pick<TrainParams, 'alpha' | 'lr'>): RunDigest {
  const final = {} as Record<MetricName, number | null>;
  const last = m.rows - 1;
  // A diverged run's last row may hold NaN or ±Inf: null keeps the summary column numeric for every reader, and a
  // row whose weights are not finite leaves every final_* null, the counts and means over neurons included.
  const weightsFinite = last >= 0 && WEIGHT_METRICS.every((name) => Number.isFinite(m.values[name][last]));
  for (const name of METRIC_NAMES) {
    const value = weightsFinite ? m.values[name][last] : NaN;
    final[name] = Number.isFinite(value) ? value : null;
  }
  const window = normDecayWindow(m);
  const meanBall = phase2Thresholds(p).mean;
  return {
    final,
    lazy_escape_step: firstStepWhere(m, 'lazy_frac_rel', (v) => v <= 0),
    phase2_step: firstStepWhere(m, 'phase2_frac', (v) => v >= 1),
    align_step: firstStepWhere(m, 'align_cos_mean', (v) => v >= ALIGN_THRESHOLD),
    phase2_mean_step: firstStepWhere(m, 'w_norm2_mean', (v) => v <= meanBall),
    phase2_step_50: firstStepWhere(m, 'phase2_frac', (v) => v >= 0.5),
    phase2_step_90: firstStepWhere(m, 'phase2_frac', (v) => v >= 0.9),
    lazy_escape_step_50: firstStepWhere(m, 'lazy_frac_rel', (v) => v <= 0.5),
    align_step_50: firstStepWhere(m, 'align_cos_mean', (v) => v >= 0.5),
    norm_decay_window_end: window.contained ? m.step[window.rows - 1] : null,
    norm_decay_rate: normDecayRate(m),
    window_train_loss: meanOf(m.values.train_loss, window.rows),
    theta_norm_bound: m.rows > 0 ? thetaNormBound(m, m.rows - 1) : null,
    late_w_norm2_mean: lateMeanW2(m),
  };
}

/**
 * Phase I's window for the decay fit, defined by the dynamics rather than the run length: the logged rows from step 0
 * up to and including the first row where w_norm2_mean ≤ w_norm2_mean(0)/e (one e-fold). `contained` says the run
 * reached that row; otherwise `rows` counts the finite rows from step 0 (the run ended, or diverged, inside Phase I).
 * Why one e-fold: the local rate falls during Phase I as the neurons that align with θ* stop shrinking (at σ = 4 it
 * drops five-fold over 485k steps), so any window that grows with the run length gives a rate that depends on it;
 * the first e-fold is the same rows in a 150k- and a 300k-step run, and it is where the paper's mechanism
 * (Δ‖w_i‖² ≈ −η²r²‖w_i‖², theory.ts) holds best, before the alignment sets in. O(rows).
 */
function normDecayWindow(m: MetricColumns): { rows: number; contained: boolean } {
  const w2 = m.values.w_norm2_mean;
  if (m.rows === 0 || !(w2[0] > 0) || !Number.isFinite(w2[0])) return { rows: 0, contained: false };
  const target = w2[0] / Math.E;
  for (let row = 1; row < m.rows; row++) {
    if (!Number.isFinite(w2[row]) || !Number.isFinite(m.values.train_loss[row])) return { rows: row, contained: false };
    if (w2[row] <= target) return { rows: row + 1, contained: true };
  }
  return { rows: m.rows, contained: false };
}

/**
 * Least squares of ln w_norm2_mean against step over normDecayWindow's rows, equal weights, negated: per step.
 * Under label noise the norms decay like exp(−κ·step) with κ ≈ η²(σ² + 2·train loss)
 * (test/core/noise-decay.test.ts); the noiseless control never completes the window, so it gets null. Null too
 * when the window holds fewer than 2 rows. O(rows).
 */
export function normDecayRate(m: MetricColumns): number | null {
  const window = normDecayWindow(m);
  if (!window.contained) return null;
  const slope = fitSlope(m.step, m.values.w_norm2_mean, window.rows, Math.log, 2);
  return slope === null ? null : -slope;
}

function meanOf(values: Float64Array, rows: number): number | null {
  if (rows === 0) return null;
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += values[i];
  return Number.isFinite(sum) ? sum / rows : null;
}

/** Least-squares slope of f(y) against x over rows [0, end); null with fewer than minRows rows or no spread in x. */
function fitSlope(x: ArrayLike<number>, y: ArrayLike<number>, end: number, f: (v: number) => number = (v) => v, minRows = 3): number | null {
  if (end < minRows) return null;
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
const COLLAPSE_LOSS_FRAC = 0.5;

export function isCollapsed(d: Pick<RunDigest, 'final' | 'theta_norm_bound'>, teacherNorm: number): 0 | 1 | null {
  const loss = d.final.train_loss;
  if (loss == null || d.theta_norm_bound == null) return null;
  const thetaGone = d.theta_norm_bound <= COLLAPSE_THETA_FRAC * teacherNorm;
  const lossStays = loss >= COLLAPSE_LOSS_FRAC * 0.5 * teacherNorm * teacherNorm;
  return thetaGone && lossStays ? 1 : 0;
}

/**
 * The marker columns as the summary writes them. A collapsed run (θ → 0) ends inside every neuron's √η ball by losing
 * θ*, not by finishing Phase I, so its phase2_step is null: otherwise the only runs that "reach Phase II" on a phase
 * diagram would be the SAM runs that failed.
 */
export function summaryMarkers(d: PhaseMarkers, collapsed: 0 | 1 | null): PhaseMarkers {
  const out = {} as PhaseMarkers;
  for (const name of MARKER_NAMES) out[name] = d[name];
  if (collapsed === 1) out.phase2_step = null;
  return out;
}
