/**
 * `lnsweep report DIR` → `DIR/report.html`: one self-contained file (inline SVG and CSS, no script, no network) that
 * shows a sweep at a glance. Its sections, in the order of SECTIONS:
 *   1. overview: runs by status, compute time, provenance (tool version, git commit, engines, Node)
 *   2. phase diagrams, one per key summary column, when ≥ 2 independent numeric parameters vary (chooseAxes), with
 *      the curves of OVERLAYS drawn over them and each spread panel folded away in a <details>
 *   3. theory against measurement, when the sweep varies σ, α, m or η (theory-section.ts)
 *   4. the paper's Fig. 2 panels for a few chosen runs (chooseRuns), and the neuron scatter where snapshots exist
 *   5. the noise on/off panel when the sweep has a periodic noise schedule
 *   6. the real-data panel (network beside its linearised model) when the sweep has realdata runs
 *   7. boundaries, when `lnsweep refine` wrote any (boundary-report.ts); the phase diagrams then draw the curves and
 *      a refined sweep's cells at their true sizes (boundary-cells.ts)
 * A section is a function of the report's context that returns its HTML, or null to be left out.
 */
import { median } from 'd3-array';
import { reportPath, writeFileAtomic } from '../../io/index.js';
import { boundariesSection } from './boundary-report.js';
import { readBoundaries, refinementExtras } from '../boundary/boundary-cells.js';
import { buildCells, type Cell } from '../base/cells.js';
import { realdataSection } from './realdata-figures.js';
import { columnLabel } from '../base/labels.js';
import type { Overlay } from '../base/overlay.js';
import { phaseSpec, spreadSpec } from '../phase/phase-spec.js';
import { esc, fmt, renderSvg } from '../base/render.js';
import { chooseRuns, fig2Spec, onOffSpec, scatterSpec, snapshotRows, trajectoryRows } from './run-figures.js';
import {
  chooseAxes,
  determinedBy,
  loadSweepData,
  partialBanner,
  partialOf,
  pendingRuns,
  varyingParams,
  zColumns as zColumnsOf,
  type ParamKey,
  type SweepData,
} from '../base/sweep-data.js';
import { hasPredictions } from '../theory/theory.js';
import { phase1EdgeOverlay } from '../theory/theory-edge.js';
import { theorySection } from '../theory/theory-section.js';

interface ReportContext {
  data: SweepData;
  /** one-line notes printed by the CLI */
  notes: string[];
  /** the phase diagrams' axes, or null when fewer than two independent numeric parameters vary */
  axes: { x: ParamKey; y: ParamKey; facet: ParamKey | null } | null;
  /** the folder's boundary files (`lnsweep refine`), read once for every diagram and the Boundaries section */
  boundaries: ReturnType<typeof readBoundaries>;
}

type Section = (ctx: ReportContext) => Promise<string | null>;

const SECTIONS: readonly Section[] = [
  (ctx) => Promise.resolve(overview(ctx.data)),
  phaseSection,
  (ctx) => theorySection(ctx.data.rows, ctx.axes, ctx.notes),
  (ctx) => runsSection(ctx.data, ctx.notes),
  (ctx) => realdataSection(ctx.data.dir, ctx.data.rows),
  (ctx) => boundariesSection(ctx.data, ctx.boundaries),
];

/** Curves drawn over every phase diagram of the report, in this order (each may give none). */
const OVERLAYS: readonly ((ctx: ReportContext) => Overlay[])[] = [
  (ctx) => (ctx.axes && hasPredictions(ctx.data.rows) ? [phase1EdgeOverlay(ctx.data.rows, ctx.axes)] : []),
];

/** The summary columns drawn as phase diagrams, in this order, when present (`serve` draws the same). */
export const KEY_COLUMNS = [
  'norm_decay_rate',
  'decay_rate_ratio',
  'final_w_norm2_mean',
  'final_phase2_frac',
  'phase2_step_50',
  'phase2_mean_step',
  'phase2_step',
  'final_align_cos_mean',
  'align_step',
  'final_test_loss',
  'lazy_escape_step',
  'collapsed',
];

