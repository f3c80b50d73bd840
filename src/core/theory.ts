/**
 * Theory's predictions for a run, as summary columns beside the measured ones (docs/formats.md, "Summary file"). Pure;
 * each takes the run's parameters and, where it needs one, a number measured on the run (RunDigest) or the Phase I
 * model's integration of the run's own data and init (phase-model.ts).
 *
 * They apply to label-noise SGD on the linear model only: NaN (not null, not an error) for σ = 0 or noise `none`,
 * and for sam, gd, oscillate and real-data runs, whose dynamics they do not describe. Null means "not measured" or
 * "never" (pred_phase1_steps when the model's fraction never reaches ½).
 *
 * Units. (α, η, σ, θ*) → (1, ηα², σα⁻², θ*α⁻²) with W → W/α, a → a/α is an exact symmetry of the dynamics (f scales
 * by 1/α²), so a threshold the paper writes for α = 1 reads, at init scale α: ‖w_i‖² ≤ α⁴η, |a_i| ≤ α²√η, mean
 * ‖w_i‖² ≤ α³√η (phase2Thresholds). Every step time and fraction here is the same for both members of a pair, and
 * every W-sized quantity scales by α² (test/core/symmetry.test.ts).
 *
 *   σ̄²                    noise variance averaged over the schedule: σ² (±σ, or gaussian of standard deviation σ),
 *                         σ²/2 for the periodic on/off schedule, 0 for `none`
 *   pred_norm_decay_rate  η²(σ̄² + 2L̄)/B: Phase I's per-step decay rate of mean ‖w_i‖² at its start, from
 *                         Δ(‖W‖²_F − ‖a‖²) = −η²r²(‖Wx‖² − ‖a‖²‖x‖²) with E r² = σ̄² + 2L; L̄ the clean train loss over
 *                         norm_decay_rate's window; B the batch (B samples average B noises: variance σ̄²/B)
 *   decay_rate_ratio      norm_decay_rate / pred_norm_decay_rate
 *   pred_w_norm2_final    mean ‖w_i‖² of the terminal state: W∞/m, the end point of label-noise SGD (endPoint below),
 *                         on the run's own Σ̂ = XᵀX/n when the model gave its spectrum, on Σ̂ = I (the population's)
 *                         otherwise; past d·x ≥ 0.75 the limit equation's noise-sustained state (terminal-state.ts)
 *   pred_a_norm2_final    ‖a‖² there
 *   pred_phase2_frac_final F∞: the fraction of the run's neurons with ‖w_i‖² ≤ α⁴η at the end point, the most the run
 *                         can hold there. At the end point ‖w_i‖² = p_i²·W∞/Σ_j p_j², p_i = ⟨w_i(0), θ̂*⟩, so F∞ is
 *                         known from the run's init (phase-model.ts); over inits it is P(χ²₁ ≤ α⁴η·m/W∞), the value
 *                         without a model entry and in markerUnreachable
 *   phase2_reachable      1 when F∞ ≥ ½ (phase2_step_50 can be reached at all), else 0
 *   noise_ratio           x = (d − 1)ησ̄²/(2B·√d‖θ*‖): the noise's stationary share ησ̄²/(2B) in each of the d − 1
 *                         stiff directions across θ*, against the end point's ‖W‖²_F. Where the model applies: the
 *                         end point is stable for x below ≈ 0.055 at d = 20, n = 200 (0.15 at d = 10; measured,
 *                         docs/theory.md), and above it the weights settle in a noise-sustained state, larger
 *                         than W∞, which pred_w_norm2_final is from d·x = 0.75 on (terminal-state.ts)
 *   rich_start            1 when σ/α² ≥ 8: the first steps leave the lazy regime at once and the Phase I picture (and
 *                         its model) does not apply; such runs are flagged and left out of the scores
 *   t1_bound              384·√(ln m)·B/(σ̄²η²√m): Theorem 2's step by which every neuron has left its lazy ball (an
 *                         upper bound, loose by design: ≈ 1000x t_esc at m = 1000)
 *   pred_lazy_escape_steps t_esc = −2·ln(1 − 1/√m)/κ₀, κ₀ = η²σ̄²(1 + ηK₀)/B, K₀ = ‖W(0)‖²_F + d‖a(0)‖²: every norm
 *                         shrinks at κ₀/2 per step at first, and leaves the ball ‖Δw_i‖ ≤ ‖w_i(0)‖/√m then
 *   pred_w_norm2_end, pred_phase1_steps, pred_align_steps: the Phase I model (phase-model.ts)
 */
