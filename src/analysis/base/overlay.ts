/**
 * What the phase diagram draws on top of its cells, as plain data: curves (theory's edge, refined boundaries) and the
 * layout of a refined sweep's cells. phase/ draws them; boundary/ and theory/ make them; neither knows phase/.
 */
import type { Cell } from './cells.js';

type Rect = [number, number, number, number];

/**
 * A curve drawn over the cells: points in parameter values, one polyline per (facet, segment), in order. A band
 * (`shade`) is a set of polygons instead, one per (facet, segment), shaded in its colour under the curves, with no
 * legend entry of its own (the curve it belongs to says so in its label).
 */
export interface Overlay {
  /** its legend entry */
  label: string;
  colour: string;
  /** SVG dash pattern ([] for solid) */
  dash: number[];
  points: readonly { facet: number | string | null; segment: number; x: number; y: number }[];
  /** a band: the fill opacity of its polygons */
  shade?: number;
}

/** A refined sweep: cells of their true, varying sizes (boundary/boundary-cells.ts makes it). */
export interface CellLayout {
  xKind: 'log' | 'linear';
  yKind: 'log' | 'linear';
  /** the rectangles the cell covers: x0, x1, y0, y1 each */
  rects: (c: Cell) => Rect[];
  /** the sweep grid's values, for the axis ticks */
  xTicks: number[];
  yTicks: number[];
  /** the outer edges of the drawing */
  xDomain: [number, number];
  yDomain: [number, number];
}
