/**
 * Vega-Lite specs to SVG strings, in Node with no browser and no canvas: vega-lite compiles the spec, vega parses it
 * into a headless View (`renderer: 'none'`) and its SVG string renderer draws it. Text is laid out with DejaVu Sans's
 * real widths (fonts.ts), the face the SVG names first and the PNG and PDF exports draw with.
 *
 * Tooltips: vega writes each mark's `description` channel as an `aria-label`; a self-contained file has no vega
 * runtime to show tooltips, so each labelled mark also gets an SVG <title> child, which every browser shows on hover.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY, useFontMetrics } from './fonts.js';

export interface RenderOptions {
  /** the labels' font size in px; titles and legends scale with it (default 11) */
  fontSize?: number;
}

/**
 * Shared look: readable fonts, no chart border, titles left-aligned, quiet grids (one light line per labelled tick:
 * tick values are always given explicitly, so a log axis draws no minor grid).
 */
function config(fontSize = 11) {
  const s = (k: number) => Math.round(fontSize * k * 10) / 10;
  return {
    font: FONT_FAMILY,
    view: { stroke: null },
    title: { fontSize: s(14 / 11), anchor: 'start', subtitleFontSize: s(1), subtitleColor: '#555', subtitleFontWeight: 'normal' },
    // labels that would still touch (a panel drawn smaller than its ticks were chosen for) are hidden, every other one
    axis: {
      labelFontSize: s(1),
      titleFontSize: s(12 / 11),
      gridColor: '#ededed',
      gridWidth: 0.8,
      domainColor: '#888',
      tickColor: '#888',
      labelOverlap: 'parity',
      labelSeparation: 3,
    },
    legend: { labelFontSize: s(1), titleFontSize: s(12 / 11), labelOverlap: 'parity' },
    header: { labelFontSize: s(12 / 11), titleFontSize: s(12 / 11) },
  };
}

/** A spec with the shared look under its own config. */
function withConfig(spec: TopLevelSpec, o: RenderOptions): TopLevelSpec {
  const own = (spec.config ?? {}) as Record<string, unknown>;
  const base = config(o.fontSize) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(own))
    merged[k] = typeof v === 'object' && v !== null && typeof base[k] === 'object' ? { ...(base[k] as object), ...v } : v;
  return { ...spec, config: merged };
}

/** The Vega spec of a Vega-Lite spec, with the shared look: what a browser with vega alone draws (`lnsweep serve`). */
export function compileVega(spec: TopLevelSpec, o: RenderOptions = {}): vega.Spec {
  // vega-lite warns on stderr about harmless merges (e.g. "Conflicting legend property"); only errors matter here.
  return vl.compile(withConfig(spec, o), { logger: vega.logger(vega.Error) }).spec;
}

/** A headless vega View of a vega-lite spec, run; the caller finalizes it. */
async function viewOf(spec: TopLevelSpec, o: RenderOptions): Promise<vega.View> {
  useFontMetrics();
  const view = new vega.View(vega.parse(compileVega(spec, o)), { renderer: 'none', logLevel: vega.Error });
  await view.runAsync();
  return view;
}

export async function renderSvg(spec: TopLevelSpec, o: RenderOptions = {}): Promise<string> {
  const view = await viewOf(spec, o);
  try {
    return crispCells(addTitles(await view.toSVG()));
  } finally {
    view.finalize();
  }
}

/**
 * Only the legends of `spec`, cropped to them: the spec is rendered with no data (every scale that has a legend
 * must have an explicit domain), and the SVG's viewBox is set to the legends' bounds. Null when it has none.
 */
export async function renderLegendSvg(spec: TopLevelSpec, o: RenderOptions = {}): Promise<string | null> {
  const view = await viewOf(spec, o);
  try {
    const box = legendBounds(view);
    if (!box) return null;
    const pad = view.padding() as { left: number; top: number };
    const svg = await view.toSVG();
    const size = /^<svg[^>]*? width="([\d.]+)" height="([\d.]+)"/.exec(svg);
    if (!size) return null;
    // legends stand right of the (empty) plot: keep everything from their top-left corner on
    const [x, y] = [Math.max(0, box.x1 + pad.left - 2), Math.max(0, box.y1 + pad.top - 2)];
    const [w, h] = [Math.ceil(Number(size[1]) - x), Math.ceil(Number(size[2]) - y)];
    return svg.replace(
      /^<svg([^>]*?) width="[^"]*" height="[^"]*" viewBox="[^"]*"/,
      `<svg$1 width="${w}" height="${h}" viewBox="${x} ${y} ${w} ${h}"`,
    );
  } finally {
    view.finalize();
  }
}

interface SceneItem {
  x?: number;
  y?: number;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
  mark?: { role?: string };
  items?: { role?: string; items?: SceneItem[] }[];
}

/** The union of the legend groups' bounds, in the view's coordinates (inside its padding). */
function legendBounds(view: vega.View): { x1: number; y1: number; x2: number; y2: number } | null {
  let box: { x1: number; y1: number; x2: number; y2: number } | null = null;
  const visit = (item: SceneItem, ox: number, oy: number) => {
    for (const mark of item.items ?? []) {
      for (const child of mark.items ?? []) {
        if (mark.role === 'legend' && child.bounds) {
          const b = child.bounds;
          const next = { x1: ox + b.x1, y1: oy + b.y1, x2: ox + b.x2, y2: oy + b.y2 };
          box = box
            ? { x1: Math.min(box.x1, next.x1), y1: Math.min(box.y1, next.y1), x2: Math.max(box.x2, next.x2), y2: Math.max(box.y2, next.y2) }
            : next;
        } else visit(child, ox + (child.x ?? 0), oy + (child.y ?? 0));
      }
    }
  };
  // the scenegraph's root is a mark (the frame) whose items are the top-level groups
  const root = (view.scenegraph() as unknown as { root: { items: SceneItem[] } }).root;
  for (const group of root.items) visit(group, group.x ?? 0, group.y ?? 0);
  return box;
}

/**
 * Cells of a heatmap meet edge to edge; anti-aliasing draws each shared edge half-covered twice, a faint light seam
 * that turns into moiré where refined cells are a few pixels wide. crispEdges snaps them to whole pixels instead.
 */
function crispCells(svg: string): string {
  return svg.replace(/<g class="mark-rect role-mark([^"]*)"/g, '<g shape-rendering="crispEdges" class="mark-rect role-mark$1"');
}

/** `<path aria-label="…" role="graphics-symbol" …/>` → the same element with a `<title>…</title>` child. */
function addTitles(svg: string): string {
  return svg.replace(
    /<(path|rect|circle|text|line)(\s[^>]*?aria-label="([^"]*)"[^>]*?role="graphics-symbol"[^>]*?)\/>/g,
    (_all, tag: string, attrs: string, label: string) => `<${tag}${attrs}><title>${label}</title></${tag}>`,
  );
}

/** Numbers for labels and tooltips: 4 significant digits, exponent form outside [1e-3, 1e5). */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(4)));
  return v.toExponential(2).replace('e+', 'e');
}

/** Text for HTML: the five characters that could end an element or attribute, escaped. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
