import { describe, expect, test } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { expandSweep, loadSweep, planSweep } from '../../src/sweep/index.js';
import { HEAD, sweepFile } from './fixtures.js';

const plan = (body: string) => planSweep(sweepFile(HEAD + body));

describe('expansion counts: grid × zip × lr_rule × replicates', () => {
  const cases: [string, string, number][] = [
    ['no grid is one run', '', 1],
    ['one grid list', 'grid: { sigma: [0, 1, 2] }', 3],
    ['two grid lists multiply', 'grid: { sigma: [0, 1, 2], rho: [0, 0.1] }', 6],
    ['replicates multiply', 'grid: { sigma: [0, 1, 2] }\nreplicates: 4', 12],
    ['a zip group adds one axis of its length', 'zip: [{ n: [100, 200], log_every: [10, 20] }]', 2],
    ['zip crossed with the grid', 'grid: { sigma: [0, 1, 2] }\nzip: [{ n: [100, 200], log_every: [10, 20] }]', 6],
    ['two zip groups cross each other', 'zip: [{ n: [100, 200] }, { sigma: [0, 1, 2], rho: [0, 0.1, 0.2] }]', 6],
    ['an lr_rule list is an axis', 'grid: { sigma: [0, 1] }\nlr_rule: { eta_alpha2_width: [0.5, 1] }\nreplicates: 3', 12],
    ['a range is an axis', 'grid: { width: { range: [100, 1000, 300] } }', 4],
    ['duplicate values collapse to one run', 'grid: { sigma: [1, 1, 2] }', 2],
    ['kernel values that resolve alike collapse', 'base: { width: 10 }\ngrid: { kernel: [auto, dense] }', 1],
  ];
  test.each(cases)('%s', (_name, body, runs) => {
    expect(plan(body).runs).toHaveLength(runs);
  });
});

describe('ranges produce the exact values', () => {
  const cases: [string, string, string, number[]][] = [
    ['range includes stop when on the step', 'width', '{ range: [100, 1000, 300] }', [100, 400, 700, 1000]],
    ['range stops before an overshoot', 'width', '{ range: [10, 25, 10] }', [10, 20]],
    ['linspace includes both ends', 'sigma', '{ linspace: [0, 1, 5] }', [0, 0.25, 0.5, 0.75, 1]],
    ['linspace rounds to 12 significant digits', 'sigma', '{ linspace: [0, 1, 4] }', [0, 0.333333333333, 0.666666666667, 1]],
    ['linspace with one value is the start', 'sigma', '{ linspace: [3, 9, 1] }', [3]],
    ['logspace is geometric and exact at the ends', 'alpha', '{ logspace: [0.1, 10, 5] }', [0.1, 0.316227766017, 1, 3.16227766017, 10]],
    ['logspace by decades', 'rho', '{ logspace: [0.001, 1, 4] }', [0.001, 0.01, 0.1, 1]],
  ];
  test.each(cases)('%s', (_name, key, range, values) => {
    const runs = plan(`base: { lr: 0.000001 }\ngrid: { ${key}: ${range} }`).runs;
    expect(runs.map((r) => (r.params as unknown as Record<string, number>)[key])).toEqual(values);
  });
});

