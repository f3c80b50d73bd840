/**
 * The phase diagram as a Vega-Lite spec: a heatmap of the aggregate (left or top) beside a heatmap of its spread
 * across replicates, one column of panels per facet value. Cells that are not values (diverged, collapsed, not
 * reached, failed, missing) are drawn in fixed colours outside the colour scale, with a glyph, and have their own
 * legend. Every cell carries a description (shown as a tooltip) with its coordinates, aggregate, spread and run counts.
 *
 * Axes: a log-spaced grid gets a log axis, an even grid a linear one (cells centred on the grid values, edges at the
 * midpoints, cellEdges), anything else even columns in value order.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { BoundaryRow, CellLayout } from './boundary-cells.js';
import { axisKind, cellEdges, type Agg, type Cell, type CellKind } from './cells.js';
import { columnLabel, paramLabel, paramShort } from './labels.js';
import { fmt } from './render.js';
import { isMarkerColumn } from './sweep-data.js';

export interface PhaseSpecInput {
  cells: readonly Cell[];
  x: string;
  y: string;
  z: string;
  facet: string | null;
  agg: Agg;
  /** parameters that vary but are neither axis nor facet: pooled into the cells (named in the subtitle) */
  pooled?: readonly string[];
  /** a refined sweep: cells of their true, varying sizes (boundary-cells.ts) */
  layout?: CellLayout;
  /** boundary curves (`lnsweep refine`) drawn over the aggregate panel (boundary-cells.ts) */
  boundaries?: readonly BoundaryRow[];
}

const KIND_STYLE: Record<Exclude<CellKind, 'value'>, { colour: string; glyph: string; label: (t: string) => string }> = {
  diverged: { colour: '#d62728', glyph: '✕', label: () => 'diverged' },
  collapsed: { colour: '#8c8c8c', glyph: 'θ→0', label: () => 'collapsed (θ → 0)' },
  not_reached: { colour: '#f2f2f2', glyph: '>T', label: (t) => `not reached by step ${t}` },
  failed: { colour: '#ffbb78', glyph: '!', label: () => 'failed (error)' },
  missing: { colour: '#ffffff', glyph: '–', label: () => 'no value' },
};

const PANEL_W = 260;
const LOG_COLOUR_DECADES = 1e4;
const PANEL_H = 220;

