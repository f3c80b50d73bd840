/**
 * The phase diagram as Vega-Lite specs: a heatmap of the aggregate, and a heatmap of its spread across replicates,
 * each with its facet values wrapped into rows that fit the page. Cells that are not values (diverged, collapsed, not
 * reached, failed, missing) are drawn in fixed colours outside the colour scale, with a glyph, and have their own
 * legend. Every cell carries a description (shown as a tooltip) with its coordinates, aggregate, spread and run counts.
 * Curves (theory's predicted edge, a measured boundary) are drawn over the cells as overlay layers, one legend entry
 * each.
 * Axes: phase-axes.ts.
 *
 * One legend per figure: values take the `fill` scale, cell kinds the `color` scale, curves `stroke`/`strokeDash`, so
 * no layer needs its own (independent) scale and the facets share every legend.
 */
import { quantileSorted } from 'd3-array';
import type { TopLevelSpec } from 'vega-lite';
import type { CellLayout, Overlay } from '../base/overlay.js';
import type { Agg, Cell } from '../base/cells.js';
import { CELL_KINDS, NON_VALUE_KINDS } from '../base/cell-kinds.js';
import { textWidth } from '../base/fonts.js';
import { axisCoordinate, cellBox, pixelOf, positions, type Axis, type PanelSize } from './phase-axes.js';
import { columnLabel, paramLabel, paramShort } from '../base/labels.js';
import { fmt } from '../base/render.js';
import { isMarkerColumn, partialBanner } from '../base/sweep-data.js';
import { niceTicks, tickProps, type TickScale } from '../base/ticks.js';

export interface PhaseSpecInput {
  cells: readonly Cell[];
  x: string;
  y: string;
  z: string;
  facet: string | null;
  agg: Agg;
  /** parameters that vary but are neither axis nor facet: pooled into the cells (named in the subtitle) */
  pooled?: readonly string[];
  /** curves over the value panel, drawn in this order (empty ones are left out) */
  overlays?: readonly Overlay[];
  /** a refined sweep: cells of their true, varying sizes, each drawn as one or more rectangles (boundary-cells.ts) */
  layout?: CellLayout;
  /** the value panel's size in px (default: the report's, which fits three facets and a legend on the page) */
  panel?: PanelSize;
  /** facet columns (default: as many as fit the page, facetColumns) */
  columns?: number;
  /** drawn for a file (`lnsweep figure`), where nothing can be hovered */
  print?: boolean;
  /** a folder whose runs have not all finished: its banner opens the subtitle (sweep-data.ts partialOf) */
  partial?: { finished: number; total: number } | null;
  /** what the colour shows, when not the summary column `z` itself (a comparison of two sweeps) */
  zLabel?: string;
  /** a sentence closing the subtitle (a comparison names its two folders) */
  note?: string;
}

const PANEL_W = 260;
const PANEL_H = 220;
/** Widest figure the report's page holds at a 1400 px window (body padding and a scrollbar taken off). */
export const PAGE_WIDTH = 1300;
/** The y axis (labels and title) left of each row of wrapped facets; the gap between facets. */
const AXIS_W = 90;
const FACET_GAP = 25;
/** The legends' column on the right of a figure. */
const LEGEND_W = 230;
const LOG_COLOUR_DECADES = 1e4;

/**
 * Facet columns that fit the page with one legend column beside them, balanced over the rows they need (five facets
 * where four fit go 3 + 2, not 4 + 1).
 */
export function facetColumns(facets: number, panelWidth = PANEL_W): number {
  const fit = Math.max(1, Math.floor((PAGE_WIDTH - LEGEND_W - AXIS_W) / (panelWidth + FACET_GAP)));
  return Math.ceil(facets / Math.ceil(facets / fit));
}

/** The value panel's size in px: narrower when faceted, so three facets and a legend fit the page. */
const panelSize = (input: PhaseSpecInput): PanelSize => input.panel ?? { width: input.facet ? PANEL_W - 40 : PANEL_W, height: PANEL_H };

/** The aggregate's figure: the value panel with its overlays. */
export function phaseSpec(input: PhaseSpecInput): TopLevelSpec {
  return figure(input, [valueLayers(input), ...overlayLayers(input)].flat(), `${input.agg} over replicates`);
}

