/**
 * The report's "Theory against measurement" section: the scatter panels of theory.ts (a panel with no point becomes
 * its sentence alone), one sentence per panel, the end-point checks (theory-checks.ts), the sentence on theory's
 * edge of "Phase I ends within this run" (drawn as a curve over the phase diagrams, theory-edge.ts) and the panels'
 * agreement band by band of the noise ratio x (noise-bands.ts).
 */
import type { SummaryRow } from '../../io/index.js';
import { figureHtml } from '../base/figure-html.js';
import { sweepPalette } from '../base/palette.js';
import { esc, fmt } from '../base/render.js';
import { ceilingCheck, ceilingSentence, endPointCheck, endPointSentence } from './theory-checks.js';
import { noiseBands, noiseBandSentence } from './noise-bands.js';
import { edgeAgreement, THEORY_PARAMS, type EdgeAgreement } from './theory-edge.js';
import { hasPredictions, panelData, panelSentence, theorySpec, THEORY_PANELS } from './theory.js';
import { varyingParams, type ParamKey } from '../base/sweep-data.js';

export interface TheoryAxes {
  x: ParamKey;
  y: ParamKey;
  facet: ParamKey | null;
}

/** The section's HTML body (the report adds its heading), or null when the sweep varies none of σ, α, m, η. */
export async function theorySection(rows: readonly SummaryRow[], axes: TheoryAxes | null, notes: string[]): Promise<string | null> {
  const varying = varyingParams(rows);
  if (!THEORY_PARAMS.some((k) => varying.includes(k))) return null;
  if (!hasPredictions(rows)) {
    notes.push('summary.arrow has no Phase I model columns (pred_w_norm2_end …): no theory panels; `lnsweep merge` with this version adds them');
    return `<p class="note">This folder's summary has no Phase I model columns (it was written by an older lnsweep): run <code>lnsweep merge DIR</code> to add them.</p>`;
  }
  // NaN where the paper's formulas do not apply (SAM, GD, σ = 0, real data): a sweep of only such runs gets one line
  if (!rows.some((r) => Number.isFinite(r.extra?.pred_norm_decay_rate))) {
    return `<p class="note">The paper's theory is that of label-noise SGD (σ > 0); no run of this sweep is one (SAM, GD, σ = 0 or real data), so there is no prediction to set beside the measurements.</p>`;
  }
  const data = THEORY_PANELS.map((p) => panelData(rows, p));
  const drawn = data.filter((d) => d.points.length > 0);
  const figure = drawn.length > 0 ? await figureHtml(theorySpec(drawn, sweepPalette(rows, 'sigma')), { id: 'theory-scatter' }) : '';
  const sentences = data.map((d) => `<li id="theory-${d.panel.id}">${esc(panelSentence(d))}</li>`);
  sentences.push(`<li id="theory-ceiling">${esc(ceilingSentence(ceilingCheck(rows)))}</li>`);
  sentences.push(`<li id="theory-endpoint">${esc(endPointSentence(endPointCheck(rows)))}</li>`);
  if (axes && THEORY_PARAMS.includes(axes.x) && THEORY_PARAMS.includes(axes.y))
    sentences.push(`<li id="theory-edge">${esc(edgeSentence(edgeAgreement(rows, axes)))}</li>`);
  sentences.push(`<li id="theory-noise">${esc(noiseBandSentence(noiseBands(rows)))}</li>`);
  return `<p class="note">Label noise shrinks the weights at η²(σ̄² + 2L̄)/B per step at first (σ̄² the noise variance over the schedule, L̄ the mean clean train loss over the fit window, B the batch). The Phase I model integrates that decay neuron by neuron from each run's own data and init, with no fitted parameter: each direction of Σ̂ = XᵀX/n across θ* at its own rate, the clean-loss part fading as the kernel shrinks, towards the run's terminal state: the end point of label-noise SGD (balanced neurons aligned with θ*, mean ‖wᵢ‖² = W∞/m ≈ √d‖θ*‖/m on the run's own Σ̂, with its finite-step and noise shifts) while the noise ratio x = (d − 1)ησ̄²/(2B√d‖θ*‖) is small; above x ≈ 0.055 (d = 20) the end point is unstable and the weights settle in a larger, noise-sustained state, which the model takes from the limit equation from d·x = 0.75 on (how fast the weights relax to it is not derived; docs/theory.md; sentence i). It gives the mean ‖wᵢ‖² at the last step, the step at which half the neurons are in the Phase II ball ‖wᵢ‖² ≤ α⁴η (the paper's η in the run's units), and the step at which mean |cos(wᵢ, θ*)| reaches 0.5. The end point caps the Phase II fraction at F∞; where F∞ < ½ Phase I never ends. t_esc is when every neuron's shrinking norm has left its lazy ball; Theorem 2's T₁ bounds that time (grey ticks above each point). Runs that start rich (σ/α² ≥ 8) are drawn hollow and not scored. Each point is one finished run; the grey band is agreement within a factor 2. Hover a point for its run.</p>
${figure}
<ul class="theory">${sentences.join('\n')}</ul>`;
}

/** The edge's sentence: in how many cells theory and measurement agree on whether Phase I ends within the run. */
export function edgeSentence(a: EdgeAgreement): string {
  const title = "(h) theory's edge on the phase diagrams (dashed: the model's Phase I end = the run's last step)";
  const rich = a.rich ? `; ${a.rich} cell${a.rich === 1 ? '' : 's'} with a rich start (σ/α² ≥ 8) not scored` : '';
  if (a.cells === 0) return `${title}: no scored cell has both a prediction and a finished run${rich}.`;
  const parts = [
    `theory and measurement agree on whether Phase I ends within the run (Phase II fraction ≥ 0.5) in ${a.agree} of ${a.cells} scored cells (${Math.round((100 * a.agree) / a.cells)}%)${rich}`,
  ];
  if (a.earlyMiss) parts.push(`${a.earlyMiss} predicted to end within the run did not`);
  if (a.lateHit) parts.push(`${a.lateHit} predicted to end after the run ended within it`);
  const worst = a.worst ? `; furthest apart at ${a.worst.where} (predicted ${fmt(a.worst.predicted)} steps, run length ${fmt(a.worst.steps)})` : '';
  return `${title}: ${parts.join('; ')}${worst}.`;
}
