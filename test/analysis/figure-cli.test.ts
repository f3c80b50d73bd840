/**
 * `lnsweep figure`: a phase diagram written alone as SVG, PNG and PDF, read back by what a reader uses — the SVG's own
 * size, pngjs for the PNG (its pixels, its pHYs resolution), poppler's pdfinfo, pdffonts and pdftoppm for the PDF —
 * at the asked size; the other kinds; and bad input refused in one line naming the flag (exit 2), nothing written.
 * The PDF goes through the CLI end to end; the other files are drawn in this process (writeFigure, what the command
 * calls once its arguments are checked), which loads vega and the font once rather than once per file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { writeFigure } from '../../src/analysis/export/figure.js';
import type { FigureKind } from '../../src/analysis/export/kinds.js';
import { runCli } from '../helpers.js';
import { requirePoppler, titled } from '../support/components.js';
import { runSweep } from './helpers.js';

const SWEEP = `
name: fig
seed: 5
base: { n: 20, d: 5, steps: 600, log_every: 50, width: 16, snapshot_steps: [0, 600] }
grid:
  sigma: [0, 1, 2]
  alpha: { logspace: [0.5, 2, 3] }
lr_rule: { eta_alpha2_width: 0.2 }
replicates: 2
`;
const out = runSweep('figure', SWEEP);
const figure = (...args: string[]) => runCli(['figure', out, ...args]);
const SIZE = { width: 720, height: 480, fontSize: 11, dpi: 96 };
const draw = (file: string, format: 'svg' | 'png' | 'pdf', size: Partial<typeof SIZE> = {}, kind: FigureKind = 'phase') =>
  writeFigure(out, { kind, x: 'sigma', y: 'alpha', z: 'final_w_norm2_mean', facet: null, agg: 'median' }, file, format, { ...SIZE, ...size });
const noPoppler = requirePoppler();

/** Pixels that are not white, as a share of the image: a blank render would be 0. */
function inked(png: PNG): number {
  let ink = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 240 || png.data[i + 1] < 240 || png.data[i + 2] < 240) ink++;
  return ink / (png.width * png.height);
}

