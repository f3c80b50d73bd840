/**
 * What the live page draws, from a folder read so far (live-folder.ts): the report's own phase diagrams (its key
 * columns, axes from the plan, pending cells drawn as pending), a cell's runs with their curves (the report's Fig. 2
 * panels), and refine's boundaries as they grow round by round. Specs are compiled to Vega here, so the browser needs
 * vega alone. Pure functions of their inputs.
 */
import type { TopLevelSpec } from 'vega-lite';
import { readBoundaries } from '../analysis/boundary/boundary-cells.js';
import { axisKind } from '../analysis/base/cells.js';
import { columnLabel, paramLabel, paramShort } from '../analysis/base/labels.js';
import { compileVega, fmt } from '../analysis/base/render.js';
import { paramPalette } from '../analysis/base/palette.js';
import { chooseAxes, zColumns, type ParamKey } from '../analysis/base/sweep-data.js';
import { phaseInput } from '../analysis/phase/phase.js';
import { phaseSpec, wrapLegend } from '../analysis/phase/phase-spec.js';
import { CAPTIONS, KEY_COLUMNS } from '../analysis/report/report.js';
import { fig2Spec, trajectoryRows } from '../analysis/report/run-figures.js';
import type { SummaryRow } from '../io/index.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';

/** The folder as the views see it: the plan, the rows with an outcome, the boundary files. */
export interface FolderView {
  dir: string;
  plan: Plan;
  rows: SummaryRow[];
  boundaries: ReturnType<typeof readBoundaries>;
}

export interface DiagramList {
  axes: { x: string; y: string; facet: string | null } | null;
  columns: { z: string; label: string; caption: string }[];
}

/** The report's key columns this folder can draw, over the report's axes (chosen from the plan). */
export function diagramList(v: FolderView): DiagramList {
  const axes = chooseAxes(v.plan.runs);
  const present = new Set(zColumns(v.rows));
  const columns = KEY_COLUMNS.filter((z) => present.has(z) && (z !== 'collapsed' || v.plan.runs.some((r) => r.params.optimizer === 'sam')));
  return { axes, columns: axes ? columns.map((z) => ({ z, label: columnLabel(z), caption: CAPTIONS[z] ?? '' })) : [] };
}

/**
 * The diagram of `z` as a Vega spec, or null when the folder has no axes for one. `columns` sets how many facets stand
 * side by side (the page asks for one on a narrow screen, so no facet hides behind a sideways scroll).
 */
export function diagramSpec(v: FolderView, z: string, columns?: number): object | null {
  const axes = chooseAxes(v.plan.runs);
  if (!axes) return null;
  const spec = phaseSpec({ ...phaseInput(v, { ...axes, z, agg: 'median' }, v.boundaries), ...(columns ? { columns } : {}) });
  return compileVega(columns === 1 ? narrow(spec) : spec);
}

/** Characters in a title line that a phone-width screen holds (bold 13 px text, or 11 px with 10 more, in about 370 px). */
const NARROW_TITLE = 40;

/** A figure for a phone-width screen: its title and subtitle over several lines, its legends below the panels. */
function narrow(spec: TopLevelSpec): TopLevelSpec {
  const s = spec as unknown as { title: { text: string; subtitle: string }; config?: Record<string, object> };
  return {
    ...spec,
    title: { ...s.title, text: wrapLegend(s.title.text, NARROW_TITLE), subtitle: wrapLegend(s.title.subtitle, NARROW_TITLE + 10) },
    config: { ...s.config, legend: { ...s.config?.legend, orient: 'bottom', direction: 'vertical' } },
  } as unknown as TopLevelSpec;
}

export interface CellQuery {
  x: number;
  y: number;
  /** the facet parameter's value, as text ('' without a facet) */
  facet: string;
}

export interface CellRuns {
  where: string;
  runs: { run_id: string; replicate: number; status: string; error: string | null }[];
  /** the curves of its finished runs (Fig. 2 a-c), or null when none has finished */
  spec: object | null;
}