/** The spread's figure (IQR or std across replicates), or null when no cell has two finite values. */
export function spreadSpec(input: PhaseSpecInput): TopLevelSpec | null {
  if (!input.cells.some((c) => c.spread !== null)) return null;
  const name = spreadName(input.agg);
  const pos = positions(input, panelSize(input));
  const spreads = input.cells.map((c) => c.spread).filter((v): v is number => v !== null && Number.isFinite(v));
  const scale = { scheme: 'oranges', type: 'linear', domain: [Math.min(0, ...spreads), Math.max(...spreads)], nice: false, zero: false };
  const layer = {
    transform: [{ filter: "datum.row === 'cell' && isValid(datum.spread)" }],
    mark: rectMark(input),
    encoding: {
      ...pos.rect,
      fill: {
        field: 'spread',
        type: 'quantitative',
        title: wrapLegend(`${name} across replicates`),
        scale,
        legend: legendOf(scale),
      },
      description: { field: 'spreadTip' },
    },
  };
  return figure(input, [layer], `spread: ${name} across replicates (blank: < 2 finite values)`);
}

/** Both figures one above the other, as `lnsweep phase` writes them to one SVG. */
export function phaseAndSpreadSpec(input: PhaseSpecInput): TopLevelSpec {
  const value = phaseSpec(input) as unknown as Record<string, unknown>;
  const spread = spreadSpec(input) as unknown as Record<string, unknown> | null;
  if (!spread) return value as unknown as TopLevelSpec;
  const strip = ({ $schema: _s, data: _d, title: _t, ...rest }: Record<string, unknown>) => rest;
  return {
    $schema: value.$schema,
    data: value.data,
    title: value.title,
    vconcat: [strip(value), strip(spread)].map((s, i) => ({
      ...s,
      title: i === 0 ? `${input.agg} over replicates` : `spread: ${spreadName(input.agg)} across replicates`,
    })),
    resolve: { scale: { fill: 'independent' } },
  } as unknown as TopLevelSpec;
}

/**
 * Cells of an even grid are parted by a thin white line; refined cells are not (a line per quarter cell turns into
 * moiré where they are a few pixels wide): their sizes already show where refinement went.
 */
const rectMark = (input: PhaseSpecInput) => (input.layout ? { type: 'rect' } : { type: 'rect', stroke: 'white', strokeWidth: 0.5 });
const spreadName = (agg: Agg): string => (agg === 'median' ? 'IQR' : 'std');

/** A colour bar with round ticks inside its domain (the domain is always explicit, see colourScale). */
function legendOf(scale: Record<string, unknown>) {
  const [lo, hi] = scale.domain as [number, number];
  const kind = (scale.type as TickScale | undefined) ?? 'linear';
  const ticks = niceTicks(lo, hi, kind, 4);
  return { ...tickProps(ticks), gradientLength: 160, titleLimit: 400, labelLimit: 300 };
}

/** "(log)" or "(symlog)" after a colour bar's title when its scale is not linear. */
const scaleNote = (scale: Record<string, unknown>): string => (scale.type === 'log' ? ' (log)' : scale.type === 'symlog' ? ' (symlog)' : '');

/** The last step a "not reached" cell means: one number when every cell's runs stop there. */
function horizon(cells: readonly Cell[]): string {
  const last = [...new Set(cells.map((c) => c.lastStep))];
  return last.length === 1 ? `step ${last[0].toLocaleString('en-US')}` : "the run's last step";
}