export function phaseSpec(input: PhaseSpecInput): TopLevelSpec {
  const { cells, x, y, z, facet, agg } = input;
  const { layout } = input;
  const xKind = layout?.xKind ?? axisKind(cells.map((c) => c.x));
  const yKind = layout?.yKind ?? axisKind(cells.map((c) => c.y));
  const xEdges = layout ? domainEdges(layout.xTicks, layout.xDomain) : xKind === 'band' ? null : cellEdges(cells.map((c) => c.x), xKind);
  const yEdges = layout ? domainEdges(layout.yTicks, layout.yDomain) : yKind === 'band' ? null : cellEdges(cells.map((c) => c.y), yKind);
  const lastSteps = [...new Set(cells.map((c) => c.lastStep))];
  const T = lastSteps.length === 1 ? lastSteps[0].toLocaleString('en-US') : 'its last';
  const spreadName = agg === 'median' ? 'IQR' : 'std';

  // a refined layout draws a cell as several rectangles (boundary-cells.ts): one data row each
  const data = cells.flatMap((c) => (layout ? layout.rects(c) : [null]).map((r) => {
    const kindLabel = c.kind === 'value' ? null : KIND_STYLE[c.kind].label(T);
    return {
      facet: c.facet,
      xv: c.x,
      yv: c.y,
      x0: r ? r[0] : xEdges?.get(c.x)?.[0],
      x1: r ? r[1] : xEdges?.get(c.x)?.[1],
      y0: r ? r[2] : yEdges?.get(c.y)?.[0],
      y1: r ? r[3] : yEdges?.get(c.y)?.[1],
      kind: c.kind,
      kindLabel,
      glyph: c.kind === 'value' ? '' : KIND_STYLE[c.kind].glyph,
      value: c.value,
      spread: c.spread,
      tip: tooltip(c, input, kindLabel, spreadName),
      spreadTip: `spread: ${spreadName} ${fmt(c.spread)} · ${tooltip(c, input, kindLabel, spreadName)}`,
    };
  }));

  const values = cells.filter((c) => c.kind === 'value').map((c) => c.value as number);
  const kinds = (Object.keys(KIND_STYLE) as (keyof typeof KIND_STYLE)[]).filter((k) => cells.some((c) => c.kind === k));
  const pos = {
    x: axisEncoding('x', x, xKind, layout?.xTicks ?? cells.map((c) => c.x), xEdges),
    y: axisEncoding('y', y, yKind, layout?.yTicks ?? cells.map((c) => c.y), yEdges),
  };
  const rect = { type: 'rect', stroke: 'white', strokeWidth: 0.5 } as const;
  const valueLayer = {
    transform: [{ filter: "datum.kind === 'value'" }],
    mark: rect,
    encoding: {
      ...pos.x.rect,
      ...pos.y.rect,
      color: { field: 'value', type: 'quantitative', title: wrapLegend(`${agg} ${columnLabel(z)}`), scale: colourScale(values, z), legend: { format: legendFormat(values), gradientLength: 160, titleLimit: 220 } },
      description: { field: 'tip' },
    },
  };
  const kindLayer = {
    transform: [{ filter: "datum.kind !== 'value' && datum.kind !== 'boundary'" }],
    mark: rect,
    encoding: {
      ...pos.x.rect,
      ...pos.y.rect,
      color: {
        field: 'kindLabel',
        type: 'nominal',
        title: 'cell',
        scale: { domain: kinds.map((k) => KIND_STYLE[k].label(T)), range: kinds.map((k) => KIND_STYLE[k].colour) },
        legend: { symbolStrokeColor: '#999', symbolStrokeWidth: 0.5, labelLimit: 260 },
      },
      description: { field: 'tip' },
    },
  };
  const glyphLayer = {
    transform: [{ filter: "datum.kind !== 'value' && datum.kind !== 'boundary'" }],
    mark: { type: 'text', fontSize: 10, aria: false },
    encoding: {
      ...pos.x.point,
      ...pos.y.point,
      text: { field: 'glyph' },
      color: { condition: { test: "datum.kind === 'diverged' || datum.kind === 'collapsed'", value: 'white' }, value: '#333' },
    },
  };
  const spreadLayer = {
    transform: [{ filter: 'isValid(datum.spread)' }],
    mark: rect,
    encoding: {
      ...pos.x.rect,
      ...pos.y.rect,
      color: { field: 'spread', type: 'quantitative', title: wrapLegend(`${spreadName} across replicates`), scale: { scheme: 'oranges' }, legend: { format: '.2~g', gradientLength: 160, titleLimit: 220 } },
      description: { field: 'spreadTip' },
    },
  };

  // Layers with no data would draw an empty legend ("NaN"), so they are left out.
  const curves = xEdges && yEdges ? boundaryLayer(input.boundaries ?? [], pos) : null;
  const valueLayers = [
    ...(values.length > 0 ? [valueLayer] : []),
    ...(kinds.length > 0 ? [kindLayer, glyphLayer] : []),
    ...(curves ? [curves.layer] : []),
  ];
  const hasSpread = cells.some((c) => c.spread !== null);
  const panel = (layers: object[], title: string) => {
    const inner = { width: facet ? PANEL_W - 40 : PANEL_W, height: PANEL_H, layer: layers, resolve: { scale: { color: 'independent' } } };
    return facet
      ? { title, facet: { column: { field: 'facet', title: paramLabel(facet), header: { labelExpr: `'${paramShort(facet)} = ' + datum.label` } } }, spec: inner }
      : { title, ...inner };
  };
  const pooled = input.pooled?.length ? ` Pooled into each cell: ${input.pooled.join(', ')}.` : '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: [...data, ...(curves?.rows ?? [])] },
    title: {
      text: `${columnLabel(z)} over ${paramShort(x)} × ${paramShort(y)}${facet ? ` by ${paramShort(facet)}` : ''}`,
      subtitle: `${agg} over replicates; hover a cell for its runs.${pooled}`,
    },
    [facet ? 'vconcat' : 'hconcat']: [
      panel(valueLayers, `${agg} over replicates`),
      ...(hasSpread ? [panel([spreadLayer], `spread: ${spreadName} across replicates (blank: < 2 finite values)`)] : []),
    ],
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec;
}

/** Axis edges for a refined layout: its outer edges, at the first and last tick (what axisEncoding reads). */
function domainEdges(ticks: number[], [lo, hi]: [number, number]): Map<number, [number, number]> {
  return new Map([ticks[0], ticks[ticks.length - 1]].map((t) => [t, [lo, hi]]));
}

