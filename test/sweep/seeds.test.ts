import { describe, expect, test } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import type { RunParams } from '../../src/core/types.js';
import { deriveSeed, planSweep, runSeeds } from '../../src/sweep/index.js';
import { HEAD, sweepFile } from './fixtures.js';

const base: RunParams = { ...defaultParams(), kernel: 'subspace' };
const seedsOf = (change: Partial<RunParams>, replicate = 0, sweepSeed = 7) => runSeeds({ ...base, ...change }, sweepSeed, replicate);

describe('deriveSeed', () => {
  test('gives four uint32 words, not all zero, the same every time', () => {
    const s = deriveSeed('data', 7, 0, { n: 1 });
    expect(s).toHaveLength(4);
    for (const w of s) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
    expect(s.some((w) => w !== 0)).toBe(true);
    expect(deriveSeed('data', 7, 0, { n: 1 })).toEqual(s);
  });

  test('separates streams, seeds, replicates and relevant parameters', () => {
    const all = [
      deriveSeed('data', 7, 0, {}),
      deriveSeed('init', 7, 0, {}),
      deriveSeed('sgd', 7, 0, {}),
      deriveSeed('teacher', 7, 0, {}),
      deriveSeed('data', 8, 0, {}),
      deriveSeed('data', 7, 1, {}),
      deriveSeed('data', 7, 0, { n: 1 }),
    ];
    expect(new Set(all.map((s) => s.join(','))).size).toBe(all.length);
  });

  test('ignores the key order of the relevant parameters', () => {
    expect(deriveSeed('init', 7, 0, { width: 10, d: 3 })).toEqual(deriveSeed('init', 7, 0, { d: 3, width: 10 }));
  });
});

type Stream = 'data' | 'teacher' | 'init' | 'sgd';
const ALL: Stream[] = ['data', 'teacher', 'init', 'sgd'];
describe('runSeeds: which parameters each stream depends on', () => {
  const same: [string, Partial<RunParams>, Stream[]][] = [
    ['sigma changes no stream', { sigma: 4 }, ALL],
    ['rho changes no stream', { rho: 0.2, optimizer: 'sam' }, ALL],
    ['alpha only scales the same init draws', { alpha: 3 }, ALL],
    ['lr (non-oscillate) changes no stream', { lr: 1e-4 }, ALL],
    ['the engine changes no stream', { engine: 'tfjs' }, ALL],
    ['the kernel changes no stream', { kernel: 'dense' }, ALL],
    ['steps and log_every change no stream', { steps: 5, log_every: 1 }, ALL],
    ['width keeps the data, the teacher and the sgd stream', { width: 50 }, ['data', 'teacher', 'sgd']],
    ['n changes only the data', { n: 50 }, ['teacher', 'init', 'sgd']],
    ['teacher_norm changes no stream (it only scales θ*)', { teacher_norm: 2 }, ALL],
    ['teacher_sparsity changes only the teacher', { teacher_sparsity: 3 }, ['data', 'init', 'sgd']],
    ['d changes data, teacher and init, keeps sgd', { d: 5 }, ['sgd']],
    ['oscillate draws its own init', { optimizer: 'oscillate' }, ['data', 'teacher', 'sgd']],
  ];
  test.each(same)('%s', (_name, change, unchanged) => {
    const a = seedsOf({});
    const b = seedsOf(change);
    for (const s of ALL) {
      if (unchanged.includes(s)) expect(b[s], s).toEqual(a[s]);
      else expect(b[s], s).not.toEqual(a[s]);
    }
  });

  test('oscillate init does not depend on lr: q = lr^{1/4} only scales the same three-way draws', () => {
    expect(seedsOf({ optimizer: 'oscillate', lr: 1e-4 }).init).toEqual(seedsOf({ optimizer: 'oscillate' }).init);
    expect(seedsOf({ optimizer: 'oscillate' }).init).not.toEqual(seedsOf({ optimizer: 'sgd' }).init);
  });

  test('every stream differs across replicates', () => {
    const r0 = seedsOf({}, 0);
    const r1 = seedsOf({}, 1);
    for (const s of ALL) expect(r1[s]).not.toEqual(r0[s]);
  });

  test('the four streams of one run differ from each other', () => {
    const s = seedsOf({});
    expect(new Set([s.data, s.teacher, s.init, s.sgd].map((x) => x.join(','))).size).toBe(4);
  });
});

describe('runSeeds across a planned sweep', () => {
  test('replicate r shares its data across every cell with the same n, d and teacher, and alpha cells share init', () => {
    const plan = planSweep(
      sweepFile(HEAD + 'base: { lr: 0.0001 }\ngrid: { sigma: [0, 4], alpha: [0.5, 1], width: [10, 100], engine: [native, tfjs] }\nreplicates: 2'),
    );
    const seeds = plan.runs.map((r) => ({ r, s: runSeeds(r.params, plan.seed, r.replicate) }));
    const distinct = (pick: (x: (typeof seeds)[number]) => string) => new Set(seeds.map(pick)).size;
    expect(distinct((x) => `${x.r.replicate}|${x.s.data.join()}`)).toBe(2); // one data draw per replicate
    expect(distinct((x) => x.s.data.join())).toBe(2);
    expect(distinct((x) => x.s.sgd.join())).toBe(2);
    expect(distinct((x) => x.s.init.join())).toBe(2 * 2); // per replicate and width, shared across alpha, sigma, engine
  });
});
