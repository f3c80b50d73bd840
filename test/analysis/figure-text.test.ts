/**
 * The text of a refined sweep's figures, read back from the SVGs the report and `lnsweep figure` write: every tick and
 * colour-bar label has at most 4 significant digits, and no two labels overlap (their boxes, from each <text>'s
 * position, anchor, size and its width in the font the SVG names, compared within each group of marks). The sweep is
 * refine-lazy in miniature: α on a log grid whose values are not round (0.5 … 4), two widths, refined three rounds
 * along a level of a marker column, so small cells hold "not reached" cells whose glyphs once piled up (">T>T>T").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { refine, runInto } from '../refine/helpers.js';

const MINI_LAZY = `
name: mini-lazy
seed: 22
base: { n: 30, d: 8, steps: 2000, log_every: 100, optimizer: sgd, noise: rademacher }
grid:
  sigma: { linspace: [0, 4, 5] }
  alpha: { logspace: [0.5, 4, 5] }
  width: [16, 32]
lr_rule: { eta_alpha2_width: 0.5 }
`;
const dir = runInto(MINI_LAZY);
const refined = refine(dir, '--metric', 'final_align_cos_mean', '--level', '0.5', '--rounds', '2', '--budget', '200', '--workers', '2');
const report = runCli(['report', dir]);
const html = report.code === 0 ? readFileSync(join(dir, 'report.html'), 'utf8') : '';

const font = fontkit.create(readFileSync(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'))) as fontkit.Font;
const bold = fontkit.create(readFileSync(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'))) as fontkit.Font;

/** Significant digits of a label: those of its mantissa (before ×10ⁿ, k, M), leading zeros not counted. */
function digits(label: string): number {
  const mantissa = label.split('×')[0].replace(/[kMG]$/, '');
  if (/^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/.test(mantissa)) return 1;
  return mantissa.replace(/[^0-9]/g, '').replace(/^0+/, '').length;
}

interface Label {
  text: string;
  group: string;
  box: [number, number, number, number];
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every <text> of the mark groups of `svg` (axis labels, legend labels, cell glyphs) with its box in its group. */
function labels(svg: string): Label[] {
  const out: Label[] = [];
  let n = 0;
  for (const g of svg.matchAll(/<g class="mark-text (role-[a-z-]+)[^"]*"[^>]*>(.*?)<\/g>/g)) {
    const group = `${g[1]}#${n++}`;
    for (const t of g[2].matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
      const attrs = t[1];
      const text = unescape(t[2]);
      const [x, y] = (/translate\(([-\d.e]+),([-\d.e]+)\)/.exec(attrs) ?? [0, '0', '0']).slice(1).map(Number);
      if (/rotate/.test(attrs) || /opacity="0"/.test(attrs)) continue; // axis titles; labels vega hid as overlapping
      const size = Number(/font-size="([\d.]+)px"/.exec(attrs)?.[1] ?? 11);
      const face = /font-weight="bold"/.test(attrs) ? bold : font;
      const w = (face.layout(text).advanceWidth / face.unitsPerEm) * size;
      const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? 'start';
      const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
      out.push({ text, group, box: [x0, x0 + w, y - 0.75 * size, y + 0.2 * size] });
    }
  }
  return out;
}

/** A number as a tick shows it: 0.5, −2, 12.5k, 5×10⁻⁴, 10⁻⁴ (run names in a legend are not). */
const NUMBER = /^([−-]?[\d.]+(×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?[kMG]?|10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/;

const overlaps = (a: Label, b: Label) =>
  Math.min(a.box[1], b.box[1]) - Math.max(a.box[0], b.box[0]) > 0.5 && Math.min(a.box[3], b.box[3]) - Math.max(a.box[2], b.box[2]) > 0.5;

const svgsOf = (page: string): string[] => [...page.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);

describe('the text of a refined sweep’s figures', () => {
  it('is refined and reported', () => {
    expect(refined.code, refined.stderr).toBe(0);
    expect(report.code, report.stderr).toBe(0);
    expect(html).toContain('not reached by step');
  });

  it('labels every tick and colour bar with at most 4 significant digits', () => {
    const ticks = svgsOf(html)
      .flatMap(labels)
      .filter((l) => /role-(axis|legend)-label/.test(l.group) && NUMBER.test(l.text));
    expect(ticks.length).toBeGreaterThan(200);
    const long = ticks.filter((l) => digits(l.text) > 4).map((l) => l.text);
    expect(long).toEqual([]);
    // the log axis of α shows round values, not its grid's 0.840896415254
    expect(ticks.map((l) => l.text)).toEqual(expect.arrayContaining(['0.5', '1', '2']));
  });

  it('draws no two labels over each other: cell glyphs, tick labels, legend labels', () => {
    const svgs = svgsOf(html);
    const glyphs = svgs.flatMap(labels).filter((l) => l.group.startsWith('role-mark'));
    expect(glyphs.some((g) => g.text === '>T')).toBe(true);
    const clashes: string[] = [];
    for (const svg of svgs) {
      const all = labels(svg);
      for (let i = 0; i < all.length; i++)
        for (let j = i + 1; j < all.length; j++)
          if (all[i].group === all[j].group && overlaps(all[i], all[j])) clashes.push(`${all[i].text} / ${all[j].text} in ${all[i].group}`);
    }
    expect(clashes).toEqual([]);
  });

  it('holds for the same diagram exported alone, small, by lnsweep figure', () => {
    const out = join(dir, 'small.svg');
    const r = runCli(['figure', dir, '--z', 'final_align_cos_mean', '--out', out, '--width', '520', '--height', '300', '--font-size', '9']);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    const all = labels(svg);
    expect(all.filter((l) => /role-(axis|legend)-label/.test(l.group) && NUMBER.test(l.text) && digits(l.text) > 4)).toEqual([]);
    const clashes = all.flatMap((a, i) =>
      all
        .slice(i + 1)
        .filter((b) => a.group === b.group && overlaps(a, b))
        .map((b) => `${a.text} / ${b.text}`),
    );
    expect(clashes).toEqual([]);
  });
});
