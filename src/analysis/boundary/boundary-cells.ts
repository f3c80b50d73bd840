/**
 * Drawing a refined sweep: each point over the area it stands for, and the boundary curves `lnsweep refine` wrote, as
 * extra inputs to the phase diagram (phase-spec.ts) and the report.
 *
 * A refined sweep's values are no longer an even grid, so cells cannot be one grid step wide. Its refined cells
 * (refine-cells.ts) tile the plane with corners at the points; each is cut into quarters at its centre and each
 * quarter drawn in the colour of the corner it touches. A point thus covers the quarters around it: big where the
 * grid was left coarse, small where refinement added points, with no gap or overlap; along the outside the quarters
 * reach half a grid step further, like the border cells of an even grid. The axes keep the sweep grid's kind (log or
 * linear) and its values as ticks. A point no refined cell reaches (axes other than the refined ones) gets a cell
 * halfway to its neighbours on its row and column.
 *
 *     +-----+--+--+        x: points; each leaf's quarters go to its corners
 *     |  .  |. | .|
 *     |.....x--x--x
 *     |  .  |. | .|
 *     x-----x-----x
 */
import { basename } from 'node:path';
import { boundaryPaths, readBoundaryFile, type BoundaryFile, type SummaryRow } from '../../io/index.js';
import { PARAM_SPECS } from '../../core/params.js';
import { leafCells, pointKey, type RefineAxis } from '../../sweep/refine/cells.js';
import { axisKind, type Cell } from '../base/cells.js';
import type { CellLayout, Overlay } from '../base/overlay.js';

type Rect = [number, number, number, number];

const isRefined = (rows: readonly SummaryRow[]): boolean => rows.some((r) => (r.extra?.refine_round ?? 0) > 0);

/** The layout of a refined sweep's cells; `grid` holds the rows of the sweep's own grid (round 0). */
export function refinedLayout(cells: readonly Cell[], grid: readonly SummaryRow[], x: string, y: string): CellLayout {
  const ticksOf = (key: string) => [...new Set(grid.map((r) => Number(r.params[key as keyof SummaryRow['params']])))].sort((a, b) => a - b);
  const xTicks = ticksOf(x);
  const yTicks = ticksOf(y);
  const axis = (key: string, ticks: number[]): RefineAxis => ({
    key,
    log: axisKind(ticks) === 'log',
    integer: PARAM_SPECS[key as keyof typeof PARAM_SPECS]?.kind.kind === 'int',
  });
  const xa = axis(x, xTicks);
  const ya = axis(y, yTicks);
  const fx = xa.log ? Math.log : (t: number) => t;
  const fy = ya.log ? Math.log : (t: number) => t;
  const gx = xa.log ? Math.exp : (t: number) => t;
  const gy = ya.log ? Math.exp : (t: number) => t;
  const [xMin, xMax, yMin, yMax] = [xTicks[0], xTicks[xTicks.length - 1], yTicks[0], yTicks[yTicks.length - 1]];

  const half = (ticks: number[], f: (t: number) => number, end: 0 | 1) =>
    ticks.length < 2 ? 0 : end === 0 ? (f(ticks[1]) - f(ticks[0])) / 2 : (f(ticks[ticks.length - 1]) - f(ticks[ticks.length - 2])) / 2;
  const border = {
    x0: gx(fx(xMin) - half(xTicks, fx, 0)),
    x1: gx(fx(xMax) + half(xTicks, fx, 1)),
    y0: gy(fy(yMin) - half(yTicks, fy, 0)),
    y1: gy(fy(yMax) + half(yTicks, fy, 1)),
  };
  const quarters = new Map<string, Rect[]>();
  const facets = groupBy(
    cells,
    (c) => String(c.facet),
    () => 0,
  );
  for (const facet of facets.keys()) {
    const own = cells.filter((c) => String(c.facet) === facet);
    for (const leaf of leafCells(new Set(own.map((c) => pointKey(c.x, c.y))), xTicks, yTicks, xa, ya)) {
      const cx = gx((fx(leaf.x0) + fx(leaf.x1)) / 2);
      const cy = gy((fy(leaf.y0) + fy(leaf.y1)) / 2);
      // along the outside a quarter reaches half a grid step further, as an even grid's border cells do
      const lo = (v: number, _c: number, isX: boolean) => (isX ? (v === xMin ? border.x0 : v) : v === yMin ? border.y0 : v);
      const hi = (v: number, _c: number, isX: boolean) => (isX ? (v === xMax ? border.x1 : v) : v === yMax ? border.y1 : v);
      const add = (px: number, py: number, r: Rect) => {
        const key = `${facet}|${pointKey(px, py)}`;
        (quarters.get(key) ?? quarters.set(key, []).get(key)!).push(r);
      };
      add(leaf.x0, leaf.y0, [lo(leaf.x0, cx, true), cx, lo(leaf.y0, cy, false), cy]);
      add(leaf.x1, leaf.y0, [cx, hi(leaf.x1, cx, true), lo(leaf.y0, cy, false), cy]);
      add(leaf.x1, leaf.y1, [cx, hi(leaf.x1, cx, true), cy, hi(leaf.y1, cy, false)]);
      add(leaf.x0, leaf.y1, [lo(leaf.x0, cx, true), cx, cy, hi(leaf.y1, cy, false)]);
    }
  }
  const rows = groupBy(
    cells,
    (c) => `${c.facet}|${c.y}`,
    (c) => c.x,
  );
  const cols = groupBy(
    cells,
    (c) => `${c.facet}|${c.x}`,
    (c) => c.y,
  );
  const rects = new Map<Cell, Rect[]>();
  for (const c of cells) {
    const q = quarters.get(`${c.facet}|${pointKey(c.x, c.y)}`);
    if (q) rects.set(c, q);
    else {
      const [x0, x1] = extent(rows.get(`${c.facet}|${c.y}`)!, c.x, xa.log ? 'log' : 'linear', xTicks);
      const [y0, y1] = extent(cols.get(`${c.facet}|${c.x}`)!, c.y, ya.log ? 'log' : 'linear', yTicks);
      rects.set(c, [[x0, x1, y0, y1]]);
    }
  }
  const all = [...rects.values()].flat();
  return {
    xKind: xa.log ? 'log' : 'linear',
    yKind: ya.log ? 'log' : 'linear',
    rects: (c) => rects.get(c)!,
    xTicks,
    yTicks,
    xDomain: [Math.min(...all.map((r) => r[0])), Math.max(...all.map((r) => r[1]))],
    yDomain: [Math.min(...all.map((r) => r[2])), Math.max(...all.map((r) => r[3]))],
  };
}