function valueLayers(input: PhaseSpecInput): object[] {
  const { cells, z, agg } = input;
  const T = horizon(cells);
  const pos = positions(input, panelSize(input));
  const values = cells.filter((c) => c.kind === 'value').map((c) => c.value as number);
  const kinds = NON_VALUE_KINDS.filter((k) => cells.some((c) => c.kind === k));
  const layers: object[] = [];
  // Layers with no data would draw an empty legend ("NaN"), so they are left out.
  if (values.length > 0) {
    const scale = colourScale(values, z);
    layers.push({
      transform: [{ filter: "datum.row === 'cell' && datum.kind === 'value'" }],
      mark: rectMark(input),
      encoding: {
        ...pos.rect,
        fill: {
          field: 'value',
          type: 'quantitative',
          title: wrapLegend(`${agg} ${input.zLabel ?? columnLabel(z)}${scaleNote(scale)}`),
          scale,
          legend: legendOf(scale),
        },
        description: { field: 'tip' },
      },
    });
  }
  if (kinds.length > 0) {
    const notValue = { filter: "datum.row === 'cell' && datum.kind !== 'value'" };
    layers.push({
      transform: [notValue],
      mark: rectMark(input),
      encoding: {
        ...pos.rect,
        color: {
          field: 'kindLabel',
          type: 'nominal',
          title: 'cell',
          scale: { domain: kinds.map((k) => CELL_KINDS[k].label(T)), range: kinds.map((k) => CELL_KINDS[k].colour) },
          legend: { symbolStrokeColor: '#999', symbolStrokeWidth: 0.5, labelLimit: 300 },
        },
        description: { field: 'tip' },
      },
    });
    // a glyph only where its cell has room for it (the tooltip names the kind everywhere)
    layers.push({
      transform: [{ filter: "datum.row === 'cell' && datum.glyph !== ''" }],
      mark: { type: 'text', fontSize: GLYPH_SIZE, aria: false },
      encoding: { ...pos.point, text: { field: 'glyph' }, color: { field: 'glyphColour', type: 'nominal', scale: null, legend: null } },
    });
  }
  return layers;
}

function overlayLayers(input: PhaseSpecInput): object[] {
  const pos = positions(input, panelSize(input));
  const bands = (input.overlays ?? []).filter((o) => o.shade !== undefined && o.points.length > 2).map((o) => bandLayer(o, pos.point));
  const drawn = (input.overlays ?? []).filter((o) => o.shade === undefined && o.points.length > 1);
  if (drawn.length === 0) return bands;
  const scale = (range: unknown[]) => ({ domain: drawn.map((o) => o.label), range });
  const path = { ...pos.point, detail: { field: 'curve', type: 'nominal' }, order: { field: 'order', type: 'quantitative' } };
  const curves = { filter: "datum.row === 'curve'" };
  return [
    ...bands,
    // a white halo under each curve keeps it visible on dark and light cells alike
    { transform: [curves], mark: { type: 'line', stroke: 'white', strokeWidth: 4.5, opacity: 0.75, clip: true, aria: false }, encoding: path },
    {
      transform: [curves],
      mark: { type: 'line', strokeWidth: 2.2, clip: true, aria: false },
      encoding: {
        ...path,
        stroke: {
          field: 'overlay',
          type: 'nominal',
          title: 'curve',
          scale: scale(drawn.map((o) => o.colour)),
          legend: { labelLimit: 400, symbolType: 'stroke' },
        },
        strokeDash: {
          field: 'overlay',
          type: 'nominal',
          title: 'curve',
          scale: scale(drawn.map((o) => o.dash)),
          legend: { labelLimit: 400, symbolType: 'stroke' },
        },
      },
    },
  ];
}

/** A band's polygons, shaded in its colour (base/overlay.ts). */
function bandLayer(o: Overlay, point: object): object {
  return {
    transform: [
      {
        filter: {
          and: [
            { field: 'row', equal: 'band' },
            { field: 'overlay', equal: o.label },
          ],
        },
      },
    ],
    mark: { type: 'line', interpolate: 'linear-closed', fill: o.colour, fillOpacity: o.shade, strokeWidth: 0, clip: true, aria: false },
    encoding: { ...point, detail: { field: 'curve', type: 'nominal' }, order: { field: 'order', type: 'quantitative' } },
  };
}

const GLYPH_SIZE = 10;

/** The largest of a cell's rectangles (x0, x1, y0, y1 in axis coordinates) and its size in px. */
function largestRect(rects: readonly [number, number, number, number][], xa: Axis, ya: Axis, size: PanelSize) {
  let best = { rect: rects[0], w: 0, h: 0 };
  for (const r of rects) {
    const w = Math.abs(pixelOf(xa, r[1], size.width) - pixelOf(xa, r[0], size.width));
    const h = Math.abs(pixelOf(ya, r[3], size.height) - pixelOf(ya, r[2], size.height));
    if (w * h > best.w * best.h) best = { rect: r, w, h };
  }
  return best;
}

