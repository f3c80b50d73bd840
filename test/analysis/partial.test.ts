/**
 * A partial folder reads as partial: `report` and `phase` say "partial: N of M runs", draw the cells still to come as
 * pending (not as "no value"), and keep the facets and titles the whole plan has, whichever runs happen to be done.
 * The folder: a 3 σ × 3 α × 2 widths grid, run whole, then every width-8 run and one width-4 cell removed and the
 * summary rebuilt (`merge`), as a sweep stopped after one width would leave it.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCells } from '../../src/analysis/base/cells.js';
import { readPlan } from '../../src/io/index.js';
import { runCli } from '../helpers.js';
import { row } from './fixtures.js';
import { runSweep } from './helpers.js';

const SWEEP = `
name: partial
seed: 3
base: { n: 20, d: 4, lr: 0.002, steps: 400, log_every: 100 }
grid:
  sigma: [0, 1, 2]
  alpha: [0.5, 1, 2]
  width: [4, 8]
`;

function partialFolder(): string {
  const out = runSweep('partial', SWEEP);
  const plan = readPlan(out);
  const gone = plan.runs.filter((r) => r.params.width === 8 || (r.params.sigma === 2 && r.params.alpha === 2));
  for (const r of gone) rmSync(join(out, 'runs', `${r.run_id}.arrow`));
  const merged = runCli(['merge', out]);
  expect(merged.code, merged.stderr).toBe(0);
  expect(readdirSync(join(out, 'runs')).filter((f) => /^[0-9a-f]{16}\.arrow$/.test(f))).toHaveLength(8);
  return out;
}

/** aria-labels of the cells in an SVG (vega writes each cell's description there) */
const cellLabels = (svg: string) => [...svg.matchAll(/aria-label="([^"]*σ = [^"]*)"/g)].map((m) => m[1]);

describe('a partial folder', () => {
  const out = partialFolder();

  it('report: a banner "partial: 8 of 18 runs", the width facet in every title, pending cells drawn as pending', () => {
    const r = runCli(['report', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('partial: 8 of 18 runs');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<p class="banner">partial: 8 of 18 runs');
    // only width 4 has data; the facet and "by width" still come from the plan
    expect(html).toContain('final test loss ½‖θ−θ*‖² over σ × α by width m (neurons)');
    expect(html).toContain('m = 8');
    const figure = html.slice(html.indexOf('id="phase-final_test_loss"'));
    const labels = cellLabels(figure.slice(0, figure.indexOf('</figure>')));
    // 9 cells of width 8 and the removed width-4 cell: pending, each its own legend entry; none is "no value"
    expect(labels.filter((l) => l.includes('pending (not run yet)'))).toHaveLength(10);
    expect(labels.filter((l) => l.includes('m = 8') && !l.includes('pending (not run yet)'))).toEqual([]);
    expect(labels.filter((l) => l.includes('no value'))).toEqual([]);
    expect(figure).toContain('pending (not run yet)');
  });

  it('phase: the banner in the subtitle, and --facet width accepted although one width has data', () => {
    const svgPath = join(out, 'pd.svg');
    const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'final_test_loss', '--facet', 'width', '--out', svgPath]);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg).toContain('partial: 8 of 18 runs');
    expect(cellLabels(svg).filter((l) => l.includes('pending (not run yet)')).length).toBeGreaterThanOrEqual(10);
  });

  it('reads as complete once every run is back', () => {
    const again = runCli(['run', join(out, '..', 'partial.yaml'), '--out', out, '--workers', '1', '--progress', 'none']);
    expect(again.code, again.stderr).toBe(0);
    const r = runCli(['report', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('class="banner"');
    expect(html).not.toContain('pending (not run yet)');
  });
});

describe('buildCells with pending runs', () => {
  it('makes a cell of runs with no outcome yet "pending", and counts pending runs beside finished ones', () => {
    const done = [row({ params: { sigma: 1, alpha: 1 }, extra: { norm_decay_rate: 0.5 } })];
    const pending = [{ params: { ...done[0].params, sigma: 2 } }, { params: done[0].params }];
    const cells = buildCells(done, { x: 'sigma', y: 'alpha', z: 'norm_decay_rate', facet: null, agg: 'median' }, pending);
    expect(cells.map((c) => [c.x, c.kind, c.runs, c.pending, c.value])).toEqual([
      [1, 'value', 1, 1, 0.5],
      [2, 'pending', 0, 1, null],
    ]);
  });

  it('a cell whose runs all failed is "failed" only when none is still pending', () => {
    const failed = row({ params: { sigma: 1 }, status: 'failed' });
    const q = { x: 'sigma', y: 'alpha', z: 'norm_decay_rate', facet: null, agg: 'median' } as const;
    expect(buildCells([failed], q)[0].kind).toBe('failed');
    expect(buildCells([failed], q, [{ params: failed.params }])[0].kind).toBe('pending');
  });
});
