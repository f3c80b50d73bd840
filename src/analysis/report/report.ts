/**
 * `lnsweep report DIR` → `DIR/report.html`: one self-contained file (inline SVG and CSS, no script, no network) that
 * shows a sweep at a glance. Its sections, in the order of SECTIONS:
 *   1. overview: runs by status, compute time, provenance (tool version, git commit, engines, Node)
 *   2. phase diagrams, one per key summary column, when ≥ 2 independent numeric parameters vary (chooseAxes), with
 *      the curves of OVERLAYS drawn over them and each spread panel folded away in a <details>
 *   3. theory against measurement, when the sweep varies σ, α, m or η (theory-section.ts), then the scaling fits
 *      with their collapse panels (scaling-section.ts)
 *   4. the paper's Fig. 2 panels for a few chosen runs (chooseRuns), the same in the paper's own axes (paper-fig2.ts),
 *      and the neuron scatter where snapshots exist
 *   5. the noise on/off panel when the sweep has a periodic noise schedule
 *   6. the real-data panel (network beside its linearised model) when the sweep has realdata runs
 *   7. boundaries, when `lnsweep refine` wrote any (boundary-report.ts); the phase diagrams then draw the curves and
 *      a refined sweep's cells at their true sizes (boundary-cells.ts)
 * A section is an entry of SECTIONS: its anchor, its heading and a function of the report's context that returns its
 * HTML body, or null to be left out. The page (page.ts) builds the table of contents from these entries and from the
 * figures inside them (every figure drawn by base/figure-html.ts has an anchor), so a new section is one entry here.
 */
import { median } from 'd3-array';
import { reportPath, writeFileAtomic } from '../../io/index.js';
import { boundariesSection } from './boundary-report.js';
import { readBoundaries, refinementExtras } from '../boundary/boundary-cells.js';
import { buildCells, type Cell } from '../base/cells.js';
import { CELL_KINDS } from '../base/cell-kinds.js';
import { figureHtml } from '../base/figure-html.js';
import { realdataSection } from './realdata-figures.js';
import { columnLabel, paramShort } from '../base/labels.js';
import type { Overlay } from '../base/overlay.js';
import { phaseSpec, spreadSpec } from '../phase/phase-spec.js';
import { esc, fmt } from '../base/render.js';
import { page, type RenderedSection } from './page.js';
import { runsSection } from './runs-section.js';
import {
  chooseAxes,
  determinedBy,
  loadSweepData,
  partialBanner,
  partialOf,
  pendingRuns,
  rescaledAxis,
  varyingParams,
  withRescaledParams,
  zColumns as zColumnsOf,
  type ParamKey,
  type SweepData,
} from '../base/sweep-data.js';
import { hasPredictions } from '../theory/theory.js';
import { phase1EdgeOverlay } from '../theory/theory-edge.js';
import { theorySection } from '../theory/theory-section.js';
import { scalingSection } from './scaling-section.js';

interface ReportContext {
  data: SweepData;
  /** one-line notes printed by the CLI */
  notes: string[];
  /** the phase diagrams' axes, or null when fewer than two independent numeric parameters vary */
  axes: { x: ParamKey; y: ParamKey; facet: ParamKey | null } | null;
  /** the folder's boundary files (`lnsweep refine`), read once for every diagram and the Boundaries section */
  boundaries: ReturnType<typeof readBoundaries>;
  /** the diagrams are drawn on the rescaled axes (`--rescaled`) */
  rescaled: boolean;
}

interface Section {
  /** the anchor (`report.html#phase`) */
  id: string;
  /** the heading, and its entry in the table of contents */
  title: string;
  /** the section's HTML body, or null to leave the section out */
  render: (ctx: ReportContext) => Promise<string | null>;
}