export async function writeReport(dir: string, out?: string): Promise<{ path: string; notes: string[] }> {
  const data = loadSweepData(dir);
  const notes: string[] = [];
  if (data.rebuilt) notes.push('summary.arrow lacks the analysis columns; rebuilt them from the run files (`lnsweep merge` saves them)');
  const ctx: ReportContext = {
    data,
    notes,
    // from the plan, so that axes, facets and titles do not depend on which runs happen to be done
    axes: chooseAxes(data.plan.runs),
    boundaries: readBoundaries(data.dir),
  };
  const sections: string[] = [];
  for (const section of SECTIONS) {
    const html = await section(ctx);
    if (html) sections.push(html);
  }
  const path = out ?? reportPath(dir);
  const partial = partialOf(data);
  if (partial) notes.push(`${partialBanner(partial)} have finished or failed; the report draws the others' cells as pending`);
  const banner = partial
    ? `<p class="banner">${esc(partialBanner(partial))} have finished or failed; the rest are pending, and their cells are drawn as pending (“…”), not as “no value”. Run <code>lnsweep report</code> again when the sweep is done.</p>\n`
    : '';
  writeFileAtomic(path, page(`lnsweep report: ${data.plan.name}`, banner + sections.join('\n')));
  return { path, notes };
}

function overview(d: SweepData): string {
  const rows = d.rows;
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const collapsed = rows.filter((r) => r.extra?.collapsed === 1).length;
  const pending = d.plan.runs.length - rows.filter((r) => r.status !== 'failed').length - count('failed');
  const wall = rows.reduce((s, r) => s + r.wall_s, 0);
  const steps = rows.reduce((s, r) => s + r.steps_done, 0);
  const engines = [...new Set(rows.map((r) => r.engine).filter(Boolean))].join(', ') || '–';
  const p = d.provenance;
  const varying = varyingParams(d.plan.runs).filter((k) => k !== 'snapshot_steps');
  const table = (pairs: [string, string][]) => `<table>${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
  return `<section><h2>Overview</h2><div class="cols">
${table([
  ['runs planned', String(d.plan.runs.length)],
  ['done', String(count('done'))],
  ['diverged', String(count('diverged'))],
  ['collapsed (θ → 0)', String(collapsed)],
  ['failed', String(count('failed'))],
  ['pending', String(pending)],
])}
${table([
  ['compute time (sum of runs)', `${fmt(wall)} s (${fmt(wall / 3600)} h)`],
  ['steps taken', steps.toLocaleString('en-US')],
  [
    'median speed',
    `${fmt(
      median(
        rows.filter((r) => r.steps_per_s > 0),
        (r) => r.steps_per_s,
      ),
    )} steps/s per run`,
  ],
  ['varying parameters', varying.join(', ') || '–'],
  ['sweep file', String((d.plan as { source?: string }).source ?? '–')],
  ['sweep seed', String(d.plan.seed)],
])}
${table([
  ['tool version', p.tool_version || '–'],
  ['git commit', `${p.git_commit || '–'}${p.git_dirty === 'true' ? ' (with uncommitted changes)' : ''}`],
  ['engine / backend', engines],
  ['Node', p.node_version || '–'],
  ['host', `${p.host || '–'} (${p.platform || '?'}/${p.arch || '?'})`],
])}
</div></section>`;
}

async function phaseSection(ctx: ReportContext): Promise<string> {
  const { rows, plan } = ctx.data;
  const axes = ctx.axes;
  if (!axes) {
    ctx.notes.push('fewer than two independent numeric parameters vary: no phase diagrams');
    return `<section><h2>Phase diagrams</h2><p class="note">This sweep varies fewer than two independent numeric parameters, so there is no phase diagram; the run panels below show it.</p></section>`;
  }
  const used = [axes.x, axes.y, ...(axes.facet ? [axes.facet] : [])];
  const pooled = varyingParams(plan.runs).filter((k) => k !== 'snapshot_steps' && !used.includes(k) && !determinedBy(plan.runs, k, used));
  const pending = pendingRuns(ctx.data);
  const partial = partialOf(ctx.data);
  const overlays = OVERLAYS.flatMap((o) => o(ctx));
  const present = new Set(zColumnsOf(rows));
  const figures: string[] = [];
  for (const z of KEY_COLUMNS) {
    if (!present.has(z)) continue;
    if (z === 'collapsed' && !plan.runs.some((r) => r.params.optimizer === 'sam')) continue;
    const cells = buildCells(rows, { ...axes, z, agg: 'median' }, pending);
    const caption = esc(CAPTIONS[z] ?? columnLabel(z));
    if (!cells.some((c) => c.kind === 'value')) {
      figures.push(`<p class="note" id="phase-${z}"><b>${esc(columnLabel(z))}</b>: no diagram, ${esc(noValueReason(cells))}. ${caption}</p>`);
      continue;
    }
    const extras = refinementExtras(ctx.boundaries, rows, cells, axes);
    const layout = extras.layout ? { layout: extras.layout } : {};
    const input = { cells, ...axes, z, agg: 'median' as const, pooled, overlays: [...overlays, ...extras.overlays], ...layout, partial };
    const svg = await renderSvg(phaseSpec(input));
    const spread = spreadSpec(input);
    const details = spread ? `<details><summary>spread across replicates (IQR per cell)</summary>${await renderSvg(spread)}</details>` : '';
    figures.push(`<figure id="phase-${z}">${svg}<figcaption>${caption}</figcaption>${details}</figure>`);
  }
  return `<section><h2>Phase diagrams</h2><p class="note">Median over replicates per cell; the spread across replicates is folded under each diagram. Hover a cell for its runs. Red ✕: diverged; grey θ→0: collapsed; light grey &gt;T: threshold not reached by the last step.${overlays.some((o) => o.points.length > 1) ? ' Curves drawn over the cells are named in each legend; the dashed black one is where theory puts the end of Phase I at the run\'s last step (Phase I ends within the run on the side of shorter predicted times: see "Theory against measurement").' : ''} Redraw any of them with <code>lnsweep phase DIR --x ${axes.x} --y ${axes.y} --z COLUMN</code>.</p>
${figures.join('\n')}</section>`;
}

/** Why a diagram has no value cell, from its cells' kinds ("not reached by the last step in 75 cells, diverged in 15"). */
function noValueReason(cells: readonly Cell[]): string {
  const names: Record<string, string> = {
    not_reached: 'not reached by the last step',
    diverged: 'diverged',
    collapsed: 'collapsed',
    failed: 'failed',
    missing: 'no value',
    pending: 'pending',
  };
  const counts = new Map<string, number>();
  for (const c of cells) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${names[k] ?? k} in ${n} cell${n === 1 ? '' : 's'}`).join(', ');
}

