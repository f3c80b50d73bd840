/**
 * Phase boundaries of a (refined) sweep: the aggregate of a metric at each point, and the level curves through the
 * refined cells (contour.ts), ready for `boundary-<metric>.arrow` and the diagrams.
 *
 * The aggregate is the median over a point's replicates, as the diagrams take it (cells.ts), of:
 *   diverged    1 for a run that diverged or failed, 0 for one that finished: the boundary of divergence
 *   collapsed   the `collapsed` column (0/1) of the finished runs
 *   a marker    (`*_step`) the step of the finished runs, +∞ for one that never reached it (censored, as in cells.ts)
 *   any other   the summary column (zValue) of the finished runs, finite values only
 * A point with no such value has none (NaN): its cells draw nothing and do not count as crossing. A +∞ median counts
 * as above the level when deciding where to refine, but no crossing point can be interpolated towards it.
 */
import type { BoundaryCurve, SummaryRow } from '../../io/index.js';
import { coordinates, facetKeyOf, facetLeaves, facetPoints, valueKey, type RefineSetup } from '../../sweep/refine.js';
import type { Plan } from '../../sweep/plan.js';
import { quantile } from '../base/cells.js';
import { crossings1d, levelCurves, type CornerCell } from './contour.js';
import { isMarkerColumn, zValue } from '../base/sweep-data.js';

/** One run's value of the metric, or null where it has none. */
export function runValue(row: SummaryRow, metric: string): number | null {
  if (metric === 'diverged') return row.status === 'done' ? 0 : 1;
  if (row.status !== 'done') return null;
  const v = metric === 'collapsed' ? (row.extra?.collapsed ?? null) : zValue(row, metric);
  if (v === null && isMarkerColumn(metric)) return Infinity;
  return v !== null && Number.isFinite(v) ? v : null;
}

/** The median of the metric at each point of each facet, keyed by valueKey (src/sweep/refine.ts). */
export function pointValues(rows: readonly SummaryRow[], metric: string, setup: RefineSetup): Map<string, number> {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const v = runValue(row, metric);
    if (v === null) continue;
    const [x, y] = coordinates(setup, row.params);
    const key = valueKey(facetKeyOf(setup, row.params), x, y);
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(v);
  }
  return new Map([...groups].map(([k, vs]) => [k, quantile(vs, 0.5)]));
}

/**
 * The level curves of every facet, in facet order; within a facet in contour.ts's order. On one axis each crossing is
 * a curve of one point.
 */
export function boundaryCurves(plan: Plan, setup: RefineSetup, values: ReadonlyMap<string, number>, level: number): BoundaryCurve[] {
  const curves: BoundaryCurve[] = [];
  for (const f of facetPoints(plan, setup)) {
    const value = (x: number, y: number) => values.get(valueKey(f.facet, x, y)) ?? NaN;
    if (!setup.y) {
      const xs = [...new Set([...f.points.values()].map((r) => coordinates(setup, r.params)[0]))].sort((a, b) => a - b);
      for (const x of crossings1d(
        xs,
        xs.map((v) => value(v, 0)),
        level,
        setup.x.log,
      )) {
        curves.push({ facetValues: f.facetValues, points: [{ x }] });
      }
      continue;
    }
    const cells: CornerCell[] = facetLeaves(f, setup).map((c) => ({
      ...c,
      v: [value(c.x0, c.y0), value(c.x1, c.y0), value(c.x1, c.y1), value(c.x0, c.y1)],
    }));
    for (const line of levelCurves(cells, level, { xLog: setup.x.log, yLog: setup.y.log })) {
      curves.push({ facetValues: f.facetValues, points: line });
    }
  }
  return curves;
}
