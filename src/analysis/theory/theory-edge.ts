/**
 * Theory's edge of "Phase I ends within this run" on a phase diagram: the cells where the Phase I model's
 * `pred_phase1_steps` is at most the run's length against those where the runs measured it (`phase2_step_50`
 * reached), and the predicted contour pred_phase1_steps = steps as a curve over the cells. A null prediction (the
 * model never puts half the neurons in the Phase II ball: the end point lies outside it) counts as "after the run";
 * cells whose runs start rich (σ/α² ≥ 8) are flagged, not scored.
 */
import type { SummaryRow } from '../../io/index.js';
import { axisKind, buildCells, quantile, type AxisKind, type Cell } from '../base/cells.js';
import { gridCells, levelCurves } from '../../sweep/refine/contour.js';
import { paramShort } from '../base/labels.js';
import type { Overlay } from '../base/overlay.js';
import { fmt } from '../base/render.js';
import { RESCALED_KEYS, type ParamKey } from '../base/sweep-data.js';
import { isRichStart } from './theory.js';

/** Parameters theory's rates and times depend on: its edge is drawn on diagrams whose two axes are among them. */
export const THEORY_PARAMS: readonly ParamKey[] = ['sigma', 'alpha', 'width', 'lr', 'teacher_norm', ...RESCALED_KEYS];

export const EDGE_LABEL = "theory: Phase I ends at the run's last step";

export interface EdgeAgreement {
  /** scored cells: a finished run, a prediction (or the model's "never"), not a rich start */
  cells: number;
  agree: number;
  /** predicted to end within the run, median run did not reach the 50% marker */
  earlyMiss: number;
  /** predicted to end after the run (or never), median run reached the 50% marker */
  lateHit: number;
  /** cells left out because their runs start rich (σ/α² ≥ 8) */
  rich: number;
  /** the disagreeing cell furthest (in log ratio) from the edge */
  worst: { where: string; predicted: number; steps: number } | null;
}

interface Axes {
  x: ParamKey;
  y: ParamKey;
  facet: ParamKey | null;
}

/** Censored median of a step column over a cell's finished runs: null (never) counts as +∞. */
function censoredMedian(rows: readonly SummaryRow[], column: 'pred_phase1_steps' | 'phase2_step_50'): number {
  const values = rows.map((r) => (column === 'phase2_step_50' ? r.phase2_step_50 : r.extra?.pred_phase1_steps) ?? Infinity);
  return quantile(values, 0.5);
}

