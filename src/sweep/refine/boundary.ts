/**
 * Phase boundaries of a (refined) sweep, ready for `boundary-<metric>.arrow` and the diagrams: the level curves of the
 * points' medians through the refined cells (contour.ts), and the band around them (band.ts) from each point's 95%
 * bootstrap interval of the median (points.ts).
 *
 * Curves come in this order, each kind in facet order and within a facet in contour.ts's order: `median` (the
 * boundary), `lo` and `hi` (the level curves of the intervals' lower and upper ends: the band's edges), then `band`
 * (polygons to shade, two axes; intervals of x, one axis). A point with no value (NaN) draws nothing near it.
 */
import type { RunParams } from '../../core/types.js';
import type { Plan } from '../plan.js';
import type { ParamKey } from '../values.js';
import { bandIntervals, cellBandPolygons, type BandNode } from './band.js';
import { pointKey, type Leaf } from './cells.js';
import { crossings1d, levelCurves, type CornerCell } from './contour.js';
import { medianInterval, type PointValues } from './points.js';
import { coordinates, facetLeaves, facetPoints, valueKey, type FacetPoints, type RefineSetup } from './round.js';

export type CurveKind = 'median' | 'lo' | 'hi' | 'band';

export interface BoundaryCurve {
  kind: CurveKind;
  /** the facet parameters' values, in the file's `facets` order */
  facetValues: RunParams[ParamKey][];
  /** points in order along the curve (around the polygon, for `band`); y is absent on a one-axis sweep */
  points: { x: number; y?: number }[];
}

export interface BoundaryRequest {
  plan: Plan;
  setup: RefineSetup;
  values: ReadonlyMap<string, PointValues>;
  level: number;
  metric: string;
}

/** Every curve of every facet, median first, then the band's edges and shapes (see the module comment). */
export function boundaryCurves(q: BoundaryRequest): BoundaryCurve[] {
  const byKind: Record<CurveKind, BoundaryCurve[]> = { median: [], lo: [], hi: [], band: [] };
  for (const f of facetPoints(q.plan, q.setup)) {
    const fields = pointFields(f, q);
    const push = (kind: CurveKind, points: BoundaryCurve['points']) => byKind[kind].push({ kind, facetValues: f.facetValues, points });
    if (!q.setup.y) {
      const xs = [...new Set([...f.points.values()].map((r) => coordinates(q.setup, r.params)[0]))].sort((a, b) => a - b);
      const along = (field: (x: number, y: number) => number) => xs.map((x) => field(x, 0));
      for (const kind of ['median', 'lo', 'hi'] as const) {
        for (const x of crossings1d(xs, along(fields[kind]), q.level, q.setup.x.log)) push(kind, [{ x }]);
      }
      for (const [x0, x1] of bandIntervals(xs, along(fields.lo), along(fields.hi), q.level, q.setup.x.log)) push('band', [{ x: x0 }, { x: x1 }]);
      continue;
    }
    const axes = { xLog: q.setup.x.log, yLog: q.setup.y.log };
    const leaves = facetLeaves(f, q.setup);
    for (const kind of ['median', 'lo', 'hi'] as const) {
      const field = fields[kind];
      const cells: CornerCell[] = leaves.map((c) => ({ ...c, v: [field(c.x0, c.y0), field(c.x1, c.y0), field(c.x1, c.y1), field(c.x0, c.y1)] }));
      for (const line of levelCurves(cells, q.level, axes)) push(kind, line);
    }
    const ringOf = perimeterOf(f, q.setup);
    for (const leaf of leaves) {
      const ring: BandNode[] = ringOf(leaf).map(([x, y]) => ({ x, y, lo: fields.lo(x, y), hi: fields.hi(x, y) }));
      for (const polygon of cellBandPolygons(ring, q.level, axes)) push('band', polygon);
    }
  }
  return [...byKind.median, ...byKind.lo, ...byKind.hi, ...byKind.band];
}

/** The median and the interval's ends at each point of a facet, NaN where the point has no value. */
function pointFields(f: FacetPoints, q: BoundaryRequest): Record<'median' | 'lo' | 'hi', (x: number, y: number) => number> {
  const intervals = new Map<string, [number, number]>();
  const interval = (x: number, y: number): [number, number] => {
    const key = valueKey(f.facet, x, y);
    const p = q.values.get(key);
    if (!p) return [NaN, NaN];
    return intervals.get(key) ?? intervals.set(key, medianInterval(p, q.plan.seed, q.metric, key)).get(key)!;
  };
  return {
    median: (x, y) => q.values.get(valueKey(f.facet, x, y))?.median ?? NaN,
    lo: (x, y) => interval(x, y)[0],
    hi: (x, y) => interval(x, y)[1],
  };
}

/** A leaf's perimeter counter-clockwise from (x0, y0), with the points of smaller neighbours on its edges. */
function perimeterOf(f: FacetPoints, setup: RefineSetup): (leaf: Leaf) => [number, number][] {
  const points = [...f.points.values()].map((r) => coordinates(setup, r.params));
  const onX = new Map<number, number[]>();
  const onY = new Map<number, number[]>();
  for (const [x, y] of points) {
    (onX.get(x) ?? onX.set(x, []).get(x)!).push(y);
    (onY.get(y) ?? onY.set(y, []).get(y)!).push(x);
  }
  for (const list of [...onX.values(), ...onY.values()]) list.sort((a, b) => a - b);
  const inside = (list: number[] | undefined, lo: number, hi: number) => (list ?? []).filter((v) => v > lo && v < hi);
  return (c) => {
    const ring: [number, number][] = [[c.x0, c.y0]];
    for (const x of inside(onY.get(c.y0), c.x0, c.x1)) ring.push([x, c.y0]);
    ring.push([c.x1, c.y0]);
    for (const y of inside(onX.get(c.x1), c.y0, c.y1)) ring.push([c.x1, y]);
    ring.push([c.x1, c.y1]);
    for (const x of inside(onY.get(c.y1), c.x0, c.x1).reverse()) ring.push([x, c.y1]);
    ring.push([c.x0, c.y1]);
    for (const y of inside(onX.get(c.x0), c.y0, c.y1).reverse()) ring.push([c.x0, y]);
    return ring.filter(([x, y], i) => i === 0 || pointKey(x, y) !== pointKey(...ring[i - 1]));
  };
}
