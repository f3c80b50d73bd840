/**
 * The paper's predictions for a run, as summary columns beside the measured ones (README "Summary columns"). Pure;
 * each takes the run's parameters and, where the formula needs one, a number measured on the run (RunDigest).
 *
 * They apply to label-noise SGD on the linear model only: NaN (not null, not an error) for σ = 0 or noise `none`,
 * and for sam, gd, oscillate and real-data runs, whose dynamics the formulas do not describe. Null means "not
 * measured" (a failed run, or a run too short to contain norm_decay_rate's window for the ratio).
 *
 *   σ̄²                   noise variance averaged over the schedule: σ² (±σ, or gaussian of standard deviation σ),
 *                        σ²/2 for the periodic on/off schedule (on half the steps), 0 for `none`
 *   pred_norm_decay_rate η²(σ̄² + 2·L̄)/B: Phase I's per-step decay rate of mean ‖w_i‖², from the paper's mechanism
 *                        Δ(‖w_i‖² − a_i²) = η²r²(a_i²‖x‖² − (xᵀw_i)²) with E r² = σ̄² + 2L and a_i²‖x‖² ≪ ‖w_i‖²;
 *                        L̄ is the clean train loss averaged over norm_decay_rate's window; B the batch (a batch of
 *                        B samples averages B independent noises, so their variance in the step is σ̄²/B; B = 1 in
 *                        the paper)
 *   decay_rate_ratio     norm_decay_rate / pred_norm_decay_rate
 *   pred_phase1_steps    ln(w_norm2_mean(0) / η) / pred_norm_decay_rate: when mean ‖w_i‖² would reach η at that rate
 *   t1_bound             384·√(ln m) / (σ̄²η²√m): Theorem 2's step by which every neuron has left its lazy ball
 *   pred_align_steps     ln(1/η) / (η‖θ*‖²): Lemma 6's time scale for Phase II to converge
 */
import type { RunParams } from './types.js';

export type TheoryParams = Pick<
  RunParams,
  'experiment' | 'optimizer' | 'sigma' | 'noise' | 'noise_schedule' | 'lr' | 'width' | 'batch' | 'teacher_norm'
>;

export const THEORY_NAMES = ['pred_norm_decay_rate', 'decay_rate_ratio', 'pred_phase1_steps', 't1_bound', 'pred_align_steps'] as const;
export type TheoryName = (typeof THEORY_NAMES)[number];

/** What theoryColumns needs from a run's trajectory (RunDigest's fields of these names). */
export interface TheoryInputs {
  norm_decay_rate: number | null;
  w_norm2_initial: number | null;
  window_train_loss: number | null;
}

/** σ̄²: the label-noise variance per sample, averaged over the schedule. */
export function meanNoiseVariance(p: Pick<RunParams, 'sigma' | 'noise' | 'noise_schedule'>): number {
  if (p.noise === 'none') return 0;
  const s2 = p.sigma * p.sigma;
  return p.noise_schedule === 'periodic' ? s2 / 2 : s2;
}

/** True where the formulas describe the run: label-noise SGD with noise on the linear model. */
function theoryApplies(p: TheoryParams): boolean {
  return p.experiment === 'linear' && p.optimizer === 'sgd' && meanNoiseVariance(p) > 0;
}

/** Theorem 2's lazy-escape bound, 384·√(ln m)/(σ̄²η²√m); NaN where the theory does not apply. */
function t1Bound(p: TheoryParams): number {
  if (!theoryApplies(p)) return NaN;
  const m = p.width;
  return (384 * Math.sqrt(Math.log(m))) / (meanNoiseVariance(p) * p.lr * p.lr * Math.sqrt(m));
}

/** Lemma 6's Phase II time scale, ln(1/η)/(η‖θ*‖²); NaN where the theory does not apply. */
function predAlignSteps(p: TheoryParams): number {
  if (!theoryApplies(p)) return NaN;
  return Math.log(1 / p.lr) / (p.lr * p.teacher_norm * p.teacher_norm);
}

/** η²(σ̄² + 2·L̄)/B; NaN where the theory does not apply, null when L̄ was not measured. */
function predNormDecayRate(p: TheoryParams, meanTrainLoss: number | null): number | null {
  if (!theoryApplies(p)) return NaN;
  if (meanTrainLoss === null) return null;
  return (p.lr * p.lr * (meanNoiseVariance(p) + 2 * meanTrainLoss)) / p.batch;
}

/** Every theory column for one run; `d` null (a failed run) leaves the measured-input ones null. */
export function theoryColumns(p: TheoryParams, d: TheoryInputs | null): Record<TheoryName, number | null> {
  const rate = predNormDecayRate(p, d?.window_train_loss ?? null);
  const w0 = d?.w_norm2_initial ?? null;
  const measured = d?.norm_decay_rate ?? null;
  return {
    pred_norm_decay_rate: rate,
    decay_rate_ratio: rate === null || measured === null ? (Number.isNaN(rate) ? NaN : null) : measured / rate,
    pred_phase1_steps: rate === null || w0 === null ? (Number.isNaN(rate) ? NaN : null) : Math.log(w0 / p.lr) / rate,
    t1_bound: t1Bound(p),
    pred_align_steps: predAlignSteps(p),
  };
}