describe('resolved parameters', () => {
  test('defaults fill every key the file leaves out, and kernel is never auto', () => {
    const [run] = plan('base: { width: 10 }').runs;
    expect(run.params).toEqual({ ...defaultParams(), width: 10, kernel: 'dense' });
    expect(plan('').runs[0].params.kernel).toBe('subspace');
  });

  test('lr_rule holds lr·alpha²·width fixed across widths and init scales', () => {
    const runs = plan('grid: { width: [100, 300, 1000], alpha: [0.5, 1, 2] }\nlr_rule: { eta_alpha2_width: 0.7 }').runs;
    expect(runs).toHaveLength(9);
    for (const { params: p } of runs) {
      expect(Math.abs(p.lr * p.alpha ** 2 * p.width - 0.7) / 0.7).toBeLessThan(1e-11);
      expect(Number(p.lr.toPrecision(12))).toBe(p.lr);
    }
  });

  test('snapshot steps are sorted and deduplicated', () => {
    expect(plan('base: { steps: 100, snapshot_steps: [100, 0, 50, 0] }').runs[0].params.snapshot_steps).toEqual([0, 50, 100]);
  });

  test('the engine option overrides every run and changes the ids', () => {
    const path = sweepFile(HEAD + 'grid: { sigma: [0, 1] }');
    const native = planSweep(path);
    const tfjs = planSweep(path, { engine: 'tfjs' });
    expect(tfjs.runs.map((r) => r.params.engine)).toEqual(['tfjs', 'tfjs']);
    expect(tfjs.runs[0].run_id).not.toBe(native.runs[0].run_id);
    expect(tfjs.runs[0].params.kernel).toBe(native.runs[0].params.kernel);
  });

  test('each run carries its estimated cost', () => {
    const runs = plan('grid: { steps: [1000, 2000] }').runs;
    expect(runs[1].cost).toBeGreaterThan(runs[0].cost);
  });
});

describe('order', () => {
  test('grid keys sorted, first outermost, then zip groups, then replicates innermost', () => {
    const runs = plan(
      'grid: { sigma: [0, 4], alpha: [1, 2] }\nzip: [{ n: [100, 1000], log_every: [10, 100] }]\nreplicates: 2\nbase: { lr: 0.0001 }',
    ).runs;
    const rows = runs.map((r) => [r.params.alpha, r.params.sigma, r.params.n, r.params.log_every, r.replicate]);
    expect(rows.slice(0, 5)).toEqual([
      [1, 0, 100, 10, 0],
      [1, 0, 100, 10, 1],
      [1, 0, 1000, 100, 0],
      [1, 0, 1000, 100, 1],
      [1, 4, 100, 10, 0],
    ]);
    expect(rows).toHaveLength(16);
    expect(rows[15]).toEqual([2, 4, 1000, 100, 1]);
  });

  test('expansion is pure: the same spec expands to the same runs twice', () => {
    const spec = loadSweep(sweepFile(HEAD + 'grid: { sigma: [0, 1] }\nreplicates: 2'));
    expect(expandSweep(spec)).toEqual(expandSweep(spec));
  });
});

describe('files shaped like the contract', () => {
  test('the paper-fig2 sweep (a σ grid of 3, 2 replicates) parses into 6 runs', () => {
    const p = planSweep(
      sweepFile(`name: paper-fig2          # names the output folder
seed: 7                   # sweep seed
base:                     # parameters shared by every run
  n: 200
  d: 20
  width: 1000
  alpha: 1
  lr: 0.001
  steps: 200000
  log_every: 1000
  optimizer: sgd
  noise: rademacher
grid:                     # cross product
  sigma: [0, 2, 4]
replicates: 2             # independent seeds per grid point
`),
    );
    expect(p).toMatchObject({ format: 1, name: 'paper-fig2', seed: 7 });
    expect(p.runs.map((r) => [r.params.sigma, r.replicate])).toEqual([
      [0, 0],
      [0, 1],
      [2, 0],
      [2, 1],
      [4, 0],
      [4, 1],
    ]);
  });

  test('every optional section together parses', () => {
    const p = planSweep(
      sweepFile(`name: all.the-keys_1
seed: 0
description: "every section"
base: { n: 100, d: 10, steps: 1000, snapshot_steps: [0, 1000], optimizer: sam }
grid:
  sigma: [0, 2]
  alpha: { logspace: [0.5, 2, 3] }
  rho: { linspace: [0.05, 0.2, 2] }
zip:
  - { width: { range: [100, 200, 100] }, log_every: [10, 100] }
replicates: 2
lr_rule: { eta_alpha2_width: { linspace: [0.1, 0.2, 2] } }
allow_unstable: true
`),
    );
    expect(p.runs).toHaveLength(2 * 3 * 2 * 2 * 2 * 2);
  });

  test('allow_unstable admits runs past the stability bound', () => {
    expect(plan('base: { lr: 0.01 }\nallow_unstable: true').runs).toHaveLength(1);
  });
});
