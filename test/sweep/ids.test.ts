import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { canonicalJson, planSweep, runIdOf } from '../../src/sweep/index.js';
import { sweepFile } from './fixtures.js';

describe('canonicalJson', () => {
  const cases: [string, unknown, string][] = [
    ['sorts keys recursively and drops whitespace', { b: 1, a: { d: [1, 2], c: 'x' } }, '{"a":{"c":"x","d":[1,2]},"b":1}'],
    ['writes numbers in shortest round-trip form', [0.1, 1e-7, 1e21, 100, -0], '[0.1,1e-7,1e+21,100,0]'],
    ['keeps array order', [3, 1, 2], '[3,1,2]'],
    ['escapes strings like JSON', { 'k"': 'a\nb' }, '{"k\\"":"a\\nb"}'],
    ['writes null and booleans', [null, true, false], '[null,true,false]'],
  ];
  test.each(cases)('%s', (_name, value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  const bad: [string, unknown][] = [
    ['NaN', { x: NaN }],
    ['Infinity', [Infinity]],
    ['undefined', { x: undefined }],
    ['a bigint', 1n],
    ['a Date', new Date(0)],
    ['a function', () => 1],
  ];
  test.each(bad)('rejects %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('run ids', () => {
  const body = (name: string, extra = '') => `name: ${name}\nseed: 7\n${extra}`;

  test('are 16 lowercase hex characters', () => {
    const [run] = planSweep(sweepFile(body('a'))).runs;
    expect(run.run_id).toMatch(/^[0-9a-f]{16}$/);
  });

  // Golden ids, written down once from the code of the day they were introduced. A change here changes the id of every
  // finished run on disk (a resumed sweep would redo everything), so it must be deliberate. The canonical text is
  // written out by hand and hashed here with node:crypto, independently of runIdOf and canonicalJson.
  const golden: [string, string, number, string][] = [
    [
      'the defaults, seed 7, replicate 0',
      'name: a\nseed: 7\n',
      0,
      '{"params":{"activation":"erf","alpha":1,"batch":1,"d":20,"diverge_loss":1000000,"engine":"native","experiment":"linear",' +
        '"kernel":"subspace","log_every":1000,"lr":0.001,"n":200,"n_test":256,"noise":"rademacher","noise_period":5000,' +
        '"noise_schedule":"constant","optimizer":"sgd","rho":0,"sigma":0,"snapshot_steps":[],"steps":100000,"tau":0,' +
        '"teacher_norm":1,"teacher_sparsity":0,"width":1000},"replicate":0,"seed":7}',
    ],
    [
      'SAM with Gaussian noise and snapshots, seed 12345, replicate 1',
      'name: b\nseed: 12345\nreplicates: 2\nbase: { n: 40, d: 8, width: 64, lr: 0.004, steps: 30000, optimizer: sam, rho: 0.05, ' +
        'sigma: 1.5, noise: gaussian, snapshot_steps: [0, 1000] }\n',
      1,
      '{"params":{"activation":"erf","alpha":1,"batch":1,"d":8,"diverge_loss":1000000,"engine":"native","experiment":"linear",' +
        '"kernel":"subspace","log_every":1000,"lr":0.004,"n":40,"n_test":256,"noise":"gaussian","noise_period":5000,' +
        '"noise_schedule":"constant","optimizer":"sam","rho":0.05,"sigma":1.5,"snapshot_steps":[0,1000],"steps":30000,"tau":0,' +
        '"teacher_norm":1,"teacher_sparsity":0,"width":64},"replicate":1,"seed":12345}',
    ],
  ];
  const goldenIds = ['833b290ff7e13693', 'd04b31ad38abaa07'];
  test.each(golden.map((g, i) => [...g, goldenIds[i]] as const))('golden id: %s', (_name, yaml, replicate, canonical, id) => {
    expect(createHash('sha256').update(canonical).digest('hex').slice(0, 16)).toBe(id);
    const run = planSweep(sweepFile(yaml)).runs.find((r) => r.replicate === replicate)!;
    expect(run.run_id).toBe(id);
    expect(canonicalJson({ params: run.params, seed: (JSON.parse(canonical) as { seed: number }).seed, replicate })).toBe(canonical);
  });

  test('do not depend on the order of keys in the file', () => {
    const a = planSweep(sweepFile(`name: a\nseed: 7\nbase: { n: 100, d: 10, width: 50 }\ngrid: { sigma: [0, 1], rho: [0, 0.1] }`));
    const b = planSweep(sweepFile(`grid: { rho: [0, 0.1], sigma: [0, 1] }\nbase: { width: 50, d: 10, n: 100 }\nseed: 7\nname: a`));
    expect(new Set(b.runs.map((r) => r.run_id))).toEqual(new Set(a.runs.map((r) => r.run_id)));
  });

  test('are the same for the same run in two different sweeps', () => {
    const small = planSweep(sweepFile(body('small', 'base: { width: 50 }\ngrid: { sigma: [4] }')));
    const big = planSweep(sweepFile(body('big', 'grid: { sigma: [0, 2, 4], width: [50, 100] }\ndescription: other')));
    const shared = big.runs.find((r) => r.params.sigma === 4 && r.params.width === 50);
    expect(shared?.run_id).toBe(small.runs[0].run_id);
  });

  test('are the same when a value is written as a list, a range or a base value', () => {
    const ids = ['base: { width: 100 }', 'grid: { width: [100] }', 'grid: { width: { range: [100, 100, 1] } }', 'zip: [{ width: [100] }]'].map(
      (extra, i) => planSweep(sweepFile(body(`w${i}`, extra))).runs[0].run_id,
    );
    expect(new Set(ids).size).toBe(1);
  });

  test('differ across replicates, sweep seeds and parameters', () => {
    const [r0, r1] = planSweep(sweepFile(body('r', 'replicates: 2'))).runs;
    const other = planSweep(sweepFile('name: r\nseed: 8\nreplicates: 2')).runs[0];
    expect(new Set([r0.run_id, r1.run_id, other.run_id]).size).toBe(3);
    expect(runIdOf({ ...r0.params, sigma: 1 }, 7, 0)).not.toBe(r0.run_id);
  });

  test("of a point's replicates, its parameters encoded once, are each runIdOf of the run, and each run has its own params", () => {
    const { runs } = planSweep(sweepFile(body('reps', 'replicates: 5\ngrid: { sigma: [0, 2], snapshot_steps: [[0, 100]] }')));
    expect(runs).toHaveLength(10);
    for (const run of runs) expect(run.run_id).toBe(runIdOf(run.params, 7, run.replicate));
    expect(new Set(runs.map((r) => r.params)).size).toBe(10);
    expect(new Set(runs.map((r) => r.params.snapshot_steps)).size).toBe(10);
  });

  test('depend on the engine, since a run is its engine too', () => {
    const [run] = planSweep(sweepFile(body('e'))).runs;
    expect(runIdOf({ ...run.params, engine: 'tfjs' }, 7, 0)).not.toBe(run.run_id);
  });
});
