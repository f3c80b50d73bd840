/**
 * Level curves (marching squares) over axis-aligned rectangles with a value at each corner.
 *
 * A rectilinear grid is the special case; the general one is a refined sweep, whose cells have varying sizes and whose
 * small cells put corners in the middle of a big neighbour's edge ("hanging nodes"):
 *
 *     y1 +-----------+-----+-----+        the big cell's right edge holds the node h, a corner of the small cells;
 *        |           |     |     |        the big cell is walked as the 5-gon (x0,y0) (x1,y0) h (x1,y1) (x0,y1),
 *        |    big    h-----+-----+        so both sides cut the shared edge at the same interpolated points and
 *        |           |     |     |        the curve joins up exactly (bit-identical keys, no tolerance).
 *     y0 +-----------+-----+-----+
 *
 * A crossing lies on a perimeter piece between two neighbouring nodes whose values are on opposite sides of the level
 * (a value equal to the level counts as above), at the linearly interpolated position; on a log axis the position is
 * interpolated in log space. Each piece is interpolated from its lower-coordinate end, so two cells sharing it agree.
 * Inside a cell the crossings are paired around the perimeter: the arcs on the other side from the centre value
 * (mean of the corners) are cut off, which is the usual saddle rule of marching squares. A corner with no value (NaN:
 * a failed run) makes its cell draw nothing. An infinite value (a marker never reached, a diverged run where
 * divergence has a side) is a side but no number: a piece from it to a value on the other side is crossed at its
 * middle (geometric on a log axis), and the centre value takes it as the level ± twice the cell's largest finite
 * distance from the level.
 *
 * Output is deterministic whatever the order of the cells: segments are chained into polylines, an open polyline
 * runs from its lexicographically smaller end (x, then y), a closed one starts and ends at its smallest point, and the
 * polylines are sorted by their first point. Pure; O(cells · log cells).
 */

export interface CornerCell {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** values at (x0,y0), (x1,y0), (x1,y1), (x0,y1): counter-clockwise from the lower left */
  v: readonly [number, number, number, number];
}

export interface Axes {
  xLog: boolean;
  yLog: boolean;
}

export interface Point {
  x: number;
  y: number;
}

/** The cells of a rectilinear grid (xs, ys ascending), each corner's value from `value`. */
export function gridCells(xs: readonly number[], ys: readonly number[], value: (x: number, y: number) => number): CornerCell[] {
  const z = ys.map((y) => xs.map((x) => value(x, y)));
  const cells: CornerCell[] = [];
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      cells.push({ x0: xs[i], x1: xs[i + 1], y0: ys[j], y1: ys[j + 1], v: [z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]] });
    }
  }
  return cells;
}

/**
 * Where the piece from a (value va) to b (value vb) crosses the level, as a coordinate, or null if it does not.
 * Linear in the value; in log space when `log`. Interpolated from the smaller coordinate so the answer does not depend
 * on the direction the piece is walked.
 */
export function edgeCrossing(a: number, va: number, b: number, vb: number, level: number, log: boolean): number | null {
  if (Number.isNaN(va) || Number.isNaN(vb)) return null;
  if (va >= level === vb >= level) return null;
  if (b < a) [a, va, b, vb] = [b, vb, a, va];
  const t = Number.isFinite(va) && Number.isFinite(vb) ? (level - va) / (vb - va) : 0.5;
  if (!log) return a + t * (b - a);
  const la = Math.log(a);
  return Math.exp(la + t * (Math.log(b) - la));
}

/** The crossings of the level along one axis: xs ascending, values[i] at xs[i]; in ascending order. */
export function crossings1d(xs: readonly number[], values: readonly number[], level: number, log: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    const c = edgeCrossing(xs[i], values[i], xs[i + 1], values[i + 1], level, log);
    if (c !== null) out.push(c);
  }
  return out;
}

/** The polylines where the values cross `level`; each one's index is its segment number. */
export function levelCurves(cells: readonly CornerCell[], level: number, axes: Axes): Point[][] {
  const nodes = nodeIndex(cells);
  const segments: [Point, Point][] = [];
  for (const cell of cells) {
    if (cell.v.some(Number.isNaN)) continue;
    segments.push(...cellSegments(cell, perimeter(cell, nodes), level, axes));
  }
  return chain(segments);
}

interface Node {
  x: number;
  y: number;
  v: number;
}

/** Every corner, by x and by y, for finding the hanging nodes on an edge. */
interface NodeIndex {
  byX: Map<number, Node[]>;
  byY: Map<number, Node[]>;
}

function nodeIndex(cells: readonly CornerCell[]): NodeIndex {
  const byX = new Map<number, Node[]>();
  const byY = new Map<number, Node[]>();
  const seen = new Set<string>();
  for (const c of cells) {
    const corners: Node[] = [
      { x: c.x0, y: c.y0, v: c.v[0] },
      { x: c.x1, y: c.y0, v: c.v[1] },
      { x: c.x1, y: c.y1, v: c.v[2] },
      { x: c.x0, y: c.y1, v: c.v[3] },
    ];
    for (const n of corners) {
      const key = `${n.x},${n.y}`;
      if (seen.has(key)) continue;
      seen.add(key);
      push(byX, n.x, n);
      push(byY, n.y, n);
    }
  }
  for (const list of byX.values()) list.sort((a, b) => a.y - b.y);
  for (const list of byY.values()) list.sort((a, b) => a.x - b.x);
  return { byX, byY };
}

