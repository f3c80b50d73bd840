/**
 * A phase diagram's axes: a log-spaced grid gets a log axis, an even grid a linear one (cells centred on the grid
 * values, edges at the midpoints, cellEdges), anything else even columns in value order. Such a "band" axis is drawn
 * as a linear axis over the value's index, so a curve can pass between grid values there too (axisCoordinate).
 */
import type { CellLayout } from '../base/overlay.js';
import { axisKind, cellEdges, type AxisKind, type Cell } from '../base/cells.js';
import { paramLabel } from '../base/labels.js';
import { fmt } from '../base/render.js';

export interface Axis {
  kind: AxisKind;
  grid: number[];
  edges: Map<number, [number, number]> | null;
  /** the drawing's outer edges when a refined layout sets them (cells then carry their own rectangles) */
  domain?: [number, number];
}

function axisOf(values: readonly number[]): Axis {
  const kind = axisKind(values);
  const grid = [...new Set(values)].sort((a, b) => a - b);
  return { kind, grid, edges: kind === 'band' ? null : cellEdges(grid, kind) };
}

/**
 * A parameter value's position on a drawn axis: itself on a log or linear axis; on a band axis its index among the
 * grid values, interpolated linearly between neighbours (and beyond the ends, with the end gap).
 */
export function axisCoordinate(grid: readonly number[], kind: AxisKind, v: number): number {
  if (kind !== 'band') return v;
  if (grid.length === 1) return 0;
  let i = 0;
  while (i < grid.length - 2 && v > grid[i + 1]) i++;
  return i + (v - grid[i]) / (grid[i + 1] - grid[i]);
}

/** Cell rectangles (x0..x1, y0..y1) and centres (xc, yc) in axis coordinates. */
export function cellBox(axis: Axis, v: number): [number, number, number] {
  if (axis.edges) {
    const [lo, hi] = axis.edges.get(v)!;
    return [lo, hi, v];
  }
  const i = axis.grid.indexOf(v);
  return [i - 0.5, i + 0.5, i];
}

export function positions(input: { cells: readonly Cell[]; x: string; y: string; layout?: CellLayout }) {
  const { layout } = input;
  // a refined sweep keeps its grid's axis kind and ticks; its cells are the layout's rectangles
  const xa: Axis = layout ? { kind: layout.xKind, grid: layout.xTicks, edges: null, domain: layout.xDomain } : axisOf(input.cells.map((c) => c.x));
  const ya: Axis = layout ? { kind: layout.yKind, grid: layout.yTicks, edges: null, domain: layout.yDomain } : axisOf(input.cells.map((c) => c.y));
  const enc = (ch: 'x' | 'y', key: string, a: Axis) => {
    const title = `${paramLabel(key)}${a.kind === 'log' ? ' (log scale)' : ''}`;
    const ends = a.domain ?? (a.edges ? [a.edges.get(a.grid[0])![0], a.edges.get(a.grid[a.grid.length - 1])![1]] : [-0.5, a.grid.length - 0.5]);
    const scale = { type: a.kind === 'log' ? 'log' : 'linear', domain: ends, nice: false, zero: false };
    const axis =
      a.kind === 'band'
        ? { values: a.grid.map((_, i) => i), labelExpr: `${JSON.stringify(a.grid.map((v) => fmt(v)))}[datum.value]`, grid: false }
        : { values: a.grid, format: '~g', grid: false, labelFlush: false };
    return { title, scale, axis };
  };
  const xe = enc('x', input.x, xa);
  const ye = enc('y', input.y, ya);
  return {
    xAxis: xa,
    yAxis: ya,
    rect: {
      x: { field: 'x0', type: 'quantitative', ...xe },
      x2: { field: 'x1' },
      y: { field: 'y0', type: 'quantitative', ...ye },
      y2: { field: 'y1' },
    },
    point: { x: { field: 'xc', type: 'quantitative', ...xe }, y: { field: 'yc', type: 'quantitative', ...ye } },
  };
}
