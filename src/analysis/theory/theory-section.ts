/**
 * The report's "Theory against measurement" section: the scatter panels of theory.ts (a panel with no point becomes
 * its sentence alone), one sentence per panel, and the sentence on theory's edge of "Phase I ends within this run"
 * (drawn as a curve over the phase diagrams, theory-edge.ts).
 */
import type { SummaryRow } from '../../io/index.js';
import { figureHtml } from '../base/figure-html.js';
import { sweepPalette } from '../base/palette.js';
import { esc, fmt } from '../base/render.js';
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
    notes.push('summary.arrow has no predicted columns (pred_norm_decay_rate …): no theory panels; `lnsweep merge` with this version adds them');
    return `<p class="note">This folder's summary has no predicted columns (it was written by an older lnsweep): run <code>lnsweep merge DIR</code> to add them.</p>`;
  }
  const data = THEORY_PANELS.map((p) => panelData(rows, p));
  const drawn = data.filter((d) => d.points.length > 0);
  const figure = drawn.length > 0 ? await figureHtml(theorySpec(drawn, sweepPalette(rows, 'sigma')), { id: 'theory-scatter' }) : '';
  const sentences = data.map((d) => `<li id="theory-${d.panel.id}">${esc(panelSentence(d))}</li>`);
  if (axes && THEORY_PARAMS.includes(axes.x) && THEORY_PARAMS.includes(axes.y))
    sentences.push(`<li id="theory-edge">${esc(edgeSentence(edgeAgreement(rows, axes)))}</li>`);
  return `<p class="note">The paper's Phase I mechanism predicts mean ‖wᵢ‖² to shrink at η²(σ̄² + 2L̄) per step (σ̄² the noise variance over the schedule, L̄ the mean clean train loss over the fit window), so Phase I should end after ln(‖w(0)‖²/η) divided by that rate; Theorem 2 bounds the time by which every neuron has left its lazy ball. Each point is one finished run; the grey band is agreement within a factor 2. Hover a point for its run.</p>
${figure}
<ul class="theory">${sentences.join('\n')}</ul>`;
}

/** The edge's sentence: in how many cells theory and measurement agree on whether Phase I ends within the run. */
export function edgeSentence(a: EdgeAgreement): string {
  const title = "(d) theory's edge on the phase diagrams (dashed: predicted Phase I end = the run's last step)";
  if (a.cells === 0) return `${title}: no cell has both a prediction and a finished run, so no edge is drawn.`;
  const parts = [`theory and measurement agree on whether Phase I ends within the run (Phase II fraction ≥ 0.5) in ${a.agree} of ${a.cells} cells`];
  if (a.earlyMiss) parts.push(`${a.earlyMiss} predicted to end within the run did not`);
  if (a.lateHit) parts.push(`${a.lateHit} predicted to end after the run ended within it`);
  const worst = a.worst ? `; furthest apart at ${a.worst.where} (predicted ${fmt(a.worst.predicted)} steps, run length ${fmt(a.worst.steps)})` : '';
  return `${title}: ${parts.join('; ')}${worst}.`;
}
