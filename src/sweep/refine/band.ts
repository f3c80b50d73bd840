/**
 * The band around a refined boundary, as shapes to shade: where each point's 95% interval of the median (points.ts)
 * contains the level, i.e. where the replicates leave the side of the level open. Two fields over the refined cells,
 * lo (the intervals' lower ends) and hi (their upper ends); the band is {lo ≤ level ≤ hi}.
 *
 * Two axes: each leaf cell is walked as its perimeter ring (corners and hanging nodes, as contour.ts walks it), cut
 * into triangles fanning from its centre, and each triangle, where both fields are linear, is clipped to lo ≤ level
 * and then to hi ≥ level (Sutherland–Hodgman, two half-planes). A triangle gives at most one convex polygon; the
 * polygons of neighbouring cells meet along shared edges. Coordinates are interpolated in log space on a log axis.
 * Infinite values (±∞: a marker never reached, a diverged run with a side) are taken as the level ± twice the cell's
 * largest finite distance from it, as contour.ts does for its centre. One axis: the intervals of x where the band
 * holds, cut at the fields' crossings.
 *
 * Pure and deterministic; O(cells).
 */
import { centreValue, type Axes, type Point } from './contour.js';

/** A leaf cell's perimeter: nodes counter-clockwise from (x0, y0), each with both fields' values. */
export interface BandNode {
  x: number;
  y: number;
  lo: number;
  hi: number;
}

interface Vertex {
  /** coordinates in the axes' own space (log where the axis is log) */
  u: number;
  w: number;
  lo: number;
  hi: number;
}

/** The band's polygons inside one cell (its ring of nodes and its four corners' indexes in the ring). */
export function cellBandPolygons(ring: readonly BandNode[], level: number, axes: Axes): Point[][] {
  if (ring.some((n) => Number.isNaN(n.lo) || Number.isNaN(n.hi))) return [];
  const fu = axes.xLog ? Math.log : (t: number) => t;
  const fw = axes.yLog ? Math.log : (t: number) => t;
  const finite = (field: 'lo' | 'hi') => {
    const values = ring.map((n) => n[field]);
    const reach = 2 * Math.max(0, ...values.filter(Number.isFinite).map((v) => Math.abs(v - level))) || 1;
    return (v: number) => (Number.isFinite(v) ? v : level + Math.sign(v) * reach);
  };
  const [lo, hi] = [finite('lo'), finite('hi')];
  const verts: Vertex[] = ring.map((n) => ({ u: fu(n.x), w: fw(n.y), lo: lo(n.lo), hi: hi(n.hi) }));
  const us = verts.map((v) => v.u);
  const ws = verts.map((v) => v.w);
  const centre: Vertex = {
    u: (Math.min(...us) + Math.max(...us)) / 2,
    w: (Math.min(...ws) + Math.max(...ws)) / 2,
    lo: centreValue(
      verts.map((v) => v.lo),
      level,
    ),
    hi: centreValue(
      verts.map((v) => v.hi),
      level,
    ),
  };
  const back = (v: Vertex): Point => ({ x: axes.xLog ? Math.exp(v.u) : v.u, y: axes.yLog ? Math.exp(v.w) : v.w });
  const out: Point[][] = [];
  for (let i = 0; i < verts.length; i++) {
    let poly: Vertex[] = [centre, verts[i], verts[(i + 1) % verts.length]];
    poly = clip(poly, (v) => level - v.lo); // keep lo ≤ level
    poly = clip(poly, (v) => v.hi - level); // keep hi ≥ level
    // a band of no width (replicates that agree: lo = hi) leaves slivers of no area: nothing to shade
    if (poly.length >= 3 && area(poly) > 1e-9 * area([centre, verts[i], verts[(i + 1) % verts.length]])) out.push(poly.map(back));
  }
  return out;
}

/** The area of a polygon in the axes' own space (shoelace). */
function area(poly: readonly Vertex[]): number {
  let twice = 0;
  for (let i = 0; i < poly.length; i++) {
    const [a, b] = [poly[i], poly[(i + 1) % poly.length]];
    twice += a.u * b.w - b.u * a.w;
  }
  return Math.abs(twice) / 2;
}

/** Sutherland–Hodgman against one half-plane: keeps where `side` ≥ 0; every field linear along each edge. */
function clip(poly: Vertex[], side: (v: Vertex) => number): Vertex[] {
  const out: Vertex[] = [];
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i];
    const b = poly[(i + 1) % poly.length];
    const [sa, sb] = [side(a), side(b)];
    if (sa >= 0) out.push(a);
    if (sa >= 0 !== sb >= 0) {
      const t = sa / (sa - sb);
      const mix = (p: number, q: number) => p + t * (q - p);
      out.push({ u: mix(a.u, b.u), w: mix(a.w, b.w), lo: mix(a.lo, b.lo), hi: mix(a.hi, b.hi) });
    }
  }
  return out;
}

/** One axis: the intervals [x_start, x_end] where lo ≤ level ≤ hi, xs ascending; merged where they touch. */
export function bandIntervals(xs: readonly number[], lo: readonly number[], hi: readonly number[], level: number, log: boolean): [number, number][] {
  const f = log ? Math.log : (t: number) => t;
  const g = log ? Math.exp : (t: number) => t;
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    if ([lo[i], lo[i + 1], hi[i], hi[i + 1]].some(Number.isNaN)) continue;
    // the edge as a degenerate polygon: clip [0, 1] by both conditions
    let [s, e] = [0, 1];
    for (const side of [(j: number) => level - [lo[i], lo[i + 1]][j], (j: number) => [hi[i], hi[i + 1]][j] - level]) {
      const [a, b] = [side(0), side(1)].map((v) => (Number.isFinite(v) ? v : Math.sign(v)));
      if (a < 0 && b < 0) [s, e] = [1, 0];
      else if (a < 0) s = Math.max(s, Number.isFinite(side(0)) && Number.isFinite(side(1)) ? a / (a - b) : 0.5);
      else if (b < 0) e = Math.min(e, Number.isFinite(side(0)) && Number.isFinite(side(1)) ? a / (a - b) : 0.5);
    }
    if (s >= e) continue; // empty, or a band of no width (replicates that agree)
    const at = (t: number) => g(f(xs[i]) + t * (f(xs[i + 1]) - f(xs[i])));
    const piece: [number, number] = [at(s), at(e)];
    const last = out[out.length - 1];
    if (last && last[1] === piece[0]) last[1] = piece[1];
    else out.push(piece);
  }
  return out;
}
