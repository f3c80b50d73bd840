/** The experiment's cross-field checks: each bad combination is refused at the key that set it, with the reason. */
import { describe, expect, test } from 'vitest';
import { parseSweep } from '../../src/sweep/plan.js';
import { SweepSpecError } from '../../src/sweep/errors.js';

const REAL = { experiment: 'realdata', engine: 'tfjs', optimizer: 'gd', n: 64, d: 49, width: 16, lr: 0.05, steps: 10, log_every: 5 };
const LINEAR = { n: 20, d: 4, width: 8 };

/** The problems of a sweep whose base is `base` (YAML is a superset of JSON). */
function problems(base: Record<string, unknown>): { path: string; reason: string }[] {
  try {
    parseSweep(`name: t\nseed: 1\nbase: ${JSON.stringify(base)}\n`, 't.yaml');
  } catch (e) {
    if (e instanceof SweepSpecError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('realdata and tfjs parameter checks', () => {
  test('a valid realdata sweep and the defaults of every other sweep pass', () => {
    expect(problems(REAL)).toEqual([]);
    expect(problems({ ...REAL, optimizer: 'sam', rho: 0.1, tau: 1, activation: 'relu', d: 784, n_test: 100 })).toEqual([]);
    expect(problems(LINEAR)).toEqual([]);
    expect(problems({ ...LINEAR, engine: 'tfjs', optimizer: 'sam', rho: 0.1 })).toEqual([]);
  });

  test.each([
    ['tau above 1', { ...REAL, tau: 1.5 }, 'base.tau', /tau is a probability/],
    ['realdata on the native engine', { ...REAL, engine: 'native' }, 'base.engine', /runs on engine 'tfjs'/],
    ['realdata with sgd', { ...REAL, optimizer: 'sgd' }, 'base.optimizer', /full-batch with 'gd' or 'sam'/],
    ['realdata with sigma', { ...REAL, sigma: 1 }, 'base.sigma', /not sigma; set sigma: 0/],
    ['realdata with a d that is no pooling of 28×28', { ...REAL, d: 20 }, 'base.d', /d = 784 .* 196 .* or 49/],
    ['more examples than MNIST ships', { ...REAL, n: 5000, n_test: 6000 }, 'base.n_test', /≤ 10000/],
    ['realdata snapshots', { ...REAL, snapshot_steps: [0] }, 'base.snapshot_steps', /experiment 'linear' only/],
    ['tau on the linear experiment', { ...LINEAR, tau: 0.5 }, 'base.tau', /used only by experiment 'realdata'/],
    [
      'oscillate on tfjs',
      { ...LINEAR, engine: 'tfjs', optimizer: 'oscillate', noise: 'none', kernel: 'dense' },
      'base.optimizer',
      /native engine only/,
    ],
  ] as [string, Record<string, unknown>, string, RegExp][])('%s', (_name, base, path, reason) => {
    const found = problems(base);
    expect(found.map((p) => p.path)).toContain(path);
    expect(found.find((p) => p.path === path)!.reason).toMatch(reason);
  });
});