const SECTIONS: readonly Section[] = [
  { id: 'overview', title: 'Overview', render: (ctx) => Promise.resolve(overview(ctx.data)) },
  { id: 'phase', title: 'Phase diagrams', render: phaseSection },
  { id: 'theory', title: 'Theory against measurement', render: (ctx) => theorySection(ctx.data.rows, ctx.axes, ctx.notes) },
  { id: 'scaling', title: 'Scaling', render: (ctx) => scalingSection(ctx.data) },
  { id: 'runs', title: 'Runs', render: (ctx) => runsSection(ctx.data, ctx.notes) },
  {
    id: 'realdata',
    title: 'Real data: network beside its linearised model (paper Figs. 3, 5)',
    render: (ctx) => realdataSection(ctx.data.dir, ctx.data.rows),
  },
  { id: 'boundaries', title: 'Boundaries', render: (ctx) => boundariesSection(ctx.data, ctx.boundaries, ctx.axes) },
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

/** `rescaled`: draw the diagrams on σ/α² and ‖θ*‖/α² (the α = 1 frame) instead of σ and α (sweep-data.ts). */
export async function writeReport(dir: string, out?: string, opts: { rescaled?: boolean } = {}): Promise<{ path: string; notes: string[] }> {
  const loaded = loadSweepData(dir);
  const notes: string[] = [];
  if (loaded.rebuilt === 'outdated')
    notes.push('summary.arrow lacks the analysis columns; rebuilt them from the run files (`lnsweep merge` saves them)');
  // a folder whose runs are done by shards or queue workers has none until `merge`
  if (loaded.rebuilt === 'missing') notes.push('no summary.arrow yet; read the run files (`lnsweep merge` writes it)');
  const data = opts.rescaled
    ? { ...loaded, rows: withRescaledParams(loaded.rows), plan: { ...loaded.plan, runs: withRescaledParams(loaded.plan.runs) } }
    : loaded;
  // from the plan, so that axes, facets and titles do not depend on which runs happen to be done
  const chosen = chooseAxes(data.plan.runs);
  const axes = opts.rescaled && chosen ? rescaledAxes(chosen, notes) : chosen;
  const ctx: ReportContext = {
    data,
    notes,
    axes,
    // a folder's boundaries are curves in σ and α, not in the rescaled axes
    boundaries: opts.rescaled ? [] : readBoundaries(data.dir),
    rescaled: opts.rescaled === true,
  };
  const sections: RenderedSection[] = [];
  for (const section of SECTIONS) {
    const body = await section.render(ctx);
    if (body) sections.push({ id: section.id, title: section.title, body });
  }
  const path = out ?? reportPath(dir);
  const partial = partialOf(data);
  if (partial) notes.push(`${partialBanner(partial)} have finished or failed; the report draws the others' cells as pending`);
  const banner = partial
    ? `${partialBanner(partial)} have finished or failed; the rest are pending, and their cells are drawn as pending (“…”), not as “no value”. Run <code>lnsweep report</code> again when the sweep is done.`
    : null;
  writeFileAtomic(path, page(`lnsweep report: ${data.plan.name}`, sections, banner));
  return { path, notes };
}

/** The chosen axes on the rescaled diagram, or the chosen ones (with a note) when two of them map to one axis. */
function rescaledAxes(axes: NonNullable<ReportContext['axes']>, notes: string[]): ReportContext['axes'] {
  const x = rescaledAxis(axes.x);
  const y = rescaledAxis(axes.y);
  const facet = axes.facet ? rescaledAxis(axes.facet) : null;
  if (x === y || facet === x || facet === y) {
    notes.push(`--rescaled: ${axes.x} and ${axes.y}${axes.facet ? ` and ${axes.facet}` : ''} do not give two rescaled axes; drawn as they are`);
    return axes;
  }
  return { x, y, facet };
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
  return `<div class="cols">
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
</div>`;
}

async function phaseSection(ctx: ReportContext): Promise<string> {
  const { rows, plan } = ctx.data;
  const axes = ctx.axes;
  if (!axes) {
    ctx.notes.push('fewer than two independent numeric parameters vary: no phase diagrams');
    return `<p class="note">This sweep varies fewer than two independent numeric parameters, so there is no phase diagram; the run panels below show it.</p>`;
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
    const facetTitle = (v: unknown) => `${paramShort(axes.facet ?? '')} = ${typeof v === 'number' ? fmt(v) : String(v)}`;
    const spread = spreadSpec(input);
    const details = spread
      ? `<details><summary>spread across replicates (IQR per cell)</summary>${await figureHtml(spread, { id: `phase-${z}-spread`, facetTitle, toc: false })}</details>`
      : '';
    figures.push(await figureHtml(phaseSpec(input), { id: `phase-${z}`, caption, facetTitle, after: details }));
  }
  return `<p class="note">Median over replicates per cell; the spread across replicates is folded under each diagram. Hover a cell for its runs. Red ✕: diverged; grey θ→0: collapsed; light grey &gt;T: threshold not reached by the last step; pale blue ∅: unreachable whatever the run's length (its end point lies outside the Phase II set).${partial ? ' Cream …: pending, not run yet.' : ''}${overlays.some((o) => o.points.length > 1) ? ' Curves drawn over the cells are named in each legend; the dashed black one is where theory puts the end of Phase I at the run\'s last step (Phase I ends within the run on the side of shorter predicted times: see "Theory against measurement").' : ''} Redraw any of them with <code>lnsweep phase DIR --x ${axes.x} --y ${axes.y} --z COLUMN${ctx.rescaled ? ' --rescaled' : ''}</code>, or export one for a paper with <code>lnsweep figure DIR --z COLUMN --out FILE.pdf</code>.</p>
${figures.join('\n')}`;
}

/** Why a diagram has no value cell, from its cells' kinds ("not reached by the last step in 75 cells, diverged in 15"). */
function noValueReason(cells: readonly Cell[]): string {
  const counts = new Map<string, number>();
  for (const c of cells) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  const reason = (k: string) => (k in CELL_KINDS ? CELL_KINDS[k as keyof typeof CELL_KINDS].reason : k);
  return [...counts].map(([k, n]) => `${reason(k)} in ${n} cell${n === 1 ? '' : 's'}`).join(', ');
}

export const CAPTIONS: Record<string, string> = {
  final_test_loss: 'Test loss at the last step: low where the network has learned θ*.',
  norm_decay_rate:
    'Phase I: how fast mean ‖wᵢ‖² shrinks, fitted e-folds per step over its first e-fold (from step 0 until it has fallen by a factor e), so it does not depend on the run length. About η²(σ̄² + 2·train loss). “–”: the run ended (or diverged) before that first e-fold, as the noiseless control always does.',
  final_phase2_frac:
    'Fraction of neurons inside the Phase II ball (‖wᵢ‖² ≤ α⁴η and |aᵢ| ≤ α²√η: the paper’s η and √η in the run’s units) at the last step. It can never exceed F∞, the fraction the end point of label-noise SGD puts there.',
  decay_rate_ratio:
    'Measured Phase I decay rate over the predicted η²(σ̄² + 2L̄): 1 (white) where theory holds, orange above, blue below. “–”: no prediction (σ = 0, SAM, GD) or no fit.',
  phase2_step_50:
    'Phase II onset: first step at which half the neurons are inside the Phase II ball (Phase II fraction ≥ 0.5). Light grey: not within the run; pale blue ∅: unreachable, the end point holds fewer than half the neurons in the ball (F∞ < ½).',
  phase2_mean_step: 'Lemma 4: first step at which mean ‖wᵢ‖² ≤ α³√η (√η at α = 1). Light grey: not within the run; pale blue ∅: unreachable.',
  phase2_step:
    'First step at which every neuron has ‖wᵢ‖² ≤ α⁴η and |aᵢ| ≤ α²√η: unreachable wherever the end point leaves half a neuron or more outside the ball (m·(1 − F∞) ≥ ½). Light grey: not within the run; pale blue ∅: unreachable.',
  align_step: 'First step at which the neurons are aligned with θ* (mean |cos(wᵢ, θ*)| ≥ 0.9).',
  final_align_cos_mean: 'Alignment with θ* at the last step: near 1 once Phase II has aligned the neurons.',
  lazy_escape_step: 'First step at which every neuron has left its lazy ball (‖wᵢ(t) − wᵢ(0)‖ > ‖wᵢ(0)‖/√m).',
  final_w_norm2_mean: 'Mean ‖wᵢ‖² at the last step: Phase I drives it down by orders of magnitude.',
  collapsed: 'Fraction of runs whose θ collapsed to 0 (SAM with a large radius).',
};
