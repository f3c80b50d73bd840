/**
 * The report's "Runs" section: the paper's Fig. 2 panels for the chosen runs (run-figures.ts chooses them) with the
 * Phase I model dashed beside them, the same runs in the paper's own axes (paper-fig2.ts), the neuron scatter where
 * they have snapshots, and the noise on/off panel for a periodic schedule.
 */
import { figureHtml } from '../base/figure-html.js';
import { esc } from '../base/render.js';
import type { SweepData } from '../base/sweep-data.js';
import { modelCurveRows } from '../theory/model-curves.js';
import { paperAxesNotes, paperAxesSpec } from './paper-fig2.js';
import { chooseRuns, fig2Spec, onOffSpec, scatterSpec, snapshotRows, trajectoryRows } from './run-figures.js';

export async function runsSection(d: SweepData, notes: string[]): Promise<string> {
  const runs = chooseRuns(d.rows);
  if (runs.length === 0) {
    const why = d.rows.length === 0 ? 'No run has finished yet.' : `None of the ${d.rows.length} runs with a result finished (all failed).`;
    return `<p class="note">${why}</p>`;
  }
  const parts: string[] = [];
  const trajectories = trajectoryRows(d.dir, runs);
  // the Phase I model's mean ‖wᵢ‖² and |cos| beside the measured ones, dashed (theory/model-curves.ts)
  parts.push(await figureHtml(fig2Spec(runs, [...trajectories, ...modelCurveRows(d.plan, runs)]), { id: 'runs-fig2' }));
  parts.push((await figureHtml(paperAxesSpec(runs, trajectories), { id: 'runs-paper-axes' })) + paperAxesNotes(runs, trajectories));
  const withSnapshots = runs.filter((r) => r.row.params.snapshot_steps.length > 0).slice(0, 4);
  const points = snapshotRows(d.dir, withSnapshots);
  if (points.length > 0) parts.push(await figureHtml(scatterSpec(points), { id: 'runs-neurons' }));
  else notes.push('no per-neuron snapshots among the chosen runs (set snapshot_steps): no scatter');
  const periodic = d.rows.filter((r) => r.params.noise_schedule === 'periodic' && r.status !== 'failed');
  if (periodic.length > 0) {
    const p = periodic[0].params;
    const companions = chooseRuns(d.rows.filter((r) => r.params.sigma === p.sigma && r.status !== 'failed'));
    const shown = companions.length > 0 ? companions : runs;
    parts.push(await figureHtml(onOffSpec(shown, trajectoryRows(d.dir, shown), p.noise_period, p.steps), { id: 'runs-onoff' }));
  }
  const refined = d.rows.some((r) => (r.extra?.refine_round ?? 0) > 0);
  const how = `${refined ? "from the sweep's own grid (refinement's points bunch along the boundary): " : ''}replicate 0 of each setting, or the first parameter's values (colour, in its order) with the others at their middle value`;
  const list = runs.map((r) => `<li><code>${r.row.run_id}</code> ${esc(r.label)} (${r.row.status})</li>`).join('');
  return `<p class="note">Chosen runs (${esc(how)}):</p><ul class="runs">${list}</ul>
${parts.join('\n')}`;
}
