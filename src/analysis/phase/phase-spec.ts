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
import type { Agg, Cell, CellKind } from '../base/cells.js';
import { axisCoordinate, cellBox, positions } from './phase-axes.js';
import { columnLabel, paramLabel, paramShort } from '../base/labels.js';
import { fmt } from '../base/render.js';
import { isMarkerColumn, partialBanner } from '../base/sweep-data.js';

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
  /** a folder whose runs have not all finished: its banner opens the subtitle (sweep-data.ts partialOf) */
  partial?: { finished: number; total: number } | null;
  /** what the colour shows, when not the summary column `z` itself (a comparison of two sweeps) */
  zLabel?: string;
  /** a sentence closing the subtitle (a comparison names its two folders) */
  note?: string;
}

const KIND_STYLE: Record<Exclude<CellKind, 'value'>, { colour: string; glyph: string; label: (t: string) => string }> = {
  diverged: { colour: '#d62728', glyph: '✕', label: () => 'diverged' },
  collapsed: { colour: '#8c8c8c', glyph: 'θ→0', label: () => 'collapsed (θ → 0)' },
  not_reached: { colour: '#f2f2f2', glyph: '>T', label: (t) => `not reached by ${t}` },
  failed: { colour: '#ffbb78', glyph: '!', label: () => 'failed (error)' },
  missing: { colour: '#ffffff', glyph: '–', label: () => 'no value' },
  pending: { colour: '#dfe7f1', glyph: '…', label: () => 'pending (not run yet)' },
};

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

/** The aggregate's figure: the value panel with its overlays. */
export function phaseSpec(input: PhaseSpecInput): TopLevelSpec {
  return figure(input, [valueLayers(input), ...overlayLayers(input)].flat(), `${input.agg} over replicates`);
}

