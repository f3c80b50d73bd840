/**
 * Diagrams of a refined sweep: cells of their true sizes that tile the plane, the boundary drawn over them, a
 * "Boundaries" section in the report, and the report in headless Chromium with no console error.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refinedLayout } from '../../src/analysis/boundary/boundary-cells.js';
import { buildCells } from '../../src/analysis/base/cells.js';
import { runCli } from '../helpers.js';
import { chromium, consoleErrors, SKIP } from '../analysis/chromium.js';
import { decodePng, distinctColours } from '../analysis/helpers.js';
import { titled } from '../support/components.js';
import { refine, runInto, SMOOTH_5X5, summaryOf } from './helpers.js';

const dir = runInto(SMOOTH_5X5);
const refined = refine(
  dir,
  '--metric',
  'final_w_norm2_mean',
  '--level',
  '0.6',
  '--rounds',
  '2',
  '--budget',
  '200',
  '--workers',
  '2',
  '--replicates',
  '1',
);

describe("a refined sweep's cells", () => {
  it('tile the plane: no gap, no overlap, small cells where points were added', () => {
    expect(refined.code, refined.stderr).toBe(0);
    const rows = summaryOf(dir);
    const cells = buildCells(rows, { x: 'sigma', y: 'alpha', z: 'final_w_norm2_mean', facet: null, agg: 'median' });
    expect(cells.length).toBeGreaterThan(25);
    const layout = refinedLayout(
      cells,
      rows.filter((r) => r.extra?.refine_round === 0),
      'sigma',
      'alpha',
    );
    expect(layout.xKind).toBe('linear');
    expect(layout.yKind).toBe('log');
    expect(layout.xTicks).toEqual([0, 1, 2, 3, 4]);
    // areas in drawing space (log α): the rectangles add up to the whole domain, and no two overlap
    const rects = cells.flatMap((c) => layout.rects(c)).map(([x0, x1, y0, y1]) => [x0, x1, Math.log(y0), Math.log(y1)]);
    const area = rects.reduce((s, [x0, x1, y0, y1]) => s + (x1 - x0) * (y1 - y0), 0);
    const [dx0, dx1] = layout.xDomain;
    const [dy0, dy1] = layout.yDomain.map(Math.log);
    expect(area).toBeCloseTo((dx1 - dx0) * (dy1 - dy0), 9);
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const [a, b] = [rects[i], rects[j]];
        const overlap = Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[2], b[2]));
        expect(overlap).toBeLessThan(1e-12);
      }
    }
    // a round-2 point inside the grid covers at most a quarter of a grid cell's width (1/8 on each side, 1/8 alone on the edge of a
    // coarser cell); the grid's corner (0, 0.5), far from the level, half a grid step inside and half a step outside
    const width = (c: (typeof cells)[number]) => Math.max(...layout.rects(c).map((r) => r[1])) - Math.min(...layout.rects(c).map((r) => r[0]));
    const round2 = rows.filter((r) => r.extra?.refine_round === 2 && r.params.sigma > 0 && r.params.sigma < 4);
    expect(round2.length).toBeGreaterThan(0);
    const widths = round2.map((r) => width(cells.find((c) => c.x === r.params.sigma && c.y === r.params.alpha)!));
    expect(Math.max(...widths)).toBeCloseTo(0.25, 9);
    expect(Math.min(...widths)).toBeCloseTo(0.125, 9);
    const corner = cells.find((c) => c.x === 0 && c.y === 0.5)!;
    expect(width(corner)).toBeCloseTo(1, 9);
  });

  it('phase draws the boundary curve over them', () => {
    const r = runCli(['phase', dir, '--x', 'sigma', '--y', 'alpha', '--z', 'final_w_norm2_mean']);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(r.stdout.trim(), 'utf8');
    expect(svg).toContain('boundary: final_w_norm2_mean = 0.6');
    expect(svg).toMatch(/class="mark-line role-mark/);
  });
});

describe.skipIf(SKIP !== null)(titled('a refined report in headless Chromium', SKIP), () => {
  it('has a Boundaries section with runs per round, renders with no console error and is not blank', () => {
    const made = runCli(['report', dir]);
    expect(made.code, made.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<section id="boundaries"><h2>Boundaries<');
    // round, runs added, runs in all: one cell each (the table once ran "0 (the sweep's grid)" into "25")
    expect(html).toMatch(/<td>0: the sweep's grid<\/td><td class="num">25<\/td><td class="num">25<\/td>/);
    expect(html).toMatch(/<td>1: refinement<\/td><td class="num">\d+<\/td><td class="num">\d+<\/td>/);
    const dom = chromium(['--dump-dom', `file://${dir}/report.html`]);
    expect(dom.code, dom.stderr).toBe(0);
    expect(dom.stdout).toContain('<section id="boundaries"><h2>Boundaries<');
    expect(consoleErrors(dom.stderr)).toEqual([]);
    const shots = mkdtempSync(join(tmpdir(), 'lnsweep-shot-'));
    try {
      const png = join(shots, 'report.png');
      chromium([`--screenshot=${png}`, '--window-size=1200,2000', `file://${dir}/report.html`]);
      expect(existsSync(png)).toBe(true);
      expect(distinctColours(decodePng(readFileSync(png)))).toBeGreaterThan(200);
    } finally {
      rmSync(shots, { recursive: true, force: true });
    }
  });
});