/** The centre of [lo, hi] on an axis: geometric on a log axis. */
const centre = (a: Axis, lo: number, hi: number): number => (a.kind === 'log' ? Math.sqrt(lo * hi) : (lo + hi) / 2);

/**
 * The rows every layer filters from: one per rectangle of a cell (`row: 'cell'`; a refined cell has several), one per
 * overlay point (`row: 'curve'`, or `'band'` for a band's polygons). A cell's glyph rides on its largest rectangle, at that rectangle's centre, and only
 * when the glyph fits inside it with a margin.
 */
function dataRows(input: PhaseSpecInput): Record<string, unknown>[] {
  const { cells } = input;
  const size = panelSize(input);
  const pos = positions(input, size);
  const T = horizon(cells);
  const name = spreadName(input.agg);
  const rows: Record<string, unknown>[] = cells.flatMap((c) => {
    const kindLabel = c.kind === 'value' ? null : CELL_KINDS[c.kind].label(T);
    const tip = tooltip(c, input, kindLabel, name);
    const cell = {
      row: 'cell',
      // the cell's parameter values (xc, yc are axis positions, an index on a band axis): what a click on it names
      cellX: c.x,
      cellY: c.y,
      facet: c.facet,
      kind: c.kind,
      kindLabel,
      value: c.value,
      spread: c.spread,
      tip,
      spreadTip: `spread: ${name} ${fmt(c.spread)} · ${tip}`,
    };
    const rects: [number, number, number, number][] = input.layout
      ? input.layout.rects(c)
      : (() => {
          const [x0, x1] = cellBox(pos.xAxis, c.x);
          const [y0, y1] = cellBox(pos.yAxis, c.y);
          return [[x0, x1, y0, y1]];
        })();
    const glyph = c.kind === 'value' ? '' : CELL_KINDS[c.kind].glyph;
    const big = largestRect(rects, pos.xAxis, pos.yAxis, size);
    const fits = glyph !== '' && big.w >= textWidth(glyph, GLYPH_SIZE) + 4 && big.h >= GLYPH_SIZE + 3;
    return rects.map(([x0, x1, y0, y1]) => {
      const mine = fits && big.rect[0] === x0 && big.rect[1] === x1 && big.rect[2] === y0 && big.rect[3] === y1;
      return {
        ...cell,
        x0,
        x1,
        y0,
        y1,
        xc: centre(pos.xAxis, x0, x1),
        yc: centre(pos.yAxis, y0, y1),
        glyph: mine ? glyph : '',
        glyphColour: c.kind === 'value' ? null : CELL_KINDS[c.kind].glyphColour,
      };
    });
  });
  for (const o of input.overlays ?? []) {
    if (o.points.length < 2) continue;
    o.points.forEach((p, order) =>
      rows.push({
        row: o.shade === undefined ? 'curve' : 'band',
        overlay: o.label,
        curve: `${o.label}|${p.facet}|${p.segment}`,
        order,
        facet: p.facet,
        xc: axisCoordinate(pos.xAxis.grid, pos.xAxis.kind, p.x),
        yc: axisCoordinate(pos.yAxis.grid, pos.yAxis.kind, p.y),
      }),
    );
  }
  return rows;
}

function figure(input: PhaseSpecInput, layers: object[], panelTitle: string): TopLevelSpec {
  const { x, y, z, facet } = input;
  const pooled = input.pooled?.length ? ` Pooled into each cell: ${input.pooled.join(', ')}.` : '';
  const facets = new Set(input.cells.map((c) => c.facet)).size;
  const inner = { ...panelSize(input), layer: layers };
  const body = facet
    ? {
        // (datum.label) in parentheses: vega-lite pastes a conditional expression in its place in a wrapped facet
        facet: {
          field: 'facet',
          type: 'ordinal',
          title: null,
          header: { labelExpr: `'${paramShort(facet)} = ' + (datum.label)`, labelFontSize: 12 },
        },
        columns: input.columns ?? facetColumns(facets, inner.width),
        spec: inner,
      }
    : inner;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: dataRows(input) },
    title: {
      text: `${input.zLabel ?? columnLabel(z)} over ${paramShort(x)} × ${paramShort(y)}${facet ? ` by ${paramLabel(facet)}` : ''}`,
      subtitle: `${input.partial ? `${partialBanner(input.partial)}; ` : ''}${panelTitle}${input.print ? '.' : '; hover a cell for its runs.'}${pooled}${input.note ? ` ${input.note}` : ''}`,
    },
    ...body,
  } as unknown as TopLevelSpec;
}

