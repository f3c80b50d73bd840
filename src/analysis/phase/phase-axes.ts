/**
 * A phase diagram's axes: a log-spaced grid gets a log axis, an even grid a linear one (cells centred on the grid
 * values, edges at the midpoints, cellEdges), anything else even columns in value order. Such a "band" axis is drawn
 * as a linear axis over the value's index, so a curve can pass between grid values there too (axisCoordinate).
 */
import type { CellLayout } from '../base/overlay.js';
import { axisKind, cellEdges, type AxisKind, type Cell } from '../base/cells.js';
import { paramLabel } from '../base/labels.js';
import { textWidth } from '../base/fonts.js';
import { niceTicks, tickLabel, tickProps, type TickRoom } from '../base/ticks.js';

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

/** The drawn axis's outer edges, in axis coordinates (parameter values; indices on a band axis). */
function axisEnds(a: Axis): [number, number] {
  return a.domain ?? (a.edges ? [a.edges.get(a.grid[0])![0], a.edges.get(a.grid[a.grid.length - 1])![1]] : [-0.5, a.grid.length - 0.5]);
}

/** Where `v` (axis coordinates) falls along a drawn axis of `length` px, from its low end. */
export function pixelOf(a: Axis, v: number, length: number): number {
  const [lo, hi] = axisEnds(a);
  const f = a.kind === 'log' ? Math.log : (t: number) => t;
  return ((f(v) - f(lo)) / (f(hi) - f(lo))) * length;
}

/** A grid's own values make good ticks when they are few and round (0.5, 1, 2; not 0.8409). */
const roundGrid = (grid: readonly number[]): boolean => grid.length <= 9 && grid.every((v) => Number(v.toPrecision(3)) === v);

/** Tick values for a log or linear axis: the grid's when round, else round values across the drawn range. */
function tickValues(a: Axis): number[] {
  if (roundGrid(a.grid)) return a.grid;
  const [lo, hi] = axisEnds(a);
  return niceTicks(lo, hi, a.kind === 'log' ? 'log' : 'linear');
}

const roomOf = (a: Axis, length: number, horizontal: boolean): TickRoom => ({
  length,
  horizontal,
  domain: axisEnds(a),
  scale: a.kind === 'log' ? 'log' : 'linear',
});

/**
 * The band axis's labels, every k-th when they would not fit side by side in `length` px (x axis only; on y one line
 * of text per value needs little room).
 */
function bandTicks(a: Axis, length: number, horizontal: boolean): { values: number[]; labelExpr: string } {
  const labels = a.grid.map((v) => tickLabel(v));
  const room = length / a.grid.length;
  const need = horizontal ? Math.max(...labels.map((l) => textWidth(l, 11))) + 6 : 14;
  const every = Math.max(1, Math.ceil(need / room));
  return { values: a.grid.map((_, i) => i).filter((i) => i % every === 0), labelExpr: `${JSON.stringify(labels)}[datum.value]` };
}

/** Pixel size of the value panel, for ticks and cell glyphs. */
export interface PanelSize {
  width: number;
  height: number;
}

export function positions(
  input: { cells: readonly Cell[]; x: string; y: string; layout?: CellLayout },
  size: PanelSize = { width: 260, height: 220 },
) {
  const { layout } = input;
  // a refined sweep keeps its grid's axis kind; its cells are the layout's rectangles
  const xa: Axis = layout ? { kind: layout.xKind, grid: layout.xTicks, edges: null, domain: layout.xDomain } : axisOf(input.cells.map((c) => c.x));
  const ya: Axis = layout ? { kind: layout.yKind, grid: layout.yTicks, edges: null, domain: layout.yDomain } : axisOf(input.cells.map((c) => c.y));
  const enc = (key: string, a: Axis, length: number, horizontal: boolean) => {
    const title = `${paramLabel(key)}${a.kind === 'log' ? ' (log)' : ''}`;
    const scale = { type: a.kind === 'log' ? 'log' : 'linear', domain: axisEnds(a), nice: false, zero: false };
    const axis =
      a.kind === 'band'
        ? { ...bandTicks(a, length, horizontal), grid: false }
        : { ...tickProps(tickValues(a), roomOf(a, length, horizontal)), grid: false, labelFlush: false };
    return { title, scale, axis };
  };
  const xe = enc(input.x, xa, size.width, true);
  const ye = enc(input.y, ya, size.height, false);
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