import { cumulativeNormal } from 'vega-statistics';
import { meanNoiseVariance, noiseRate } from './noise-variance.js';
import type { RunParams } from './types.js';

export type TheoryParams = Pick<
  RunParams,
  'experiment' | 'optimizer' | 'sigma' | 'noise' | 'noise_schedule' | 'lr' | 'width' | 'batch' | 'teacher_norm' | 'alpha' | 'd'
>;

export const THEORY_NAMES = [
  'pred_norm_decay_rate',
  'decay_rate_ratio',
  'pred_w_norm2_final',
  'pred_a_norm2_final',
  'pred_phase2_frac_final',
  'phase2_reachable',
  'noise_ratio',
  'rich_start',
  't1_bound',
  'pred_lazy_escape_steps',
  'pred_w_norm2_end',
  'pred_w_norm2_late',
  'pred_phase1_steps',
  'pred_align_steps',
] as const;
export type TheoryName = (typeof THEORY_NAMES)[number];

/** What theoryColumns needs from a run's trajectory (RunDigest's fields of these names). */
export interface TheoryInputs {
  norm_decay_rate: number | null;
  window_train_loss: number | null;
}

/** What theoryColumns needs from the Phase I model of the run (phase-model.ts predictRun). */
export interface ModelPrediction {
  /** K₀ = ‖W(0)‖²_F + d‖a(0)‖² */
  k0: number;
  /** the model's mean ‖w_i‖² at the run's last step */
  w_norm2_end: number;
  /** the model's mean ‖w_i‖² averaged over the run's last fifth (late_w_norm2_mean's window); absent before
   * results version 5 */
  w_norm2_late?: number;
  /** first step where the model's fraction with ‖w_i‖² ≤ α⁴η reaches ½; null when it never does */
  phase1_steps: number | null;
  /** first step where the model's mean |cos(w_i, θ*)| reaches ½; null when it never does */
  align_steps: number | null;
  /** tr Σ̂ of the run's own X (Σ̂ = XᵀX/n), for the end point */
  sigma_trace: number;
  /** θ̂*ᵀΣ̂θ̂*, for the end point */
  sigma_along: number;
  /** this run's own F∞: the fraction of its neurons the end point puts at ‖w_i‖² ≤ α⁴η (their p_i² are known) */
  phase2_frac_final: number;
  /** mean ‖w_i‖² and ‖a‖² of the terminal state (terminal-state.ts: the end point, or past the gate the limit
   * equation's state); absent in run files of results version 3, whose terminal state was the end point */
  w_norm2_final?: number;
  a_norm2_final?: number;
}

/** What the end point needs of Σ̂: its trace and its value along θ̂* (both d·1 and 1 for the population's Σ = I). */
export interface EndPointSpectrum {
  trace: number;
  along: number;
}

/** σ/α² from which a run counts as a rich start (rich_start). */
const RICH_START_SIGMA = 8;

/** A rich start (rich_start): σ/α² ≥ 8, where the first steps leave the lazy regime at once. */
export const isRichStart = (p: Pick<RunParams, 'sigma' | 'alpha'>): boolean => p.sigma >= RICH_START_SIGMA * p.alpha * p.alpha;

/** True where the formulas describe the run: label-noise SGD with noise on the linear model. */
export function theoryApplies(p: Pick<TheoryParams, 'experiment' | 'optimizer' | 'sigma' | 'noise' | 'noise_schedule'>): boolean {
  return p.experiment === 'linear' && p.optimizer === 'sgd' && meanNoiseVariance(p) > 0;
}

/**
 * The paper's Phase II thresholds in the run's units (module comment): `w2` on ‖w_i‖² (α⁴η), `a` on |a_i| (α²√η),
 * `mean` on mean ‖w_i‖² (α³√η). At α = 1 they are the paper's η, √η, √η. Written as products of α so that a power of
 * 2 for α scales them exactly.
 */
export function phase2Thresholds(p: Pick<RunParams, 'alpha' | 'lr'>): { w2: number; a: number; mean: number } {
  const a2 = p.alpha * p.alpha;
  const sqrtLr = Math.sqrt(p.lr);
  return { w2: a2 * a2 * p.lr, a: a2 * sqrtLr, mean: a2 * p.alpha * sqrtLr };
}

/**
 * The lazy ball ‖Δw_i‖ ≤ α/√m, squared: Definition 1's 1/√m (at α = 1, where ‖w_i(0)‖ ≈ 1) in the run's units, so
 * lazy_frac is unit-free too.
 */
export const lazyTolerance2 = (p: Pick<RunParams, 'alpha' | 'width'>): number => (p.alpha * p.alpha) / p.width;