describe('lnsweep figure', () => {
  it('writes an SVG of exactly W × H px, its text in DejaVu Sans embedded as a subset, and where it came from', async () => {
    const file = join(out, 'pd.svg');
    await draw(file, 'svg', { width: 640, height: 360 });
    const svg = readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<svg[^>]* width="640" height="360" viewBox="0 0 [\d.]+ [\d.]+"/);
    expect(svg).toMatch(/@font-face \{ font-family: 'DejaVu Sans'; font-weight: normal; src: url\(data:font\/ttf;base64,[A-Za-z0-9+/=]{1000,}\)/);
    expect(svg.length).toBeLessThan(400_000); // a subset, not the 750 kB face
    const meta = JSON.parse(/<metadata>([^<]*)<\/metadata>/.exec(svg)![1].replace(/&quot;/g, '"')) as Record<string, string>;
    expect(meta).toMatchObject({ sweep: 'fig', sweep_seed: '5', figure: 'fig: phase of final_w_norm2_mean over sigma × alpha' });
    expect(meta.git_commit).toMatch(/^([0-9a-f]{40})?$/);
    expect(svg).not.toContain('hover a cell'); // nothing to hover on paper
  });

  it('writes a PNG of W·dpi/96 × H·dpi/96 pixels that says its dpi, drawn (not blank)', async () => {
    const file = join(out, 'pd.png');
    await draw(file, 'png', { width: 600, height: 400, dpi: 192 });
    const bytes = readFileSync(file);
    const png = PNG.sync.read(bytes);
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(inked(png)).toBeGreaterThan(0.2);
    // pHYs: pixels per metre, unit 1 (metre): 192 dpi = 7559 px/m
    const at = bytes.indexOf('pHYs');
    expect(at).toBeGreaterThan(0);
    expect([bytes.readUInt32BE(at + 4), bytes.readUInt32BE(at + 8), bytes[at + 12]]).toEqual([7559, 7559, 1]);
    // the same figure at 96 dpi: the same drawing at half the pixels
    const small = join(out, 'pd96.png');
    await draw(small, 'png', { width: 600, height: 400 });
    const p96 = PNG.sync.read(readFileSync(small));
    expect([p96.width, p96.height]).toEqual([600, 400]);
    expect(Math.abs(inked(p96) - inked(png))).toBeLessThan(0.03);
  });

  it.skipIf(noPoppler !== null)(titled('writes a PDF page of W × H points with its fonts embedded, which pdftoppm renders', noPoppler), () => {
    const file = join(out, 'pd.pdf');
    const r = figure('--z', 'final_w_norm2_mean', '--out', file, '--width', '504', '--height', '288', '--font-size', '9');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(file);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+504 x 288 pts/);
    expect(info).toMatch(/Creator:\s+lnsweep/);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes yes/);
    const prefix = join(out, 'page');
    execFileSync('pdftoppm', ['-png', '-r', '72', file, prefix]);
    const page = PNG.sync.read(
      readFileSync(
        join(
          out,
          readdirSync(out).find((f) => f.startsWith('page') && f.endsWith('.png'))!,
        ),
      ),
    );
    expect([page.width, page.height]).toEqual([504, 288]); // 72 dpi: one pixel per point
    expect(inked(page)).toBeGreaterThan(0.2);
  });

  it('draws the other figures of the report: spread, run panels, neurons, theory', async () => {
    for (const kind of ['spread', 'fig2', 'neurons', 'theory'] as const) {
      const file = join(out, `${kind}.png`);
      await draw(file, 'png', { width: 800, height: 300 }, kind);
      const png = PNG.sync.read(readFileSync(file));
      expect([png.width, png.height], kind).toEqual([800, 300]);
      expect(inked(png), kind).toBeGreaterThan(0.02); // the neuron scatter is points on white
    }
  });

  it('refuses bad input in one line naming the flag, exit 2, writing nothing', () => {
    mkdirSync(join(out, 'a-folder.svg'));
    symlinkSync(join(out, 'elsewhere.svg'), join(out, 'link.svg'));
    const fifo = join(out, 'fifo.svg');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(out, 'keep.txt'), 'x');
    const cases: [string[], RegExp][] = [
      [['--z', 'final_w_norm2_mean', '--out', join(out, 'x.jpg')], /--out .*x\.jpg: the extension names the format: \.svg, \.png or \.pdf/],
      [['--out', join(out, 'x.svg')], /--z is required for --kind phase/],
      [['--z', 'nope', '--out', join(out, 'x.svg')], /--z nope: not a summary column of/],
      [['--z', 'final_w_norm2_mean', '--x', 'width', '--out', join(out, 'x.svg')], /--x width: not a numeric parameter that varies/],
      [['--kind', 'pie', '--out', join(out, 'x.svg')], /--kind pie: one of phase, spread, fig2, neurons, theory, boundary/],
      [['--kind', 'boundary', '--out', join(out, 'x.svg')], /no two-axis boundary with a curve/],
      [['--z', 'final_w_norm2_mean', '--width', '10', '--out', join(out, 'x.svg')], /--width 10: a number from 100 to 20000/],
      [['--z', 'final_w_norm2_mean', '--dpi', '0', '--out', join(out, 'x.png')], /--dpi 0: a number from 24 to 2400/],
      [['--z', 'final_w_norm2_mean', '--out', join(out, 'a-folder.svg')], /a-folder\.svg: a folder, not a file/],
      [['--z', 'final_w_norm2_mean', '--out', join(out, 'link.svg')], /link\.svg: a symbolic link/],
      [['--z', 'final_w_norm2_mean', '--out', fifo], /fifo\.svg: a FIFO/],
      [['--z', 'final_w_norm2_mean', '--out', join(out, 'no', 'such', 'x.svg')], /x\.svg: its folder .* does not exist/],
    ];
    const before = readdirSync(out).sort();
    for (const [args, message] of cases) {
      const r = figure(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(readdirSync(out).sort()).toEqual(before);
    expect(existsSync(join(out, 'elsewhere.svg'))).toBe(false);
  });

  it('routes report --out and phase --out through the same check', () => {
    expect(runCli(['report', out, '--out', join(out, 'a-folder.svg')]).stderr).toMatch(/a-folder\.svg: a folder, not a file/);
    const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'final_test_loss', '--out', join(out, 'link.svg')]);
    expect([r.code, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(r.stderr).toMatch(/link\.svg: a symbolic link/);
  });
});