function groupBy(cells: readonly Cell[], key: (c: Cell) => string, value: (c: Cell) => number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of cells) (out.get(key(c)) ?? out.set(key(c), []).get(key(c))!).push(value(c));
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

/** Halfway to the neighbours on the line; mirrored at the ends; a lone point takes the grid's finest step. */
function extent(line: number[], v: number, kind: 'log' | 'linear', ticks: number[]): [number, number] {
  const f = kind === 'log' ? Math.log : (t: number) => t;
  const g = kind === 'log' ? Math.exp : (t: number) => t;
  const i = line.indexOf(v);
  const step = Math.min(...ticks.slice(1).map((t, k) => f(t) - f(ticks[k])));
  const below = i > 0 ? (f(v) - f(line[i - 1])) / 2 : null;
  const above = i < line.length - 1 ? (f(line[i + 1]) - f(v)) / 2 : null;
  const lo = below ?? above ?? step / 2;
  const hi = above ?? below ?? step / 2;
  return [g(f(v) - lo), g(f(v) + hi)];
}

/**
 * What a phase diagram of `dir` adds for refinement: the true cell sizes when the sweep was refined, and the boundary
 * curves over its axes. A boundary needs quantitative axes, so with boundaries a plain grid gets the layout too (the
 * same cells as an even grid, but never a band axis).
 */
export function refinementExtras(
  boundaries: readonly { name: string; file: BoundaryFile }[],
  rows: readonly SummaryRow[],
  cells: readonly Cell[],
  o: { x: string; y: string; facet: string | null },
): { layout?: CellLayout; overlays: Overlay[] } {
  const overlays = boundaryOverlays(boundaries, o.x, o.y, o.facet);
  if (!isRefined(rows) && overlays.length === 0) return { overlays };
  const grid = rows.filter((r) => (r.extra?.refine_round ?? 0) === 0);
  return { layout: refinedLayout(cells, grid.length > 0 ? grid : rows, o.x, o.y), overlays };
}

/** The boundary files of a folder (`boundary-*.arrow`), in name order. */
export function readBoundaries(dir: string): { name: string; file: BoundaryFile }[] {
  return boundaryPaths(dir).map((path) => ({ name: basename(path), file: readBoundaryFile(path) }));
}

/** Measured boundaries are solid; theory's curves are dashed (theory-edge.ts). Bands are shaded lightly in their curve's colour. */
const BAND_OPACITY = 0.3;
const BOUNDARY_COLOURS = ['#111111', '#7b3294', '#008837'];

/**
 * Every two-axis boundary drawn over x × y (either way round) as a curve over the diagram, one legend entry per file,
 * each point with the value of the diagram's facet parameter when the boundary has it.
 */
function boundaryOverlays(files: readonly { name: string; file: BoundaryFile }[], x: string, y: string, facet: string | null): Overlay[] {
  const out: Overlay[] = [];
  for (const { file } of files) {
    if (file.axes.length !== 2) continue;
    const swap = file.axes[0] === y && file.axes[1] === x;
    if (!swap && !(file.axes[0] === x && file.axes[1] === y)) continue;
    const f = facet === null ? -1 : file.facets.indexOf(facet as (typeof file.facets)[number]);
    if (facet !== null && f < 0) continue; // no facet value to put it in a panel by
    const points = (kind: string) =>
      file.curves.flatMap((c, segment) =>
        (c.kind === kind ? c.points : []).map((p) => ({
          facet: f >= 0 ? (c.facetValues[f] as number | string) : null,
          segment,
          x: swap ? p.y! : p.x,
          y: swap ? p.x : p.y!,
        })),
      );
    const colour = BOUNDARY_COLOURS[(out.length / 2) % BOUNDARY_COLOURS.length];
    const band = points('band');
    const label = `measured boundary: ${file.metric} = ${file.level}${band.length > 0 ? ' ± band' : ''}`;
    out.push({ label: `${label}, band`, colour, dash: [], points: band, shade: BAND_OPACITY });
    out.push({ label, colour, dash: [], points: points('median') });
  }
  return out;
}
