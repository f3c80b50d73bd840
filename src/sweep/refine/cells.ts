/**
 * The cells of a refined sweep, derived from its points alone (no state besides the plan): start from the cells of the
 * sweep's own grid (neighbouring values of each axis), and split a cell into four (two, on one axis) whenever its
 * centre is a point. Refinement adds a cell's edge midpoints together with its centre, so the children's corners
 * always exist. The leaves are the cells drawn and contoured; a leaf's edge may hold corners of smaller neighbours
 * ("hanging nodes"), which count when deciding whether it crosses the level:
 *
 *     +-----+--+--+       grid cell split once (centre c), its top-right child split again; the left children
 *     |     |  |  |       have a hanging node h on their right edge
 *     |     h--+--+
 *     |     |  |  |
 *     +-----c-----+
 *     |     |     |
 *     +-----+-----+
 *
 * Midpoints are geometric on a log axis, whole numbers on an integer parameter, and rounded to 12 significant digits
 * (like lr under lr_rule), so the same cell always gives the same values and hence the same run ids. A cell whose
 * midpoint would equal an end (an integer axis one apart) is not split. One-axis sweeps use y = 0 throughout.
 * Pure; O(points · log points) per facet.
 */
import { round12 } from '../values.js';

export interface RefineAxis {
  key: string;
  /** split and interpolate in log space (a log-spaced grid) */
  log: boolean;
  /** an integer parameter: midpoints are rounded to whole numbers */
  integer: boolean;
}

/** A cell [x0, x1] × [y0, y1]; y0 = y1 = 0 on a one-axis sweep. */
export interface Leaf {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export const pointKey = (x: number, y: number): string => `${x},${y}`;

/** The value between a and b at which a cell is split, or null if it cannot be. */
function midpoint(a: number, b: number, axis: RefineAxis): number | null {
  const raw = axis.log ? Math.sqrt(a * b) : (a + b) / 2;
  const m = axis.integer ? Math.round(raw) : round12(raw);
  return m > Math.min(a, b) && m < Math.max(a, b) ? m : null;
}

/** The points that split a cell (edge midpoints and centre), or null if it cannot be split. */
export function splitPoints(c: Leaf, x: RefineAxis, y: RefineAxis | null): [number, number][] | null {
  const mx = midpoint(c.x0, c.x1, x);
  if (mx === null) return null;
  if (!y) return [[mx, c.y0]];
  const my = midpoint(c.y0, c.y1, y);
  if (my === null) return null;
  return [
    [mx, c.y0],
    [c.x1, my],
    [mx, c.y1],
    [c.x0, my],
    [mx, my],
  ];
}

/**
 * The leaves over a facet's points: `xs0` and `ys0` are the grid's own values (ys0 = [0] with one axis). A grid cell
 * with a missing corner (a point the grid did not produce) is left out.
 */
export function leafCells(points: ReadonlySet<string>, xs0: readonly number[], ys0: readonly number[], x: RefineAxis, y: RefineAxis | null): Leaf[] {
  const xs = [...new Set(xs0)].sort((a, b) => a - b);
  const ys = y ? [...new Set(ys0)].sort((a, b) => a - b) : [0];
  const leaves: Leaf[] = [];
  const visit = (c: Leaf): void => {
    const split = splitPoints(c, x, y);
    const centre = split?.[split.length - 1];
    if (!centre || !points.has(pointKey(centre[0], centre[1]))) {
      leaves.push(c);
      return;
    }
    const [mx, my] = centre;
    if (!y) {
      visit({ ...c, x1: mx });
      visit({ ...c, x0: mx });
      return;
    }
    visit({ x0: c.x0, x1: mx, y0: c.y0, y1: my });
    visit({ x0: mx, x1: c.x1, y0: c.y0, y1: my });
    visit({ x0: mx, x1: c.x1, y0: my, y1: c.y1 });
    visit({ x0: c.x0, x1: mx, y0: my, y1: c.y1 });
  };
  for (let j = 0; j < (y ? ys.length - 1 : 1); j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      const c: Leaf = { x0: xs[i], x1: xs[i + 1], y0: ys[j], y1: y ? ys[j + 1] : ys[j] };
      if (corners(c).every(([px, py]) => points.has(pointKey(px, py)))) visit(c);
    }
  }
  return leaves;
}

function corners(c: Leaf): [number, number][] {
  return c.y0 === c.y1
    ? [
        [c.x0, c.y0],
        [c.x1, c.y0],
      ]
    : [
        [c.x0, c.y0],
        [c.x1, c.y0],
        [c.x1, c.y1],
        [c.x0, c.y1],
      ];
}

/**
 * The points on a leaf's boundary: its corners and the hanging nodes of smaller neighbours on its edges.
 * `byX`/`byY` list the facet's points by coordinate (see pointsByCoordinate).
 */
export function boundaryPoints(c: Leaf, byX: Map<number, number[]>, byY: Map<number, number[]>): [number, number][] {
  const out = corners(c);
  if (c.y0 === c.y1) return out;
  const between = (list: number[] | undefined, lo: number, hi: number) => (list ?? []).filter((v) => v > lo && v < hi);
  for (const yv of [c.y0, c.y1]) for (const xv of between(byY.get(yv), c.x0, c.x1)) out.push([xv, yv]);
  for (const xv of [c.x0, c.x1]) for (const yv of between(byX.get(xv), c.y0, c.y1)) out.push([xv, yv]);
  return out;
}

/** The y values at each x and the x values at each y, for boundaryPoints. */
export function pointsByCoordinate(points: Iterable<[number, number]>): { byX: Map<number, number[]>; byY: Map<number, number[]> } {
  const byX = new Map<number, number[]>();
  const byY = new Map<number, number[]>();
  for (const [x, y] of points) {
    (byX.get(x) ?? byX.set(x, []).get(x)!).push(y);
    (byY.get(y) ?? byY.set(y, []).get(y)!).push(x);
  }
  return { byX, byY };
}
