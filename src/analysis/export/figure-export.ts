/**
 * `lnsweep figure`: one of the report's figures alone, as SVG, PNG or PDF, at a given size and font size.
 *
 * Size: W × H is the whole figure, in px for SVG and PNG (at 96 dpi; a PNG at D dpi is W·D/96 px wide and says D dpi
 * in its pHYs chunk) and in pt for PDF. vega sizes a chart by its panels, not its outside, so the panels are sized in
 * two passes: draw at a trial size, measure what the axes, titles and legends take, and give the panels the rest
 * (for each column count that the panel count allows, keeping the one with the largest panels). What is left of a
 * pixel or two is absorbed by the SVG's viewBox, so the file is exactly W × H.
 *
 * Formats: the SVG is vega's own (fonts.ts measured its text), with DejaVu Sans embedded as a subset of the glyphs it
 * uses; the PNG is that SVG rasterised by resvg with the same font files (no system fonts, so the same bytes on every
 * machine); the PDF is drawn by pdfkit through svg-to-pdfkit, with DejaVu Sans embedded as a subset.
 */
import { crc32 } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { TopLevelSpec } from 'vega-lite';
import { FONT_FILES } from '../base/fonts.js';
import { esc, renderSvg } from '../base/render.js';
import type { Drawing } from './figure-kinds.js';

export type FigureFormat = 'svg' | 'png' | 'pdf';

export interface FigureSize {
  /** px (SVG, PNG at 96 dpi) or pt (PDF) */
  width: number;
  height: number;
  /** the labels' font size, px or pt */
  fontSize: number;
  /** PNG only */
  dpi: number;
}

/** Panels never get smaller than this, whatever the size asked (the whole is then scaled down to fit). */
const MIN_PANEL = { width: 60, height: 50 };
const TRIAL = { width: 200, height: 150 };

const svgSize = (svg: string): { width: number; height: number } => {
  const m = /^<svg[^>]*? width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('bug: vega wrote an SVG without a width and height');
  return { width: Number(m[1]), height: Number(m[2]) };
};

/** The figure's SVG with its panels sized so the whole comes to `size` (before the final viewBox fit). */
async function sizedSvg(drawing: Drawing, size: FigureSize): Promise<string> {
  const render = (spec: TopLevelSpec) => renderSvg(spec, { fontSize: size.fontSize });
  let best: { columns: number; panel: { width: number; height: number }; score: number } | null = null;
  for (let columns = 1; columns <= Math.min(drawing.panels, 4); columns++) {
    const rows = Math.ceil(drawing.panels / columns);
    const trial = svgSize(await render(drawing.build(TRIAL, columns)));
    const panel = {
      width: Math.max(MIN_PANEL.width, (size.width - (trial.width - columns * TRIAL.width)) / columns),
      height: Math.max(MIN_PANEL.height, (size.height - (trial.height - rows * TRIAL.height)) / rows),
    };
    // the largest panels win, and among equals the ones closest to 4:3
    const score = Math.min(panel.width, panel.height * 1.33);
    if (!best || score > best.score) best = { columns, panel, score };
  }
  let { panel } = best!;
  let svg = await render(drawing.build(panel, best!.columns));
  // a second pass takes up what the panels' own axis labels changed
  const got = svgSize(svg);
  if (Math.abs(got.width - size.width) > 1 || Math.abs(got.height - size.height) > 1) {
    const rows = Math.ceil(drawing.panels / best!.columns);
    panel = {
      width: Math.max(MIN_PANEL.width, panel.width + (size.width - got.width) / best!.columns),
      height: Math.max(MIN_PANEL.height, panel.height + (size.height - got.height) / rows),
    };
    svg = await render(drawing.build(panel, best!.columns));
  }
  return svg;
}

/** The SVG at exactly width × height: its drawing scaled uniformly into that box (centred), with metadata. */
function fitSvg(svg: string, size: FigureSize, provenance: Record<string, string>): string {
  const natural = svgSize(svg);
  const fitted = svg.replace(
    /^<svg([^>]*?) width="[^"]*" height="[^"]*" viewBox="[^"]*"/,
    `<svg$1 width="${size.width}" height="${size.height}" viewBox="0 0 ${natural.width} ${natural.height}" preserveAspectRatio="xMidYMid meet"`,
  );
  const meta = `<metadata>${esc(JSON.stringify(provenance))}</metadata>`;
  return fitted.replace(/^(<svg[^>]*>)/, `$1${meta}`);
}