export const CAPTIONS: Record<string, string> = {
  final_test_loss: 'Test loss at the last step: low where the network has learned θ*.',
  norm_decay_rate:
    'Phase I: how fast mean ‖wᵢ‖² shrinks, fitted e-folds per step over its first e-fold (from step 0 until it has fallen by a factor e), so it does not depend on the run length. About η²(σ̄² + 2·train loss). “–”: the run ended (or diverged) before that first e-fold, as the noiseless control always does.',
  final_phase2_frac: 'Fraction of neurons inside the Phase II ball (‖wᵢ‖ ≤ √η and |aᵢ| ≤ √η) at the last step.',
  decay_rate_ratio:
    'Measured Phase I decay rate over the predicted η²(σ̄² + 2L̄): 1 (white) where theory holds, orange above, blue below. “–”: no prediction (σ = 0, SAM, GD) or no fit.',
  phase2_step_50:
    'Phase II onset: first step at which half the neurons are inside the Phase II ball (Phase II fraction ≥ 0.5). Light grey: not within the run.',
  phase2_mean_step: 'Lemma 4: first step at which mean ‖wᵢ‖² ≤ √η. Light grey: not within the run.',
  phase2_step:
    'First step at which every neuron has ‖wᵢ‖ ≤ √η and |aᵢ| ≤ √η: rarely reached while θ ≈ θ* (‖θ‖ ≤ Σ|aᵢ|‖wᵢ‖ ≤ mη). Light grey: not within the run.',
  align_step: 'First step at which the neurons are aligned with θ* (mean |cos(wᵢ, θ*)| ≥ 0.9).',
  final_align_cos_mean: 'Alignment with θ* at the last step: near 1 once Phase II has aligned the neurons.',
  lazy_escape_step: 'First step at which every neuron has left its lazy ball (‖wᵢ(t) − wᵢ(0)‖ > ‖wᵢ(0)‖/√m).',
  final_w_norm2_mean: 'Mean ‖wᵢ‖² at the last step: Phase I drives it down by orders of magnitude.',
  collapsed: 'Fraction of runs whose θ collapsed to 0 (SAM with a large radius).',
};