/** The spread's figure (IQR or std across replicates), or null when no cell has two finite values. */
export function spreadSpec(input: PhaseSpecInput): TopLevelSpec | null {
  if (!input.cells.some((c) => c.spread !== null)) return null;
  const name = spreadName(input.agg);
  const pos = positions(input);
  const layer = {
    transform: [{ filter: "datum.row === 'cell' && isValid(datum.spread)" }],
    mark: RECT,
    encoding: {
      ...pos.rect,
      fill: {
        field: 'spread',
        type: 'quantitative',
        title: wrapLegend(`${name} across replicates`),
        scale: { scheme: 'oranges' },
        legend: legendOf('.2~g'),
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

const RECT = { type: 'rect', stroke: 'white', strokeWidth: 0.5 } as const;
const spreadName = (agg: Agg): string => (agg === 'median' ? 'IQR' : 'std');
const legendOf = (format: string) => ({ format, gradientLength: 160, titleLimit: 400, labelLimit: 300 });

/** The last step a "not reached" cell means: one number when every cell's runs stop there. */
function horizon(cells: readonly Cell[]): string {
  const last = [...new Set(cells.map((c) => c.lastStep))];
  return last.length === 1 ? `step ${last[0].toLocaleString('en-US')}` : "the run's last step";
}

function valueLayers(input: PhaseSpecInput): object[] {
  const { cells, z, agg } = input;
  const T = horizon(cells);
  const pos = positions(input);
  const values = cells.filter((c) => c.kind === 'value').map((c) => c.value as number);
  const kinds = (Object.keys(KIND_STYLE) as (keyof typeof KIND_STYLE)[]).filter((k) => cells.some((c) => c.kind === k));
  const layers: object[] = [];
  // Layers with no data would draw an empty legend ("NaN"), so they are left out.
  if (values.length > 0) {
    layers.push({
      transform: [{ filter: "datum.row === 'cell' && datum.kind === 'value'" }],
      mark: RECT,
      encoding: {
        ...pos.rect,
        fill: {
          field: 'value',
          type: 'quantitative',
          title: wrapLegend(`${agg} ${input.zLabel ?? columnLabel(z)}`),
          scale: colourScale(values, z),
          legend: legendOf(legendFormat(values)),
        },
        description: { field: 'tip' },
      },
    });
  }
  if (kinds.length > 0) {
    const notValue = { filter: "datum.row === 'cell' && datum.kind !== 'value'" };
    layers.push({
      transform: [notValue],
      mark: RECT,
      encoding: {
        ...pos.rect,
        color: {
          field: 'kindLabel',
          type: 'nominal',
          title: 'cell',
          scale: { domain: kinds.map((k) => KIND_STYLE[k].label(T)), range: kinds.map((k) => KIND_STYLE[k].colour) },
          legend: { symbolStrokeColor: '#999', symbolStrokeWidth: 0.5, labelLimit: 300 },
        },
        description: { field: 'tip' },
      },
    });
    layers.push({
      transform: [notValue],
      mark: { type: 'text', fontSize: 10, aria: false },
      encoding: {
        ...pos.point,
        text: { field: 'glyph' },
        color: { condition: { test: "datum.kind === 'diverged' || datum.kind === 'collapsed'", value: 'white' }, value: '#333' },
      },
    });
  }
  return layers;
}

function overlayLayers(input: PhaseSpecInput): object[] {
  const drawn = (input.overlays ?? []).filter((o) => o.points.length > 1);
  if (drawn.length === 0) return [];
  const pos = positions(input);
  const scale = (range: unknown[]) => ({ domain: drawn.map((o) => o.label), range });
  const path = { ...pos.point, detail: { field: 'curve', type: 'nominal' }, order: { field: 'order', type: 'quantitative' } };
  const curves = { filter: "datum.row === 'curve'" };
  return [
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

/** The rows every layer filters from: one per cell (`row: 'cell'`), one per overlay point (`row: 'curve'`). */
function dataRows(input: PhaseSpecInput): Record<string, unknown>[] {
  const { cells } = input;
  const pos = positions(input);
  const T = horizon(cells);
  const name = spreadName(input.agg);
  const rows: Record<string, unknown>[] = cells.flatMap((c) => {
    const kindLabel = c.kind === 'value' ? null : KIND_STYLE[c.kind].label(T);
    const tip = tooltip(c, input, kindLabel, name);
    const cell = {
      row: 'cell',
      // the cell's parameter values (xc, yc are axis positions, an index on a band axis): what a click on it names
      cellX: c.x,
      cellY: c.y,
      facet: c.facet,
      kind: c.kind,
      kindLabel,
      glyph: c.kind === 'value' ? '' : KIND_STYLE[c.kind].glyph,
      value: c.value,
      spread: c.spread,
      tip,
      spreadTip: `spread: ${name} ${fmt(c.spread)} · ${tip}`,
    };
    // a refined layout covers a cell with several rectangles: one row each, the glyph on the first only
    if (input.layout) {
      return input.layout.rects(c).map(([x0, x1, y0, y1], i) => ({ ...cell, x0, x1, y0, y1, xc: c.x, yc: c.y, glyph: i === 0 ? cell.glyph : '' }));
    }
    const [x0, x1, xc] = cellBox(pos.xAxis, c.x);
    const [y0, y1, yc] = cellBox(pos.yAxis, c.y);
    return [{ ...cell, x0, x1, xc, y0, y1, yc }];
  });
  for (const o of input.overlays ?? []) {
    if (o.points.length < 2) continue;
    o.points.forEach((p, order) =>
      rows.push({
        row: 'curve',
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
  const inner = { width: facet ? PANEL_W - 40 : PANEL_W, height: PANEL_H, layer: layers };
  const body = facet
    ? {
        // (datum.label) in parentheses: vega-lite pastes a conditional expression in its place in a wrapped facet
        facet: {
          field: 'facet',
          type: 'ordinal',
          title: null,
          header: { labelExpr: `'${paramShort(facet)} = ' + (datum.label)`, labelFontSize: 12 },
        },
        columns: facetColumns(facets, inner.width),
        spec: inner,
      }
    : inner;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: dataRows(input) },
    title: {
      text: `${input.zLabel ?? columnLabel(z)} over ${paramShort(x)} × ${paramShort(y)}${facet ? ` by ${paramLabel(facet)}` : ''}`,
      subtitle: `${input.partial ? `${partialBanner(input.partial)}; ` : ''}${panelTitle}; hover a cell for its runs.${pooled}${input.note ? ` ${input.note}` : ''}`,
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
  const scheme = { scheme: 'viridis' };
  if (values.length === 0 || z === 'collapsed') return { ...scheme, domain: z === 'collapsed' ? [0, 1] : undefined };
  const pos = values.filter((v) => v > 0);
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (z.endsWith('_diff')) {
    // a difference of two sweeps (compare/): diverging around 0, symmetric, so gains and losses read alike
    const m = Math.max(...values.map(Math.abs)) || 1;
    return { scheme: 'blueorange', domain: [-m, m], domainMid: 0 };
  }
  if (z.endsWith('_ratio') && pos.length === values.length) {
    const decades = Math.max(Math.log10(2), ...values.map((v) => Math.abs(Math.log10(v))));
    return { scheme: 'blueorange', type: 'log', domain: [10 ** -decades, 10 ** decades], domainMid: 1 };
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
    return { ...scheme, type: 'symlog', constant: quantileSorted(abs, 0.1) };
  }
  return scheme;
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

/** Plain numbers where they read well (fractions, steps), exponents where the values span decades. */
function legendFormat(values: readonly number[]): string {
  const plain = values.every((v) => v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5));
  return plain ? '.3~g' : '.2~e';
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