/** Per scored cell, the median prediction and whether the median run reached the 50% Phase II marker. */
export function edgeAgreement(rows: readonly SummaryRow[], axes: Axes): EdgeAgreement {
  const out: EdgeAgreement = { cells: 0, agree: 0, earlyMiss: 0, lateHit: 0, rich: 0, worst: null };
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    if (r.status !== 'done') continue;
    const key = JSON.stringify([axes.facet ? r.params[axes.facet] : null, r.params[axes.x], r.params[axes.y]]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  let worstGap = 0;
  for (const g of groups.values()) {
    if (g.some((r) => Number.isNaN(r.extra?.pred_phase1_steps))) continue;
    if (2 * g.filter(isRichStart).length > g.length) {
      out.rich++;
      continue;
    }
    out.cells++;
    const predicted = censoredMedian(g, 'pred_phase1_steps');
    const lastStep = Math.max(...g.map((r) => r.params.steps));
    const predictedWithin = predicted <= lastStep;
    const measuredWithin = Number.isFinite(censoredMedian(g, 'phase2_step_50'));
    if (predictedWithin === measuredWithin) {
      out.agree++;
      continue;
    }
    if (predictedWithin) out.earlyMiss++;
    else out.lateHit++;
    const gap = Math.abs(Math.log(predicted / lastStep));
    if (gap > worstGap) {
      worstGap = gap;
      const p = g[0].params as unknown as Record<string, number | string>;
      const where = [`${paramShort(axes.x)} = ${fmt(Number(p[axes.x]))}`, `${paramShort(axes.y)} = ${fmt(Number(p[axes.y]))}`];
      if (axes.facet) where.push(`${paramShort(axes.facet)} = ${p[axes.facet]}`);
      out.worst = { where: where.join(', '), predicted, steps: lastStep };
    }
  }
  return out;
}

/**
 * One facet's grid of ln(pred_phase1_steps / steps), the median over replicates at each (x, y) grid point: theory's
 * edge is its level 0. `values[j][i]` belongs to (xs[i], ys[j]); null where a cell has no prediction (σ = 0, SAM, GD,
 * real data) or no finished run. Axes keep the diagram's kinds, so a curve is interpolated as the cells are drawn.
 */
export interface EdgeGrid {
  facet: number | string | null;
  xs: number[];
  ys: number[];
  xKind: AxisKind;
  yKind: AxisKind;
  values: (number | null)[][];
}

/** ln(pred/steps) given to a cell the model says never ends Phase I, and the most any cell gets (e⁵ ≈ 150x the run). */
const NEVER_LEVEL = 5;

/** True when one of the cell's runs has a NaN prediction (theory does not describe it). */
function cellHasNaN(rows: readonly SummaryRow[], axes: Axes, c: Cell): boolean {
  return rows.some(
    (r) =>
      (axes.facet ? r.params[axes.facet] : null) === c.facet &&
      Number(r.params[axes.x]) === c.x &&
      Number(r.params[axes.y]) === c.y &&
      Number.isNaN(r.extra?.pred_phase1_steps),
  );
}

export function edgeGrids(rows: readonly SummaryRow[], axes: Axes): EdgeGrid[] {
  const cells = buildCells(rows, { ...axes, z: 'pred_phase1_steps', agg: 'median' });
  const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
  const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => a - b);
  const facets = [...new Set(cells.map((c) => c.facet))];
  return facets.map((facet) => {
    const values = ys.map(() => xs.map((): number | null => null));
    for (const c of cells) {
      if (c.facet !== facet) continue;
      // the model's "never" (a null prediction: no value, no NaN) lies past every run: the curve passes beside it
      const never = c.kind === 'missing' && c.done > 0 && !cellHasNaN(rows, axes, c);
      if (never) values[ys.indexOf(c.y)][xs.indexOf(c.x)] = NEVER_LEVEL;
      if (c.kind !== 'value' || !((c.value as number) > 0)) continue;
      values[ys.indexOf(c.y)][xs.indexOf(c.x)] = Math.min(NEVER_LEVEL, Math.log((c.value as number) / c.lastStep));
    }
    return { facet, xs, ys, xKind: axisKind(xs), yKind: axisKind(ys), values };
  });
}

/**
 * The predicted edge as an overlay: the level 0 of each facet's edge grid (contour.ts, interpolated in log space on a
 * log axis). Cells without a prediction stop the curve. Empty unless both axes are among THEORY_PARAMS.
 */
export function phase1EdgeOverlay(rows: readonly SummaryRow[], axes: Axes): Overlay {
  const overlay: Overlay = { label: EDGE_LABEL, colour: '#000000', dash: [6, 3], points: [] };
  if (!THEORY_PARAMS.includes(axes.x) || !THEORY_PARAMS.includes(axes.y)) return overlay;
  const points = edgeGrids(rows, axes).flatMap((g) => {
    const cells = gridCells(g.xs, g.ys, (x, y) => g.values[g.ys.indexOf(y)][g.xs.indexOf(x)] ?? NaN);
    const lines = levelCurves(cells, 0, { xLog: g.xKind === 'log', yLog: g.yKind === 'log' });
    return lines.flatMap((line, segment) => line.map((p) => ({ facet: g.facet, segment, x: p.x, y: p.y })));
  });
  return { ...overlay, points };
}
