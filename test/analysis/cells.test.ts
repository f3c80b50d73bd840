import { describe, expect, it } from 'vitest';
import { axisKind, buildCells, cellEdges, quantile } from '../../src/analysis/base/cells.js';
import { defaultParams } from '../../src/core/params.js';
import type { SummaryRow } from '../../src/io/index.js';

describe('axis kinds', () => {
  it.each([
    ['log-spaced', [0.25, 0.5, 1, 2, 4], 'log'],
    ['evenly spaced', [0, 0.5, 1, 1.5], 'linear'],
    ['irregular, with 0', [0, 0.5, 1, 2, 4, 8], 'band'],
    ['two values', [1, 10], 'band'],
  ] as const)('%s → %s', (_name, values, kind) => expect(axisKind(values)).toBe(kind));

  it('puts log cell edges at geometric midpoints', () => {
    const e = cellEdges([1, 4, 16], 'log');
    expect(e.get(4)![0]).toBeCloseTo(2, 12);
    expect(e.get(4)![1]).toBeCloseTo(8, 12);
    expect(e.get(1)![0]).toBeCloseTo(0.5, 12);
  });
});

describe('aggregation', () => {
  // lr = 0.1 at m = 1000: F∞ = P(χ²₁ ≤ 100/√20) leaves 1.6e-6 of a neuron outside the Phase II ball, so
  // phase2_step is reachable; at lr = 1e-3 (F∞ = 0.364) it is not
  const row = (sigma: number, rep: number, status: SummaryRow['status'], phase2: number | null, lr = 0.1): SummaryRow => ({
    run_id: `r${sigma}-${rep}`,
    replicate: rep,
    sweep: 'cells',
    seed: 1,
    params: { ...defaultParams(), sigma, alpha: 1, lr, steps: 1000 },
    status,
    error: null,
    steps_done: 1000,
    wall_s: 1,
    steps_per_s: 1000,
    engine: 'native/dense',
    final: { test_loss: rep + 1 },
    lazy_escape_step: null,
    phase2_step: phase2,
    align_step: null,
    extra: { collapsed: 0, norm_decay_rate: 0 },
  });

  it('treats a marker never reached as past the last step (censored median)', () => {
    const rows = [
      row(1, 0, 'done', 100),
      row(1, 1, 'done', 300),
      row(1, 2, 'done', null),
      row(2, 0, 'done', null),
      row(2, 1, 'done', null),
      row(2, 2, 'done', 500),
    ];
    const cells = buildCells(rows, { x: 'sigma', y: 'alpha', z: 'phase2_step', facet: null, agg: 'median' });
    expect(cells.map((c) => [c.kind, c.value, c.reached])).toEqual([
      ['value', 300, 2],
      ['not_reached', null, 1],
    ]);
  });

  it('calls a cell unreachable, not "not reached", when most runs can never reach the marker (end point outside)', () => {
    const rows = [1e-3, 1e-3, 0.1].map((lr, rep) => row(2, rep, 'done', null, lr));
    const kind = (z: string, rs = rows) => buildCells(rs, { x: 'sigma', y: 'alpha', z, facet: null, agg: 'median' })[0].kind;
    expect(kind('phase2_step')).toBe('unreachable');
    expect(kind('phase2_step', [rows[0], rows[2], row(2, 3, 'done', null, 0.1)])).toBe('not_reached'); // 1 of 3
    expect(kind('align_step')).toBe('not_reached'); // the end point is aligned: always reachable
    // σ = 0: theory does not describe the run, so nothing is called unreachable
    expect(kind('phase2_step', [row(0, 0, 'done', null, 1e-3)])).toBe('not_reached');
  });

  it('marks a cell diverged when most of its runs diverged, and gives the IQR as spread', () => {
    const rows = [
      row(1, 0, 'diverged', null),
      row(1, 1, 'diverged', null),
      row(1, 2, 'done', 1),
      row(2, 0, 'done', 1),
      row(2, 1, 'done', 1),
      row(2, 2, 'done', 1),
    ];
    const cells = buildCells(rows, { x: 'sigma', y: 'alpha', z: 'final_test_loss', facet: null, agg: 'median' });
    expect(cells[0].kind).toBe('diverged');
    // test_loss of the three replicates is 1, 2, 3: median 2; quartiles (linear interpolation) 1.5 and 2.5, IQR 1.
    expect(cells[1]).toMatchObject({ kind: 'value', value: 2, spread: 1 });
  });

  it('gives the mean and the sample standard deviation with agg mean', () => {
    const rows = [row(1, 0, 'done', 1), row(1, 1, 'done', 1), row(1, 2, 'done', 1), row(1, 3, 'done', 1)];
    // test_loss 1, 2, 3, 4: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n − 1 = 3.
    const [cell] = buildCells(rows, { x: 'sigma', y: 'alpha', z: 'final_test_loss', facet: null, agg: 'mean' });
    expect(cell.value).toBe(2.5);
    expect(cell.spread).toBeCloseTo(Math.sqrt(5 / 3), 14);
  });
});

describe('quantile', () => {
  it.each([
    [[3, 1, 2], 0.5, 2],
    [[1, 2, 3, 4], 0.25, 1.75],
    [[1, 2, 3, 4], 0.75, 3.25],
    [[10, 0], 0.1, 1],
    [[1, 2, Infinity], 0.5, 2],
    [[1, Infinity, Infinity], 0.5, Infinity],
  ])("quantile(%j, %f) = %f (numpy's linear interpolation)", (values, p, q) => {
    expect(quantile(values, p)).toBe(q);
  });
});