/** P(χ²₁ ≤ x) = 2Φ(√x) − 1. */
function chiSquare1Cdf(x: number): number {
  if (!(x > 0)) return 0;
  return 2 * cumulativeNormal(Math.sqrt(x)) - 1;
}

export type EndPointParams = Pick<RunParams, 'alpha' | 'lr' | 'width' | 'd' | 'teacher_norm' | 'batch' | 'sigma' | 'noise' | 'noise_schedule'>;

/**
 * The end point of label-noise SGD: mean ‖w_i‖² (`w2`, = W∞/m), ‖a‖² (`a2`) and F∞ (docs/theory.md, "The end point").
 * 1. The minimiser of the implicit regulariser tr ∇²L = tr Σ̂·‖a‖² + tr(WΣ̂Wᵀ) on {Wᵀa = θ*}: neurons balanced and
 *    aligned with θ*, ‖W‖²_F = W₀ = ‖θ*‖·√(tr Σ̂/ρ), ‖a‖² = a₀² = ‖θ*‖·√(ρ/tr Σ̂), ρ = θ̂*ᵀΣ̂θ̂* (√d‖θ*‖ and ‖θ*‖/√d
 *    for Σ̂ = I; ρ varies by ±√(2/n) between data sets, so W₀ by ±½√(2/n): ±5% at n = 200).
 * 2. The finite step. Where the end point is stationary, E[ΔΣ_i(‖w_i‖² − a_i²)] = 0 exactly, with the per-step change
 *    η²‖g‖²‖a‖² − η²‖Wg‖² (g the batch gradient in θ). Its clean-loss part (θ fluctuates about θ* with covariance
 *    (ησ̄²/2B)·K, K = ‖a‖²I + WᵀW, Gaussian x) tilts the balance to ‖W‖²_Σ̂ = tr Σ̂·‖a‖²·(1 − ε),
 *    ε = η(d − 1)(1 + 1/B)·a₀²/2, and with the fit ‖W‖‖a‖ = ‖θ*‖: ‖W‖² = W₀(1 − ε/2), ‖a‖² = a₀²(1 + ε/2).
 * 3. The stiff fluctuations. Each of the d stiff directions holds ησ̄²/(2B) (the noise covariance is σ̄²/B times the
 *    Hessian), but the mean position moves to keep both the fit and the balance on average, and the net change is
 *    −(d/(d+1))·ησ̄²/B in ‖W‖²_F and −ησ̄²/((d+1)B) in ‖a‖² (not +(d − 1)ησ̄²/(2B)).
 * 2 and 3 are first order in ηa₀²d and x = (d − 1)ησ̄²/(2B√d‖θ*‖), and worked for Σ̂ = I (Σ̂ only enters through 1).
 * Against long runs of the engine: within 0.5% where ηa₀²d ≤ 0.03, within 2% up to ηa₀²d ≈ 0.1 (batch 1 and 4;
 * test/core/end-point.test.ts, test/slow/end-point.test.ts). Above x ≈ 0.055 (d = 20, n = 200) the end point is
 * unstable and the weights settle in a larger, noise-sustained state this formula does not describe (docs/theory.md,
 * "Where the end point holds").
 */
export function endPoint(p: EndPointParams, spectrum: EndPointSpectrum = { trace: p.d, along: 1 }): { w2: number; a2: number; phase2Frac: number } {
  const { d, teacher_norm: norm, lr, batch, width } = p;
  const ratio = Math.sqrt(spectrum.trace / spectrum.along);
  const a0 = norm / ratio;
  const eps = finiteStepEps(p, spectrum);
  const stiff = (lr * meanNoiseVariance(p)) / batch;
  // the first-order shifts outgrow W₀ only deep in the noise-sustained state (x ≳ d/2), where W∞ means nothing
  const fro = Math.max(0, norm * ratio * (1 - eps / 2) - (d / (d + 1)) * stiff);
  const w2 = fro / width;
  return { w2, a2: a0 * (1 + eps / 2) - stiff / (d + 1), phase2Frac: chiSquare1Cdf(phase2Thresholds(p).w2 / w2) };
}

/** ε = η(d − 1)(1 + 1/B)·a₀²/2, a₀² = ‖θ*‖·√(ρ/tr Σ̂): the finite step's relative tilt of the end point (endPoint, 2). */
export function finiteStepEps(p: Pick<RunParams, 'd' | 'teacher_norm' | 'lr' | 'batch'>, spectrum: EndPointSpectrum): number {
  const a0 = p.teacher_norm / Math.sqrt(spectrum.trace / spectrum.along);
  return (p.lr * (p.d - 1) * (1 + 1 / p.batch) * a0) / 2;
}

