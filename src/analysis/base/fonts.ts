/**
 * The one typeface of every figure: DejaVu Sans, read from the `dejavu-fonts-ttf` package (never downloaded). It
 * covers every character the figures use (σ, ‖wᵢ‖², ⟨wᵢ, θ*⟩, ✕, ×10⁻⁴), and the same file measures text for the
 * layout (textWidth), rasterises PNGs and is embedded in PDFs, so what vega lays out is what gets drawn.
 *
 * vega measures text with a canvas, and there is none in Node: by default it guesses 0.8 em per character, which
 * leaves long titles too much room and short labels too little. useFontMetrics() hands vega the font's real advance
 * widths instead (vega-scenegraph's documented hook: a user-defined `textMetrics.width`).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import * as vega from 'vega';

/** What the SVGs name: DejaVu Sans where it is installed (and in PNG and PDF), else the usual sans-serif faces. */
export const FONT_FAMILY = "'DejaVu Sans', Helvetica, Arial, sans-serif";

const require = createRequire(import.meta.url);

/** Paths of the regular and bold faces. */
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

type Face = keyof typeof FONT_FILES;
const faces = new Map<Face, fontkit.Font>();

function face(which: Face): fontkit.Font {
  let f = faces.get(which);
  if (!f) {
    f = fontkit.create(readFileSync(FONT_FILES[which])) as fontkit.Font;
    faces.set(which, f);
  }
  return f;
}

const widths = new Map<string, number>();

/** The advance width in pixels of `text` set in DejaVu Sans at `fontSize` px. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const key = `${bold ? 'b' : 'r'}|${text}`;
  let em = widths.get(key);
  if (em === undefined) {
    const f = face(bold ? 'bold' : 'regular');
    em = f.layout(text).advanceWidth / f.unitsPerEm;
    widths.set(key, em);
  }
  return em * fontSize;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

let installed = false;

/** Makes vega lay text out with DejaVu Sans's widths (once per process). */
export function useFontMetrics(): void {
  if (installed) return;
  installed = true;
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: string | number | null | undefined) => number } }).textMetrics;
  metrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const s = text == null ? '' : String(text).trim();
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    const w = textWidth(s, size, bold);
    // vega truncates a text with a limit to fit it (with an ellipsis), so it is never wider than the limit
    return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
  };
}