async function runsSection(d: SweepData, notes: string[]): Promise<string> {
  const runs = chooseRuns(d.rows);
  if (runs.length === 0) return `<section><h2>Runs</h2><p class="note">No finished run yet.</p></section>`;
  const parts: string[] = [];
  parts.push(`<figure>${await renderSvg(fig2Spec(trajectoryRows(d.dir, runs)))}</figure>`);
  const withSnapshots = runs.filter((r) => r.row.params.snapshot_steps.length > 0).slice(0, 4);
  const points = snapshotRows(d.dir, withSnapshots);
  if (points.length > 0) parts.push(`<figure>${await renderSvg(scatterSpec(points))}</figure>`);
  else notes.push('no per-neuron snapshots among the chosen runs (set snapshot_steps): no scatter');
  const periodic = d.rows.filter((r) => r.params.noise_schedule === 'periodic' && r.status !== 'failed');
  if (periodic.length > 0) {
    const p = periodic[0].params;
    const companions = chooseRuns(d.rows.filter((r) => r.params.sigma === p.sigma && r.status !== 'failed'));
    const rows = trajectoryRows(d.dir, companions.length > 0 ? companions : runs);
    parts.push(`<figure>${await renderSvg(onOffSpec(rows, p.noise_period, p.steps))}</figure>`);
  }
  const list = runs.map((r) => `<li><code>${r.row.run_id}</code> ${esc(r.label)} (${r.row.status})</li>`).join('');
  return `<section><h2>Runs</h2><p class="note">Chosen runs (replicate 0 of each setting, or the first parameter's values with the others at their middle value):</p><ul class="runs">${list}</ul>
${parts.join('\n')}</section>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1500px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
.cols { display: flex; flex-wrap: wrap; gap: 24px; } table { border-collapse: collapse; font-size: 13px; }
th { text-align: left; font-weight: normal; color: #555; padding: 2px 12px 2px 0; } td { padding: 2px 0; font-variant-numeric: tabular-nums; }
figure { margin: 16px 0 28px; overflow-x: auto; } details { margin-top: 6px; font-size: 13px; } summary { cursor: pointer; color: #444; }
ul.theory { font-size: 13px; max-width: 1100px; } ul.theory li { margin: 4px 0; } figcaption { font-size: 13px; color: #444; max-width: 900px; }
.note { font-size: 13px; color: #444; max-width: 1000px; } code { font-size: 12px; background: #f4f4f4; padding: 1px 3px; }
ul.runs { font-size: 13px; columns: 2; }
.banner { font-size: 14px; background: #fff4d6; border: 1px solid #e8c766; padding: 8px 12px; max-width: 1000px; }
</style></head>
<body><h1>${esc(title)}</h1>
<p class="note">Generated by <code>lnsweep report</code>. Self-contained: open it anywhere, no network needed.</p>
${body}
</body></html>
`;
}
