/**
 * Two checks of the end point theory predicts (src/core/theory.ts), as sentences computed from the summary rows:
 * - the ceiling: no run can hold more of its neurons in the Phase II ball than F∞ = pred_phase2_frac_final, the
 *   fraction of its own neurons the end point puts there; checked as final_phase2_frac ≤ F∞ + 0.05 (the noise
 *   around the end point);
 * - the terminal state itself: where the Phase I model has converged by the run's end (its mean ‖wᵢ‖² over the run's
 *   last fifth, pred_w_norm2_late, within 1% of pred_w_norm2_final: the end point W∞/m ≈ √d‖θ*‖/m, or past the gate
 *   the limit equation's noise-sustained state), the measured mean ‖wᵢ‖² should be within 5% of it. Both sides are
 *   time averages over that window: above the onset one snapshot strays from the state's mean by 7–12% (coefficient
 *   of variation), the model's too (past the gate it is a mean of two paths of the limit equation), so no prediction
 *   of the mean can put every final value within 5%, and one snapshot of the model cannot say it has settled. Folders
 *   written before results version 5 have no pred_w_norm2_late; there the model's last step, pred_w_norm2_end, says.
 * Both over the scored runs: finished, a prediction, not a rich start.
 */
import type { SummaryRow } from '../../io/index.js';
import { fmt } from '../base/render.js';
import { isRichStart, runs } from './theory.js';

/** The model counts as converged when its late-window mean ‖wᵢ‖² is within this factor of the terminal state. */
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
  /** of them, late_w_norm2_mean within 5% of pred_w_norm2_final */
  within5: number;
  /** median of late_w_norm2_mean / pred_w_norm2_final over them */
  median: number | null;
  /** the same for the last snapshot, final_w_norm2_mean, for comparison */
  snapshotWithin5: number;
}

export function endPointCheck(rows: readonly SummaryRow[]): EndPointCheck {
  const ratios: number[] = [];
  const snapshots: number[] = [];
  for (const r of scored(rows)) {
    const end = r.extra?.pred_w_norm2_late ?? r.extra?.pred_w_norm2_end;
    const final = r.extra!.pred_w_norm2_final!;
    const measured = r.extra?.late_w_norm2_mean;
    if (end == null || measured == null || !(end <= CONVERGED * final)) continue;
    ratios.push(measured / final);
    if (r.final.w_norm2_mean != null) snapshots.push(r.final.w_norm2_mean / final);
  }
  ratios.sort((a, b) => a - b);
  const within5 = (v: number[]) => v.filter((x) => Math.abs(x - 1) <= 0.05).length;
  return {
    converged: ratios.length,
    within5: within5(ratios),
    median: ratios.length ? ratios[Math.floor((ratios.length - 1) / 2)] : null,
    snapshotWithin5: within5(snapshots),
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
  const title = '(g) the terminal state, mean ‖wᵢ‖² → pred_w_norm2_final (the end point W∞/m, or the noise-sustained state past d·x = 0.75)';
  if (e.converged === 0) return `${title}: no scored run in which the model has converged by the run's end.`;
  return (
    `${title}: in the ${runs(e.converged)} where the model has converged by the run's end (its mean over the last fifth within 1% of it), the measured mean ‖wᵢ‖² ` +
    `averaged over the run's last fifth is within 5% of it in ${e.within5}; median measured/predicted ${fmt(e.median)}. ` +
    `A time average, because a single snapshot of a stochastic state strays from its mean (by 7–12% above the onset): ` +
    `the final snapshot is within 5% in ${e.snapshotWithin5}.`
  );
}
