/**
 * steps_rule: each run's steps = ⌈noise_time·batch / (lr²·σ̄²)⌉, at most max_steps (max_steps for σ̄² = 0), and
 * log_every = ⌈steps / log_rows⌉ when log_rows is given; resolved before the run ids, validated like the rest.
 */
import { describe, expect, test } from 'vitest';
import { planSweep, SweepSpecError } from '../../src/sweep/index.js';
import { runCli } from '../helpers.js';
import { HEAD, sweepFile } from './fixtures.js';

const stepsOf = (text: string) => planSweep(sweepFile(HEAD + text)).runs.map((r) => [r.params.sigma, r.params.steps, r.params.log_every]);

describe('steps_rule resolves steps and log_every per run', () => {
  test('⌈T/(η²σ²)⌉ capped at max_steps, max_steps at σ = 0, log_every from log_rows', () => {
    // η = 1e-3: η²σ² = 4e-6, 1.6e-5, 6.4e-5 → 8/… = 2e6 (capped), 500000, 125000
    expect(stepsOf('base: { lr: 0.001 }\ngrid: { sigma: [0, 2, 4, 8] }\nsteps_rule: { noise_time: 8, max_steps: 600000, log_rows: 100 }\n')).toEqual([
      [0, 600000, 6000],
      [2, 600000, 6000],
      [4, 500000, 5000],
      [8, 125000, 1250],
    ]);
  });

  test('a batch of B averages B noises: the noise time grows ×B', () => {
    // η = 1e-3, σ = 8: 8/6.4e-5 = 125000 at B = 1, ×4 = 500000 at B = 4, ×8 = 1e6 → capped at 600000
    const runs = planSweep(
      sweepFile(HEAD + 'base: { lr: 0.001, sigma: 8 }\ngrid: { batch: [1, 4, 8] }\nsteps_rule: { noise_time: 8, max_steps: 600000 }\n'),
    ).runs;
    expect(runs.map((r) => [r.params.batch, r.params.steps])).toEqual([
      [1, 125000],
      [4, 500000],
      [8, 600000],
    ]);
  });

  test('σ̄² halves under the periodic schedule, is σ² for gaussian noise, and 0 for noise none', () => {
    const runs = planSweep(
      sweepFile(
        HEAD +
          'base: { lr: 0.001, sigma: 8 }\nzip:\n  - { noise: [rademacher, gaussian, rademacher, none], noise_schedule: [constant, constant, periodic, constant] }\nsteps_rule: { noise_time: 8, max_steps: 600000 }\n',
      ),
    ).runs.map((r) => [r.params.noise, r.params.noise_schedule, r.params.steps, r.params.log_every]);
    expect(runs).toEqual([
      ['rademacher', 'constant', 125000, 1000], // log_every keeps its default without log_rows
      ['gaussian', 'constant', 125000, 1000],
      ['rademacher', 'periodic', 250000, 1000], // σ̄² = 32
      ['none', 'constant', 600000, 1000],
    ]);
  });

  test('rounds up a fractional step count, and uses the lr that lr_rule set', () => {
    // 1/(1e-6·9) = 111111.1…; lr = 1/(1²·250) = 0.004 with σ = 1: 8/1.6e-5 = 500000
    expect(stepsOf('base: { lr: 0.001, sigma: 3 }\nsteps_rule: { noise_time: 1, max_steps: 1000000 }\n')).toEqual([[3, 111112, 1000]]);
    expect(stepsOf('base: { width: 250, sigma: 1 }\nlr_rule: { eta_alpha2_width: 1 }\nsteps_rule: { noise_time: 8, max_steps: 1000000 }\n')).toEqual([
      [1, 500000, 1000],
    ]);
  });

  test('the run ids follow the resolved steps: two rules give two ids, the explicit steps the same id', () => {
    const viaRule = planSweep(sweepFile(HEAD + 'base: { lr: 0.001, sigma: 4 }\nsteps_rule: { noise_time: 8, max_steps: 600000 }\n')).runs[0];
    const explicit = planSweep(sweepFile(HEAD + 'base: { lr: 0.001, sigma: 4, steps: 500000 }\n')).runs[0];
    const other = planSweep(sweepFile(HEAD + 'base: { lr: 0.001, sigma: 4 }\nsteps_rule: { noise_time: 4, max_steps: 600000 }\n')).runs[0];
    expect(viaRule.run_id).toBe(explicit.run_id);
    expect(other.run_id).not.toBe(viaRule.run_id);
  });
});

/** [case, sweep text after HEAD, key path, pieces of the reason] */
const bad: [string, string, string, string[]][] = [
  [
    'steps beside it',
    'base: { steps: 1000 }\nsteps_rule: { noise_time: 1, max_steps: 10 }\n',
    'base.steps',
    ['also set by steps_rule', 'one or the other'],
  ],
  [
    'steps in a grid beside it',
    'grid: { steps: [10, 20] }\nsteps_rule: { noise_time: 1, max_steps: 10 }\n',
    'grid.steps',
    ['also set by steps_rule'],
  ],
  [
    'log_every beside log_rows',
    'zip:\n  - { log_every: [5], sigma: [1] }\nsteps_rule: { noise_time: 1, max_steps: 10, log_rows: 5 }\n',
    'zip[0].log_every',
    ['also set by steps_rule.log_rows'],
  ],
  ['no noise_time', 'steps_rule: { max_steps: 10 }\n', 'steps_rule.noise_time', ['is required']],
  ['no max_steps', 'steps_rule: { noise_time: 1 }\n', 'steps_rule.max_steps', ['is required']],
  ['a string noise_time', 'steps_rule: { noise_time: long, max_steps: 10 }\n', 'steps_rule.noise_time', ['must be a number (got the string "long")']],
  ['a non-positive noise_time', 'steps_rule: { noise_time: 0, max_steps: 10 }\n', 'steps_rule.noise_time', ['must be > 0 (got 0)']],
  ['a fractional max_steps', 'steps_rule: { noise_time: 1, max_steps: 1.5 }\n', 'steps_rule.max_steps', ['must be a whole number (got 1.5)']],
  ['a zero log_rows', 'steps_rule: { noise_time: 1, max_steps: 10, log_rows: 0 }\n', 'steps_rule.log_rows', ['must be ≥ 1 (got 0)']],
  ['an unknown key', 'steps_rule: { noise_time: 1, max_steps: 10, noise: 2 }\n', 'steps_rule.noise', ['unknown key', 'noise_time·batch/(lr²·σ̄²)']],
  ['a rule that is not a mapping', 'steps_rule: 5\n', 'steps_rule', ['']],
  [
    'snapshots past the resolved steps',
    'base: { lr: 0.001, sigma: 8, snapshot_steps: [200000] }\nsteps_rule: { noise_time: 8, max_steps: 600000 }\n',
    'base.snapshot_steps',
    ['200000'],
  ],
];

describe('bad steps_rule', () => {
  test.each(bad)('%s', (_name, text, path, reasons) => {
    const file = sweepFile(HEAD + text);
    let error: unknown;
    try {
      planSweep(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SweepSpecError);
    const line = (error as Error).message.split('\n').find((l) => l.startsWith(`[sweep] ${file}: ${path}`));
    expect(line, (error as Error).message).toBeDefined();
    for (const reason of reasons) expect(line).toContain(reason);
  });

  test('exits 2 from the command line, naming the key', () => {
    const file = sweepFile(HEAD + 'base: { steps: 1000 }\nsteps_rule: { noise_time: 1, max_steps: 10 }\n');
    const r = runCli(['plan', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: base.steps: steps is also set by steps_rule`);
  });
});