/** Boundary curves as black lines over the aggregate (rows tagged kind 'boundary' in the shared data). */
function boundaryLayer(boundaries: readonly BoundaryRow[], pos: { x: { point: object }; y: { point: object } }) {
  if (boundaries.length === 0) return null;
  const rows = boundaries.map((b) => ({ ...b, kind: 'boundary', tip: `boundary: ${b.label}` }));
  const field = (enc: object, ch: 'x' | 'y', name: string) => ({ [ch]: { ...(enc as Record<string, object>)[ch], field: name } });
  const layer = {
    transform: [{ filter: "datum.kind === 'boundary'" }],
    mark: { type: 'line', color: 'black', strokeWidth: 1.5, interpolate: 'linear' },
    encoding: { ...field(pos.x.point, 'x', 'bx'), ...field(pos.y.point, 'y', 'by'), detail: { field: 'curve' }, order: { field: 'order' }, description: { field: 'tip' } },
  };
  return { rows, layer };
}

function axisEncoding(
  ch: 'x' | 'y',
  key: string,
  kind: ReturnType<typeof axisKind>,
  values: number[],
  edges: Map<number, [number, number]> | null,
) {
  const grid = [...new Set(values)].sort((a, b) => a - b);
  const title = `${paramLabel(key)}${kind === 'log' ? ' (log scale)' : ''}`;
  if (kind === 'band' || !edges) {
    const enc = { field: `${ch}v`, type: 'ordinal', title, sort: ch === 'y' ? 'descending' : 'ascending', axis: { labelAngle: 0, format: '~g' } };
    return { rect: { [ch]: enc }, point: { [ch]: enc } };
  }
  const lo = edges.get(grid[0])![0];
  const hi = edges.get(grid[grid.length - 1])![1];
  const scale = { type: kind, domain: [lo, hi], nice: false, ...(kind === 'linear' ? { zero: false } : {}) };
  const axis = { values: grid, format: '~g', grid: false, labelFlush: false };
  return {
    rect: { [ch]: { field: `${ch}0`, type: 'quantitative', title, scale, axis }, [`${ch}2`]: { field: `${ch}1` } },
    point: { [ch]: { field: `${ch}v`, type: 'quantitative', title, scale, axis } },
  };
}

/**
 * Log colours when every value is positive and they span ≥ 2 decades (losses, rates); symlog when they span decades
 * but touch zero or go negative (a noiseless control's decay rate ≈ 0); linear otherwise.
 */
export function colourScale(values: readonly number[], z: string): Record<string, unknown> {
  const scheme = { scheme: 'viridis' };
  if (values.length === 0 || z === 'collapsed') return { ...scheme, domain: z === 'collapsed' ? [0, 1] : undefined };
  const pos = values.filter((v) => v > 0);
  const min = Math.min(...values);
  const max = Math.max(...values);
  // Log colours keep four decades below the maximum; smaller values (a noiseless control's ≈ 0 rate) take the
  // darkest colour rather than stretching the scale over ten empty decades.
  if (pos.length === values.length && max / min >= 100) {
    return { ...scheme, type: 'log', domain: [Math.max(min, max / LOG_COLOUR_DECADES), max], clamp: true };
  }
  const abs = values.map(Math.abs).filter((v) => v > 0).sort((a, b) => a - b);
  if (abs.length > 1 && abs[abs.length - 1] / abs[0] >= 1e3 && !isMarkerColumn(z)) {
    return { ...scheme, type: 'symlog', constant: abs[Math.floor(abs.length * 0.1)] };
  }
  return scheme;
}

function tooltip(c: Cell, q: PhaseSpecInput, kindLabel: string | null, spreadName: string): string {
  const where = `${paramShort(q.x)} = ${fmt(c.x)}, ${paramShort(q.y)} = ${fmt(c.y)}${q.facet ? `, ${paramShort(q.facet)} = ${c.facet}` : ''}`;
  const what = kindLabel ?? `${q.agg} ${q.z} = ${fmt(c.value)} (${spreadName} ${fmt(c.spread)})`;
  const runs = [`${c.runs} run(s): ${c.done} done`];
  if (c.diverged) runs.push(`${c.diverged} diverged`);
  if (c.collapsed) runs.push(`${c.collapsed} collapsed`);
  if (c.failed) runs.push(`${c.failed} failed`);
  if (isMarkerColumn(q.z) && c.done > 0) runs.push(`reached in ${c.reached} of ${c.done}`);
  return `${where} · ${what} · ${runs.join(', ')}`;
}

/** Plain numbers where they read well (fractions, steps), exponents where the values span decades. */
function legendFormat(values: readonly number[]): string {
  const plain = values.every((v) => v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5));
  return plain ? '.3~g' : '.2~e';
}

/** Legend titles longer than the panel's side are split over lines. */
function wrapLegend(text: string): string | string[] {
  if (text.length <= 24) return text;
  const cut = text.lastIndexOf(' ', 24);
  return cut > 0 ? [text.slice(0, cut), text.slice(cut + 1)] : text;
}