/**
 * Log colours when every value is positive and they span ≥ 2 decades (losses, rates); symlog when they span decades
 * but touch zero or go negative (a noiseless control's decay rate ≈ 0); linear otherwise. A ratio of measured to
 * predicted (`*_ratio`) is diverging around 1 on a log scale, symmetric in decades, so over- and under-prediction
 * read alike.
 */
export function colourScale(values: readonly number[], z: string): Record<string, unknown> {
  const min = Math.min(...values);
  const max = Math.max(...values);
  // the domain is always explicit: the report draws each facet and the legend apart (base/figure-html.ts)
  const scheme = { scheme: 'viridis', nice: false, zero: false };
  if (z.endsWith('_diff')) {
    // a difference of two sweeps (compare/): diverging around 0, symmetric, so gains and losses read alike
    const m = Math.max(...values.map(Math.abs)) || 1;
    return { scheme: 'blueorange', type: 'linear', domain: [-m, m], domainMid: 0, nice: false, zero: false };
  }
  if (values.length === 0 || z === 'collapsed') return { ...scheme, type: 'linear', domain: [0, 1] };
  const pos = values.filter((v) => v > 0);
  if (z.endsWith('_ratio') && pos.length === values.length) {
    const decades = Math.max(Math.log10(2), ...values.map((v) => Math.abs(Math.log10(v))));
    return { scheme: 'blueorange', type: 'log', domain: [10 ** -decades, 10 ** decades], domainMid: 1, nice: false };
  }
  // Log colours keep four decades below the maximum; smaller values (a noiseless control's ≈ 0 rate) take the
  // darkest colour rather than stretching the scale over ten empty decades.
  if (pos.length === values.length && max / min >= 100) {
    return { ...scheme, type: 'log', domain: [Math.max(min, max / LOG_COLOUR_DECADES), max], clamp: true };
  }
  const abs = values
    .map(Math.abs)
    .filter((v) => v > 0)
    .sort((a, b) => a - b);
  if (abs.length > 1 && abs[abs.length - 1] / abs[0] >= 1e3 && !isMarkerColumn(z)) {
    // linear below the smallest tenth of the magnitudes, logarithmic above
    return { ...scheme, type: 'symlog', constant: quantileSorted(abs, 0.1), domain: [min, max] };
  }
  return { ...scheme, type: 'linear', domain: min === max ? [min - 0.5, max + 0.5] : [min, max] };
}

function tooltip(c: Cell, q: PhaseSpecInput, kindLabel: string | null, spreadName: string): string {
  const where = `${paramShort(q.x)} = ${fmt(c.x)}, ${paramShort(q.y)} = ${fmt(c.y)}${q.facet ? `, ${paramShort(q.facet)} = ${c.facet}` : ''}`;
  const what = kindLabel ?? `${q.agg} ${q.zLabel ?? q.z} = ${fmt(c.value)} (${spreadName} ${fmt(c.spread)})`;
  const runs = [`${c.runs} run(s): ${c.done} done`];
  if (c.diverged) runs.push(`${c.diverged} diverged`);
  if (c.collapsed) runs.push(`${c.collapsed} collapsed`);
  if (c.failed) runs.push(`${c.failed} failed`);
  if (c.pending) runs.push(`${c.pending} pending`);
  if (isMarkerColumn(q.z) && c.done > 0) runs.push(`reached in ${c.reached} of ${c.done}`);
  return `${where} · ${what} · ${runs.join(', ')}`;
}

/** Legend titles are split over lines of at most 22 characters (the legend column's width). */
export function wrapLegend(text: string, width = 22): string | string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.length === 1 ? lines[0] : lines;
}
