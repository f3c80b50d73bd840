/**
 * `lnsweep compare A B --z M`: B − A per cell (or B / A for a log quantity), the phase diagram's own spec with both
 * folders' boundaries over it, and a refusal naming the axes when the sweeps do not share them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweepData } from '../../src/analysis/base/sweep-data.js';
import { comparison, compareAxes } from '../../src/analysis/compare/compare.js';
import { readSummary } from '../../src/io/index.js';
import { runCli } from '../helpers.js';
import { expectRefusal, runCliFor } from '../cli/helpers.js';
import { row, type RowSpec } from './fixtures.js';
import { runSweep } from './helpers.js';

/** A folder held in memory: these rows, each run planned; `pending` more planned without a row. */
function folder(dir: string, specs: RowSpec[], pending: RowSpec[] = []): SweepData {
  const rows = specs.map(row);
  const planned = [...rows, ...pending.map(row)].map((r) => ({ run_id: r.run_id, replicate: r.replicate, params: r.params, cost: 1 }));
  return { dir, plan: { format: 1, results_version: 2, name: dir, seed: 1, source: '', runs: planned }, rows, provenance: {}, rebuilt: false };
}
const at = (sigma: number, alpha: number, z: number, replicate = 0): RowSpec => ({
  params: { sigma, alpha },
  replicate,
  extra: { norm_decay_rate: z },
});
const q = { x: 'sigma', y: 'alpha', facet: null, z: 'norm_decay_rate', agg: 'median' } as const;
const none = { a: [], b: [] };

describe('comparison', () => {
  it('B − A of the medians, cell by cell, for a quantity within two decades', () => {
    const a = folder('A', [at(1, 1, 0.2), at(1, 1, 0.4, 1), at(2, 1, 0.5), at(1, 2, 0.3), at(2, 2, 0.3)]);
    const b = folder('B', [at(1, 1, 0.5), at(2, 1, 0.25), at(1, 2, 0.3), at(2, 2, 0.6)]);
    const c = comparison(a, b, q, none);
    expect(c.mode).toBe('difference');
    // A's (1, 1) is the median of 0.2 and 0.4
    expect(c.input.cells.map((x) => [x.x, x.y, x.kind, x.value])).toEqual([
      [1, 1, 'value', expect.closeTo(0.5 - 0.3, 12)],
      [1, 2, 'value', 0],
      [2, 1, 'value', -0.25],
      [2, 2, 'value', expect.closeTo(0.3, 12)],
    ]);
    expect(c.input.z).toBe('norm_decay_rate_diff');
    expect(c.input.zLabel).toBe('Phase I norm decay rate (1/step), B − A');
    expect(c.compared).toBe(4);
  });

  it('B / A for a log quantity (all positive, spanning ≥ 2 decades)', () => {
    const a = folder('A', [at(1, 1, 1e-5), at(2, 1, 1e-3)]);
    const b = folder('B', [at(1, 1, 4e-5), at(2, 1, 5e-4)]);
    const c = comparison(a, b, q, none);
    expect(c.mode).toBe('ratio');
    expect(c.input.cells.map((x) => x.value)).toEqual([expect.closeTo(4, 9), expect.closeTo(0.5, 9)]);
    expect(c.input.z).toBe('norm_decay_rate_ratio');
  });

  it('a cell not a value in both keeps its kind (pending first), and counts both folders runs', () => {
    const a = folder('A', [at(1, 1, 0.2), at(2, 1, 0.3)], [at(2, 1, 0, 1)]);
    const b = folder('B', [at(1, 1, 0.1), { params: { sigma: 2, alpha: 1 }, status: 'diverged' }]);
    const c = comparison(a, b, q, none);
    const [one, two] = c.input.cells;
    expect([one.kind, two.kind]).toEqual(['value', 'diverged']);
    expect([two.runs, two.pending, two.diverged]).toEqual([2, 1, 1]);
    // A: 2 of its 3 runs; B: both of its 2
    expect(c.input.partial).toEqual({ finished: 4, total: 5 });
  });

  it("draws both folders' boundaries: A solid, B dashed, B's band shaded in B's colour and A without one drawing none", () => {
    const line = (kind: string, y: number) => ({
      kind,
      facetValues: [],
      points: [
        { x: 1, y },
        { x: 2, y },
      ],
    });
    const file = (curves: object[]) => ({ metric: 'collapsed', level: 0.5, axes: ['sigma', 'alpha'], facets: [], curves });
    const a = folder('A', [at(1, 1, 0.2), at(2, 2, 0.3)]);
    const b = folder('B', [at(1, 1, 0.1), at(2, 2, 0.3)]);
    const files = (curves: object[]) => [{ name: 'boundary-collapsed.arrow', file: file(curves) as never }];
    const bandB = { kind: 'band', facetValues: [], points: [1.6, 1.7, 2.0, 1.9].map((y, i) => ({ x: i < 2 ? 1 + i : 4 - i, y })) };
    const c = comparison(a, b, q, { a: files([line('median', 1.2)]), b: files([line('median', 1.8), bandB]) });
    expect(c.input.overlays!.map((o) => [o.label, o.colour, o.dash, o.shade !== undefined])).toEqual([
      ['A: boundary collapsed = 0.5', '#111111', [], false],
      ['B: boundary collapsed = 0.5 ± band, band', '#d95f02', [], true],
      ['B: boundary collapsed = 0.5 ± band', '#d95f02', [6, 3], false],
    ]);
    expect(c.input.overlays![2].points.map((p) => p.y)).toEqual([1.8, 1.8]);
    expect(c.input.overlays![1].points.map((p) => p.y)).toEqual([1.6, 1.7, 2.0, 1.9]);
  });

  it('refuses axes that do not match, naming them', () => {
    const a = folder('A', [at(1, 1, 0.2), at(2, 1, 0.3), at(1, 2, 0.3)]);
    const b = folder('B', [
      { params: { sigma: 1, width: 10 }, extra: {} },
      { params: { sigma: 2, width: 10 }, extra: {} },
      { params: { sigma: 1, width: 20 }, extra: {} },
    ]);
    expect(compareAxes(a, b, {})).toEqual({
      problem:
        "the sweeps' axes do not match: A (A) varies sigma × alpha, B (B) varies sigma × width; compare needs the same axes (--x, --y and --facet pick ones both vary)",
    });
    expect(compareAxes(a, b, { x: 'sigma', y: 'alpha' })).toEqual({ problem: 'alpha does not vary in B (B); both sweeps need it as an axis' });
  });
});

