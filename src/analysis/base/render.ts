/**
 * Vega-Lite specs to SVG strings, in Node with no browser and no canvas: vega-lite compiles the spec, vega parses it
 * into a headless View (`renderer: 'none'`) and its SVG string renderer draws it. Fonts are not measured (no canvas
 * here), so vega estimates text widths; labels are kept short accordingly.
 *
 * Tooltips: vega writes each mark's `description` channel as an `aria-label`; a self-contained file has no vega
 * runtime to show tooltips, so each labelled mark also gets an SVG <title> child, which every browser shows on hover.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** Shared look: readable fonts, no chart border, titles left-aligned. */
const BASE_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  title: { fontSize: 14, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
} as const;

/** The Vega spec of a Vega-Lite spec, with the shared look: what a browser with vega alone draws (`lnsweep serve`). */
export function compileVega(spec: TopLevelSpec): vega.Spec {
  const withConfig = { ...spec, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  // vega-lite warns on stderr about harmless merges (e.g. "Conflicting legend property"); only errors matter here.
  return vl.compile(withConfig, { logger: vega.logger(vega.Error) }).spec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileVega(spec)), { renderer: 'none', logLevel: vega.Error });
  try {
    return addTitles(await view.toSVG());
  } finally {
    view.finalize();
  }
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
