/**
 * Theory's edge of "Phase I ends within this run" on a phase diagram: the cells where the predicted Phase I time
 * `pred_phase1_steps` is at most the run's length against those where the runs measured it (`phase2_step_50`
 * reached), and the predicted contour pred_phase1_steps = steps as a curve over the cells.
 */
import type { SummaryRow } from '../../io/index.js';
import { axisKind, buildCells, type AxisKind, type Cell } from '../base/cells.js';
import { gridCells, levelCurves } from '../../sweep/refine/contour.js';
import { paramShort } from '../base/labels.js';
import type { Overlay } from '../base/overlay.js';
import { fmt } from '../base/render.js';
import type { ParamKey } from '../base/sweep-data.js';

/** Parameters theory's rates and times depend on: its edge is drawn on diagrams whose two axes are among them. */
export const THEORY_PARAMS: readonly ParamKey[] = ['sigma', 'alpha', 'width', 'lr'];

export const EDGE_LABEL = "theory: Phase I ends at the run's last step";

export interface EdgeAgreement {
  /** cells with a prediction and a finished run */
  cells: number;
  agree: number;
  /** predicted to end within the run, median run did not reach the 50% marker */
  earlyMiss: number;
  /** predicted to end after the run, median run reached the 50% marker */
  lateHit: number;
  /** the disagreeing cell furthest (in log ratio) from the edge */
  worst: { where: string; predicted: number; steps: number } | null;
}

interface Axes {
  x: ParamKey;
  y: ParamKey;
  facet: ParamKey | null;
}

const cellKey = (c: Cell): string => JSON.stringify([c.facet, c.x, c.y]);

/** Per cell, the median prediction and whether the median run reached the 50% Phase II marker. */
export function edgeAgreement(rows: readonly SummaryRow[], axes: Axes): EdgeAgreement {
  const predicted = buildCells(rows, { ...axes, z: 'pred_phase1_steps', agg: 'median' });
  const measured = new Map(buildCells(rows, { ...axes, z: 'phase2_step_50', agg: 'median' }).map((c) => [cellKey(c), c]));
  const out: EdgeAgreement = { cells: 0, agree: 0, earlyMiss: 0, lateHit: 0, worst: null };
  let worstGap = 0;
  for (const p of predicted) {
    const m = measured.get(cellKey(p));
    if (p.kind !== 'value' || !m || (m.kind !== 'value' && m.kind !== 'not_reached')) continue;
    out.cells++;
    const predictedWithin = (p.value as number) <= p.lastStep;
    const measuredWithin = m.kind === 'value';
    if (predictedWithin === measuredWithin) {
      out.agree++;
      continue;
    }
    if (predictedWithin) out.earlyMiss++;
    else out.lateHit++;
    const gap = Math.abs(Math.log((p.value as number) / p.lastStep));
    if (gap > worstGap) {
      worstGap = gap;
      const where = [`${paramShort(axes.x)} = ${fmt(p.x)}`, `${paramShort(axes.y)} = ${fmt(p.y)}`];
      if (axes.facet) where.push(`${paramShort(axes.facet)} = ${p.facet}`);
      out.worst = { where: where.join(', '), predicted: p.value as number, steps: p.lastStep };
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

export function edgeGrids(rows: readonly SummaryRow[], axes: Axes): EdgeGrid[] {
  const cells = buildCells(rows, { ...axes, z: 'pred_phase1_steps', agg: 'median' });
  const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
  const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => a - b);
  const facets = [...new Set(cells.map((c) => c.facet))];
  return facets.map((facet) => {
    const values = ys.map(() => xs.map((): number | null => null));
    for (const c of cells) {
      if (c.facet !== facet || c.kind !== 'value' || !((c.value as number) > 0)) continue;
      values[ys.indexOf(c.y)][xs.indexOf(c.x)] = Math.log((c.value as number) / c.lastStep);
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