/** The text an SVG draws (its <text> contents), to subset the font by. */
const textsOf = (svg: string): string => [...svg.matchAll(/<text[^>]*>([^<]*)</g)].map((m) => unescapeXml(m[1])).join('');
const unescapeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** `@font-face` rules embedding the subsets of DejaVu Sans (regular and bold) that `text` needs. */
function embeddedFonts(text: string): string {
  const rule = (file: string, weight: string) => {
    const font = fontkit.create(readFileSync(file)) as fontkit.Font;
    const subset = font.createSubset();
    for (const glyph of font.layout(text).glyphs) subset.includeGlyph(glyph);
    const data = Buffer.from(subset.encode()).toString('base64');
    return `@font-face { font-family: 'DejaVu Sans'; font-weight: ${weight}; src: url(data:font/ttf;base64,${data}) format('truetype'); }`;
  };
  return `<defs><style>${rule(FONT_FILES.regular, 'normal')} ${rule(FONT_FILES.bold, 'bold')}</style></defs>`;
}

/** The figure file's bytes in `format`. */
export async function figureBytes(drawing: Drawing, format: FigureFormat, size: FigureSize, provenance: Record<string, string>): Promise<Buffer> {
  const svg = fitSvg(await sizedSvg(drawing, size), size, provenance);
  if (format === 'svg') return Buffer.from(svg.replace(/^(<svg[^>]*>)/, `$1${embeddedFonts(textsOf(svg))}`), 'utf8');
  if (format === 'png') return pngOf(svg, size, provenance);
  return pdfOf(svg, size, provenance);
}

function pngOf(svg: string, size: FigureSize, provenance: Record<string, string>): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'width', value: Math.round((size.width * size.dpi) / 96) },
    font: {
      loadSystemFonts: false,
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  const png = Buffer.from(resvg.render().asPng());
  return withPngChunks(png, size.dpi, { Software: `lnsweep ${provenance.tool_version ?? ''}`.trim(), Comment: JSON.stringify(provenance) });
}

/** A PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([head, body, crc]);
}

/** The PNG with its resolution (pHYs, pixels per metre) and text chunks inserted after IHDR. */
function withPngChunks(png: Buffer, dpi: number, text: Record<string, string>): Buffer {
  const ihdrEnd = 8 + 4 + 4 + 13 + 4;
  const ppm = Math.round(dpi / 0.0254);
  const phys = Buffer.alloc(9);
  phys.writeUInt32BE(ppm, 0);
  phys.writeUInt32BE(ppm, 4);
  phys.writeUInt8(1, 8);
  // tEXt is Latin-1: anything else in the provenance is escaped as JSON's \u sequences
  const latin1 = (s: string) => s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const texts = Object.entries(text).map(([k, v]) => chunk('tEXt', Buffer.from(`${k}\0${latin1(v)}`, 'latin1')));
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk('pHYs', phys), ...texts, png.subarray(ihdrEnd)]);
}

function pdfOf(svg: string, size: FigureSize, provenance: Record<string, string>): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [size.width, size.height],
    margin: 0,
    autoFirstPage: true,
    info: {
      Title: provenance.figure ?? 'lnsweep figure',
      Creator: `lnsweep ${provenance.tool_version ?? ''}`.trim(),
      Subject: JSON.stringify(provenance),
    },
  });
  doc.registerFont('DejaVuSans', FONT_FILES.regular);
  doc.registerFont('DejaVuSans-Bold', FONT_FILES.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  SVGtoPDF(doc, svg, 0, 0, {
    width: size.width,
    height: size.height,
    assumePt: true,
    preserveAspectRatio: 'xMidYMid meet',
    fontCallback: (_family: string, bold: boolean) => (bold ? 'DejaVuSans-Bold' : 'DejaVuSans'),
  });
  doc.end();
  return done;
}