/**
 * The Phase II fraction a marker asks for, where the end point decides whether it can be reached: phase2_step_50
 * and _90 need F∞ ≥ 0.5 and 0.9; phase2_step (every neuron) needs fewer than half a neuron above the threshold,
 * m·(1 − F∞) < ½. Null for markers the end point always reaches (alignment, lazy escape).
 */
function markerLevel(marker: string, width: number): number | null {
  if (marker === 'phase2_step_50') return 0.5;
  if (marker === 'phase2_step_90') return 0.9;
  if (marker === 'phase2_step') return 1 - 0.5 / width;
  return null;
}

/**
 * True when the run can never reach `marker`, whatever its length: its end point lies outside the marker's Phase
 * II set (F∞ below the marker's fraction; for phase2_mean_step, W∞/m above α³√η). From the parameters alone, so on
 * the population's Σ = I: a run's own F∞ (pred_phase2_frac_final, on its Σ̂) differs by a few hundredths at most,
 * which matters only for a cell within that of F∞ = ½. False otherwise, and where theory does not describe the run.
 */
export function markerUnreachable(marker: string, p: TheoryParams): boolean {
  if (!theoryApplies(p)) return false;
  const end = endPoint(p);
  if (marker === 'phase2_mean_step') return end.w2 > phase2Thresholds(p).mean;
  const level = markerLevel(marker, p.width);
  return level !== null && end.phase2Frac < level;
}

/** x = (d − 1)ησ̄²/(2B·√d‖θ*‖) (module comment). */
export const noiseRatio = (p: EndPointParams): number => ((p.d - 1) * p.lr * meanNoiseVariance(p)) / (2 * p.batch * Math.sqrt(p.d) * p.teacher_norm);

/** t_esc = −2·ln(1 − 1/√m)/κ₀ with κ₀ = η²σ̄²(1 + ηK₀)/B (module comment). */
function lazyEscapeSteps(p: Pick<RunParams, 'lr' | 'sigma' | 'noise' | 'noise_schedule' | 'batch' | 'width'>, k0: number): number {
  const kappa0 = noiseRate(p) * (1 + p.lr * k0);
  return (-2 * Math.log1p(-1 / Math.sqrt(p.width))) / kappa0;
}

/** Theorem 2's lazy-escape bound, 384·√(ln m)·B/(σ̄²η²√m). */
function t1Bound(p: TheoryParams): number {
  const m = p.width;
  return (384 * Math.sqrt(Math.log(m))) / (noiseRate(p) * Math.sqrt(m));
}

/** η²(σ̄² + 2·L̄)/B; null when L̄ was not measured. */
function predNormDecayRate(p: TheoryParams, meanTrainLoss: number | null): number | null {
  if (meanTrainLoss === null) return null;
  return (p.lr * p.lr * (meanNoiseVariance(p) + 2 * meanTrainLoss)) / p.batch;
}

/**
 * Every theory column for one run. `d` null (a failed run) leaves the columns measured on the run null; `model`
 * null (no model: a failed run) leaves the model's. NaN throughout where theory does not apply.
 */
export function theoryColumns(p: TheoryParams, d: TheoryInputs | null, model: ModelPrediction | null): Record<TheoryName, number | null> {
  if (!theoryApplies(p)) return Object.fromEntries(THEORY_NAMES.map((name) => [name, NaN])) as Record<TheoryName, number>;
  const rate = predNormDecayRate(p, d?.window_train_loss ?? null);
  const measured = d?.norm_decay_rate ?? null;
  const end = endPoint(p, model ? { trace: model.sigma_trace, along: model.sigma_along } : undefined);
  const ceiling = model?.phase2_frac_final ?? end.phase2Frac;
  return {
    pred_norm_decay_rate: rate,
    decay_rate_ratio: rate === null || measured === null ? null : measured / rate,
    pred_w_norm2_final: model?.w_norm2_final ?? end.w2,
    pred_a_norm2_final: model?.a_norm2_final ?? end.a2,
    pred_phase2_frac_final: ceiling,
    phase2_reachable: ceiling >= 0.5 ? 1 : 0,
    noise_ratio: noiseRatio(p),
    rich_start: isRichStart(p) ? 1 : 0,
    t1_bound: t1Bound(p),
    pred_lazy_escape_steps: model ? lazyEscapeSteps(p, model.k0) : null,
    pred_w_norm2_end: model?.w_norm2_end ?? null,
    pred_w_norm2_late: model?.w_norm2_late ?? null,
    pred_phase1_steps: model?.phase1_steps ?? null,
    pred_align_steps: model?.align_steps ?? null,
  };
}