function push(map: Map<number, Node[]>, key: number, n: Node): void {
  const list = map.get(key);
  if (list) list.push(n);
  else map.set(key, [n]);
}

/** The cell's boundary counter-clockwise from (x0,y0), with the hanging nodes of its neighbours on its edges. */
function perimeter(c: CornerCell, idx: NodeIndex): Node[] {
  const inside = (list: Node[] | undefined, lo: number, hi: number, coord: (n: Node) => number): Node[] =>
    (list ?? []).filter((n) => coord(n) > lo && coord(n) < hi);
  const bottom = inside(idx.byY.get(c.y0), c.x0, c.x1, (n) => n.x);
  const right = inside(idx.byX.get(c.x1), c.y0, c.y1, (n) => n.y);
  const top = inside(idx.byY.get(c.y1), c.x0, c.x1, (n) => n.x).reverse();
  const left = inside(idx.byX.get(c.x0), c.y0, c.y1, (n) => n.y).reverse();
  return [
    { x: c.x0, y: c.y0, v: c.v[0] },
    ...bottom,
    { x: c.x1, y: c.y0, v: c.v[1] },
    ...right,
    { x: c.x1, y: c.y1, v: c.v[2] },
    ...top,
    { x: c.x0, y: c.y1, v: c.v[3] },
    ...left,
  ];
}

function cellSegments(c: CornerCell, ring: Node[], level: number, axes: Axes): [Point, Point][] {
  if (ring.some((n) => Number.isNaN(n.v))) return [];
  // crossings in perimeter order; crossing k ends the arc that starts at ring[arcStart[k]]
  const cross: Point[] = [];
  const arcSide: boolean[] = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const p = a.y === b.y ? pt(edgeCrossing(a.x, a.v, b.x, b.v, level, axes.xLog), a.y) : pt(a.x, edgeCrossing(a.y, a.v, b.y, b.v, level, axes.yLog));
    if (p) {
      cross.push(p);
      arcSide.push(a.v >= level); // side of the arc that this crossing closes
    }
  }
  if (cross.length < 2) return [];
  const centreAbove = centreValue(c.v, level) >= level;
  // pair the two ends of each arc lying on the side opposite the centre: those arcs are cut off from the rest
  const out: [Point, Point][] = [];
  for (let k = 0; k < cross.length; k++) {
    if (arcSide[k] === centreAbove) continue;
    const start = cross[(k - 1 + cross.length) % cross.length];
    out.push([start, cross[k]]);
  }
  return out;
}

/** The mean of the corners, an infinite corner taken as the level ± twice the largest finite distance from it (or 1). */
export function centreValue(v: readonly number[], level: number): number {
  const finite = v.filter(Number.isFinite);
  const reach = 2 * Math.max(0, ...finite.map((x) => Math.abs(x - level))) || 1;
  return v.reduce((s, x) => s + (Number.isFinite(x) ? x : level + Math.sign(x) * reach), 0) / v.length;
}

function pt(x: number | null, y: number | null): Point | null {
  return x === null || y === null ? null : { x, y };
}

const keyOf = (p: Point): string => `${p.x},${p.y}`;
const before = (a: Point, b: Point): number => a.x - b.x || a.y - b.y;

/** Joins segments that share an end into polylines, in the deterministic order of the module comment. */
function chain(segments: [Point, Point][]): Point[][] {
  const at = new Map<string, number[]>();
  const pointOf = new Map<string, Point>();
  segments.forEach(([a, b], i) => {
    if (keyOf(a) === keyOf(b)) return; // a crossing exactly at a node: no length
    for (const p of [a, b]) {
      pointOf.set(keyOf(p), p);
      const list = at.get(keyOf(p));
      if (list) list.push(i);
      else at.set(keyOf(p), [i]);
    }
  });
  const used = new Array<boolean>(segments.length).fill(false);
  const walk = (start: Point): Point[] => {
    const line = [start];
    let here = start;
    for (;;) {
      const next = (at.get(keyOf(here)) ?? []).find((i) => !used[i]);
      if (next === undefined) return line;
      used[next] = true;
      const [a, b] = segments[next];
      here = keyOf(a) === keyOf(here) ? b : a;
      line.push(here);
    }
  };
  const ends = [...at.entries()]
    .filter(([, list]) => list.length % 2 === 1)
    .map(([key]) => pointOf.get(key)!)
    .sort(before);
  const lines: Point[][] = [];
  for (const end of ends) {
    const line = walk(end);
    if (line.length > 1) lines.push(line);
  }
  // what is left are closed loops: start each at its smallest point
  const rest = segments.flatMap((s, i) => (used[i] || keyOf(s[0]) === keyOf(s[1]) ? [] : [s[0], s[1]])).sort(before);
  for (const p of rest) {
    const line = walk(p);
    if (line.length > 1) lines.push(orientLoop(line));
  }
  return lines.sort((a, b) => before(a[0], b[0]) || before(a[1], b[1]));
}

/** A closed loop walked from its smallest point, in the direction whose second point is smaller. */
function orientLoop(line: Point[]): Point[] {
  const loop = line.slice(0, -1);
  const reversed = [loop[0], ...loop.slice(1).reverse()];
  const pick = before(reversed[1], loop[1]) < 0 ? reversed : loop;
  return [...pick, pick[0]];
}