/** The planned runs of one cell of the diagrams, their outcomes and their curves. */
export function cellRuns(v: FolderView, q: CellQuery): CellRuns | null {
  const axes = chooseAxes(v.plan.runs);
  if (!axes) return null;
  const inCell = (p: PlannedRun['params']) =>
    Number(p[axes.x]) === q.x && Number(p[axes.y]) === q.y && (axes.facet === null || String(p[axes.facet]) === q.facet);
  const planned = v.plan.runs.filter((r) => inCell(r.params));
  const byId = new Map(v.rows.map((r) => [r.run_id, r]));
  const runs = planned
    .map((r) => ({
      run_id: r.run_id,
      replicate: r.replicate,
      status: byId.get(r.run_id)?.status ?? 'pending',
      error: byId.get(r.run_id)?.error ?? null,
    }))
    .sort((a, b) => a.replicate - b.replicate || (a.run_id < b.run_id ? -1 : 1));
  const finished = planned.map((r) => byId.get(r.run_id)).filter((r): r is SummaryRow => r !== undefined && r.status !== 'failed');
  // one colour per replicate, in the report's palette for the replicate index (base/palette.ts)
  const replicates = paramPalette(
    'replicate',
    finished.map((row) => row.replicate),
  );
  const chosen = finished.map((row) => ({
    row,
    label: `rep ${row.replicate} (${row.run_id.slice(0, 6)})`,
    colour: replicates.colour(row.replicate),
  }));
  const where = [
    `${paramShort(axes.x)} = ${fmt(q.x)}`,
    `${paramShort(axes.y)} = ${fmt(q.y)}`,
    ...(axes.facet ? [`${paramShort(axes.facet)} = ${q.facet}`] : []),
  ].join(', ');
  return { where, runs, spec: chosen.length > 0 ? compileVega(fig2Spec(chosen, trajectoryRows(v.dir, chosen))) : null };
}

/** A boundary as read at the end of a refinement round: its curves' points. */
export interface BoundarySnapshot {
  name: string;
  metric: string;
  level: number;
  axes: string[];
  facets: string[];
  /** the last refinement round all of whose runs had finished when the file was read */
  round: number;
  points: { x: number; y: number; segment: number; facet: string }[];
}

/** The snapshot of each two-axis boundary file (its median curves), tagged with the round it reflects. */
export function boundarySnapshots(boundaries: FolderView['boundaries'], round: number): BoundarySnapshot[] {
  return boundaries
    .filter(({ file }) => file.axes.length === 2)
    .map(({ name, file }) => ({
      name,
      metric: file.metric,
      level: file.level,
      axes: file.axes,
      facets: file.facets,
      round,
      // the median curve only: lo, hi and the band's polygons drawn as lines would mesh into a lattice
      points: file.curves.flatMap((c, segment) =>
        (c.kind === 'median' ? c.points : []).map((p) => ({
          x: p.x,
          y: p.y!,
          segment,
          facet: file.facets.map((k, i) => `${paramShort(k)} = ${String(c.facetValues[i])}`).join(', ') || 'all',
        })),
      ),
    }));
}

/**
 * The boundaries of one file as they grew: one curve per refinement round seen (lighter for earlier rounds), one
 * panel per facet value; null when there is nothing to draw.
 */
export function boundaryGrowthSpec(history: readonly BoundarySnapshot[], logAxis: (key: string) => boolean, columns = 3): object | null {
  const last = history.at(-1);
  if (!last) return null;
  const values = history.flatMap((h) =>
    h.points.map((p, order) => ({ ...p, order, round: `after round ${h.round}`, curve: `${h.round}|${p.segment}` })),
  );
  if (values.length === 0) return null;
  const [x, y] = last.axes;
  const rounds = [...new Set(history.map((h) => `after round ${h.round}`))];
  // light grey for the first round seen, black for the last (a single round is black)
  const shade = (i: number) => {
    const v = rounds.length === 1 ? 0 : Math.round(187 * (1 - i / (rounds.length - 1)));
    return `rgb(${v},${v},${v})`;
  };
  const facets = [...new Set(last.points.map((p) => p.facet))];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${columnLabel(last.metric)} = ${fmt(last.level)}: the boundary round by round`, subtitle: `${last.name}; darker: later rounds` },
    data: { values },
    facet: { field: 'facet', type: 'nominal', title: null, sort: facets },
    columns,
    spec: {
      width: 260,
      height: 200,
      mark: { type: 'line', point: { size: 10 }, strokeWidth: 1.6 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: paramLabel(x), scale: { type: logAxis(x) ? 'log' : 'linear', zero: false, nice: false } },
        y: { field: 'y', type: 'quantitative', title: paramLabel(y), scale: { type: logAxis(y) ? 'log' : 'linear', zero: false, nice: false } },
        color: { field: 'round', type: 'ordinal', title: 'boundary', scale: { domain: rounds, range: rounds.map((_, i) => shade(i)) } },
        detail: { field: 'curve' },
        order: { field: 'order' },
      },
    },
  } as unknown as TopLevelSpec;
  return compileVega(columns === 1 ? narrow(spec) : spec);
}

/** Log axes where the plan's grid (round 0) is log-spaced, as in the phase diagrams. */
export function gridIsLog(plan: Plan): (key: string) => boolean {
  const grid = plan.runs.filter((r) => (r.refine_round ?? 0) === 0);
  return (key: string) => axisKind(grid.map((r) => Number(r.params[key as ParamKey]))) === 'log';
}
