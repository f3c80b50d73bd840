/**
 * Two checks of the end point theory predicts (src/core/theory.ts), as sentences computed from the summary rows:
 * - the ceiling: no run can hold more of its neurons in the Phase II ball than F∞ = pred_phase2_frac_final, the
 *   fraction of its own neurons the end point puts there; checked as final_phase2_frac ≤ F∞ + 0.05 (the noise
 *   around the end point);
 * - the end point itself: where the Phase I model has converged by the last step (its mean ‖wᵢ‖² within 1% of
 *   pred_w_norm2_final = W∞/m, ≈ √d‖θ*‖/m), the measured final mean ‖wᵢ‖² should be within 5% of W∞/m: where the end
 *   point is stable (small noise ratio x; noise-bands.ts).
 * Both over the scored runs: finished, a prediction, not a rich start.
 */
import type { SummaryRow } from '../../io/index.js';
import { fmt } from '../base/render.js';
import { isRichStart, runs } from './theory.js';

/** The model counts as converged when its mean ‖wᵢ‖² at the last step is within this factor of the end point. */
const CONVERGED = 1.01;

const scored = (rows: readonly SummaryRow[]): SummaryRow[] =>
  rows.filter((r) => r.status === 'done' && !isRichStart(r) && Number.isFinite(r.extra?.pred_phase2_frac_final ?? NaN));

export interface CeilingCheck {
  runs: number;
  below: number;
  /** the run furthest above its ceiling: final_phase2_frac − F∞ */
  worst: { excess: number; where: string } | null;
}

export function ceilingCheck(rows: readonly SummaryRow[]): CeilingCheck {
  const out: CeilingCheck = { runs: 0, below: 0, worst: null };
  for (const r of scored(rows)) {
    const frac = r.final.phase2_frac;
    if (frac === null || frac === undefined) continue;
    out.runs++;
    const excess = frac - r.extra!.pred_phase2_frac_final!;
    if (excess <= 0.05) out.below++;
    if (!out.worst || excess > out.worst.excess) out.worst = { excess, where: where(r) };
  }
  return out;
}

export interface EndPointCheck {
  /** scored runs the model calls converged by their last step */
  converged: number;
  /** of them, measured within 5% of W∞/m */
  within5: number;
  /** median of measured / (W∞/m) over them */
  median: number | null;
}

export function endPointCheck(rows: readonly SummaryRow[]): EndPointCheck {
  const ratios: number[] = [];
  for (const r of scored(rows)) {
    const end = r.extra?.pred_w_norm2_end;
    const final = r.extra!.pred_w_norm2_final!;
    const measured = r.final.w_norm2_mean;
    if (end == null || measured == null || !(end <= CONVERGED * final)) continue;
    ratios.push(measured / final);
  }
  ratios.sort((a, b) => a - b);
  return {
    converged: ratios.length,
    within5: ratios.filter((x) => Math.abs(x - 1) <= 0.05).length,
    median: ratios.length ? ratios[Math.floor((ratios.length - 1) / 2)] : null,
  };
}

const where = (r: SummaryRow): string => `σ = ${fmt(r.params.sigma)}, α = ${fmt(r.params.alpha)}, m = ${r.params.width}, rep ${r.replicate}`;

export function ceilingSentence(c: CeilingCheck): string {
  const title = "(f) the ceiling F∞ on the final Phase II fraction (the share of the run's neurons its end point puts in the ball)";
  if (c.runs === 0) return `${title}: no scored run to check.`;
  const worst = c.worst ? `; largest final fraction − F∞: ${fmt(c.worst.excess)} (${c.worst.where})` : '';
  return `${title}: final_phase2_frac ≤ F∞ + 0.05 in ${c.below} of ${runs(c.runs)}${worst}.`;
}

export function endPointSentence(e: EndPointCheck): string {
  const title = '(g) the end point, mean ‖wᵢ‖² → W∞/m';
  if (e.converged === 0) return `${title}: no scored run in which the model has converged by the last step.`;
  return `${title}: in the ${runs(e.converged)} where the model has converged by the last step (within 1% of it), the measured final mean ‖wᵢ‖² is within 5% of W∞/m in ${e.within5}; median measured/predicted ${fmt(e.median)}.`;
}
