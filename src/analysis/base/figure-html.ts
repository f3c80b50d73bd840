/**
 * A figure on the report's page: its title as HTML text (it wraps, so it is never cut), each panel (facet or
 * concatenated view) as its own SVG, and its legends once, as one more SVG. The page lays them out with CSS flex-wrap:
 * at 1400 px the panels stand side by side with the legend beside them; at 390 px they stack, the legend first, so
 * nothing hides behind a sideways scroll. The same spec, drawn whole, is what `lnsweep figure` exports.
 *
 * Panels are drawn apart, so every scale that two panels share must have an explicit domain (the builders give one).
 */
import type { TopLevelSpec } from 'vega-lite';
import { esc, renderLegendSvg, renderSvg } from './render.js';

export interface FigureOptions {
  /** the anchor; the report's table of contents links to it */
  id: string;
  /** HTML under the figure (escaped by the caller) */
  caption?: string;
  /** a facet's panel title, from its value (default `String`) */
  facetTitle?: (value: unknown) => string;
  /** HTML after the caption, e.g. a folded <details> */
  after?: string;
  /** false: no entry in the table of contents (a figure folded under another) */
  toc?: boolean;
}

type Spec = Record<string, unknown>;

interface Split {
  title: string;
  subtitle: string;
  panels: Spec[];
}

/** The figure's HTML, with its title in `data-title` for the table of contents. */
export async function figureHtml(spec: TopLevelSpec, o: FigureOptions): Promise<string> {
  const split = splitSpec(spec as unknown as Spec, o.facetTitle ?? String);
  const panels: string[] = [];
  for (const p of split.panels) panels.push(`<div class="panel">${await renderSvg(withoutLegends(p) as unknown as TopLevelSpec)}</div>`);
  const legend = split.panels.length > 0 ? await renderLegendSvg(legendOnly(split.panels[0]) as unknown as TopLevelSpec) : null;
  const head = split.title
    ? `<div class="fig-title"><b>${esc(split.title)}</b>${split.subtitle ? ` <span class="fig-sub">${esc(split.subtitle)}</span>` : ''}</div>`
    : '';
  const entry = o.toc === false ? '' : ` data-title="${esc(split.title || o.id)}"`;
  return `<figure id="${esc(o.id)}"${entry}>${head}<div class="fig-body">${panels.join('')}${
    legend ? `<div class="legend">${legend}</div>` : ''
  }</div>${o.caption ? `<figcaption>${o.caption}</figcaption>` : ''}${o.after ?? ''}</figure>`;
}

const textOf = (t: unknown): string => (Array.isArray(t) ? t.join(' ') : typeof t === 'string' ? t : '');

/** A spec's title and subtitle, and its panels: one per facet value, per concatenated view, or itself. */
function splitSpec(spec: Spec, facetTitle: (value: unknown) => string): Split {
  const { title, $schema, config, data, transform, ...rest } = spec;
  const t = typeof title === 'object' && title !== null && !Array.isArray(title) ? (title as Spec) : { text: title };
  const shared = { $schema, ...(config ? { config } : {}) };
  const out: Split = { title: textOf(t.text), subtitle: textOf(t.subtitle), panels: [] };
  const rows = (data as { values?: Spec[] } | undefined)?.values ?? [];
  const pre = (transform as unknown[] | undefined)?.length ? { transform } : {};
  if (rest.facet && rest.spec) {
    const field = (rest.facet as { field: string }).field;
    const values = [...new Set(rows.map((r) => r[field]).filter((v) => v !== null && v !== undefined))].sort(ascending);
    for (const v of values) {
      out.panels.push({ ...shared, ...pre, data: { values: rows.filter((r) => r[field] === v) }, title: facetTitle(v), ...(rest.spec as Spec) });
    }
  } else if (Array.isArray(rest.hconcat) || Array.isArray(rest.vconcat)) {
    for (const view of (rest.hconcat ?? rest.vconcat) as Spec[]) out.panels.push({ ...shared, ...pre, ...(data ? { data } : {}), ...view });
  } else out.panels.push({ ...shared, ...pre, ...(data ? { data } : {}), ...rest });
  return out;
}

function ascending(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

const mergeConfig = (p: Spec, extra: Spec): Spec => {
  const config = { ...((p.config as Spec | undefined) ?? {}) };
  for (const [k, v] of Object.entries(extra)) config[k] = { ...(config[k] ?? {}), ...(v as Spec) };
  return { ...p, config };
};

const LEGEND_CHANNELS = ['color', 'fill', 'stroke', 'strokeDash', 'shape', 'size', 'opacity'];

/** The panel with `legend: null` on every channel that could draw one (an explicit legend outranks the config's). */
function withoutLegends(p: Spec): Spec {
  const strip = (s: Spec): Spec => {
    const copy: Spec = { ...s };
    if (copy.encoding) {
      const enc: Spec = { ...(copy.encoding as Spec) };
      for (const ch of LEGEND_CHANNELS) if (enc[ch] && typeof enc[ch] === 'object') enc[ch] = { ...(enc[ch] as Spec), legend: null };
      copy.encoding = enc;
    }
    if (Array.isArray(copy.layer)) copy.layer = (copy.layer as Spec[]).map(strip);
    return copy;
  };
  return strip(p);
}

/** The panel with no data, no axes and no title: what is left to draw is its legends. */
function legendOnly(p: Spec): Spec {
  const empty = (s: Spec): Spec => {
    const copy: Spec = { ...s };
    if (copy.data) copy.data = { values: [] };
    if (copy.encoding) {
      const enc: Spec = { ...(copy.encoding as Spec) };
      for (const ch of ['x', 'y']) if (enc[ch] && typeof enc[ch] === 'object') enc[ch] = { ...(enc[ch] as Spec), axis: null };
      copy.encoding = enc;
    }
    if (Array.isArray(copy.layer)) copy.layer = (copy.layer as Spec[]).map(empty);
    return copy;
  };
  const { title: _t, ...rest } = empty(p);
  return mergeConfig({ ...rest, data: { values: [] } }, { axis: { disable: true } });
}