const GRID = (steps: number) => `
name: cmp${steps}
seed: 5
base: { n: 30, d: 5, width: 40, lr: 0.002, steps: ${steps}, log_every: 100 }
grid:
  sigma: [0.5, 1, 2]
  alpha: [0.5, 1, 2]
`;

describe('lnsweep compare', () => {
  const a = runSweep('cmpa', GRID(1000));
  const b = runSweep('cmpb', GRID(3000));

  it('writes the difference map into B and names it; each cell is B − A of the two summaries', () => {
    const r = runCli(['compare', a, b, '--z', 'final_align_cos_mean']);
    expect(r.code, r.stderr).toBe(0);
    const path = r.stdout.trim();
    expect(path).toBe(join(b, 'compare-final_align_cos_mean-sigma-alpha-vs-out.svg'));
    expect(r.stderr).toContain('final_align_cos_mean: B − A in 9 cell(s) with a value in both');
    const svg = readFileSync(path, 'utf8');
    expect(svg).toContain('final mean |cos(wᵢ, θ*)|, B − A over σ × α');
    const value = (dir: string, sigma: number, alpha: number) =>
      readSummary(join(dir, 'summary.arrow')).find((x) => x.params.sigma === sigma && x.params.alpha === alpha)!.final.align_cos_mean!;
    for (const [sigma, alpha] of [
      [0.5, 0.5],
      [2, 1],
    ]) {
      const label = new RegExp(`aria-label="σ = ${sigma}, α = ${alpha} · median final mean \\|cos\\(wᵢ, θ\\*\\)\\|, B − A = (\\S+) `).exec(svg);
      expect(label, `${sigma}, ${alpha}`).not.toBeNull();
      expect(Number(label![1])).toBeCloseTo(value(b, sigma, alpha) - value(a, sigma, alpha), 3);
    }
  });

  it('refuses folders whose axes differ, naming them, in one line (exit 2)', () => {
    const c = runSweep('cmpc', GRID(1000).replace('alpha: [0.5, 1, 2]', 'width: [20, 40]').replace('width: 40, ', ''));
    expectRefusal(runCliFor(['compare', a, c, '--z', 'final_align_cos_mean']), /A \(.*\) varies sigma × alpha, B \(.*\) varies sigma × width/);
    expectRefusal(runCliFor(['compare', a, b, '--z', 'nonsense']), /--z nonsense: not a summary column/);
  });
});
