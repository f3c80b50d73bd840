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
    expect(run.run_id).toBe(runIdOf(run.params, 7, 0));
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

  test('depend on the engine, since a run is its engine too', () => {
    const [run] = planSweep(sweepFile(body('e'))).runs;
    expect(runIdOf({ ...run.params, engine: 'tfjs' }, 7, 0)).not.toBe(run.run_id);
  });
});
