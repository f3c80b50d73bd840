/**
 * Every kind of bad sweep file is rejected before anything runs, with a SweepSpecError whose message names the file,
 * the key path and the reason: `[sweep] <file>: <path>: <reason>`.
 */
import { describe, expect, test } from 'vitest';
import { loadSweep, planSweep, SweepSpecError } from '../../src/sweep/index.js';
import { HEAD, sweepFile } from './fixtures.js';

/** [case, file text, key path ('' for the whole file), pieces of the reason] */
const cases: [string, string, string, string[]][] = [
  ['malformed YAML names line and column', HEAD + 'grid: { sigma: [0, 1 }\n', 'line 3, col', ['malformed YAML']],
  ['a key twice in one mapping is malformed YAML', HEAD + 'seed: 2\n', 'line 3, col 1', ['malformed YAML', 'unique']],
  ['an empty file', '', '', ['top level must be a mapping', 'an empty file']],
  ['a list at the top level', '- 1\n- 2\n', '', ['top level must be a mapping', 'a list']],
  ['a missing name', 'seed: 1\n', 'name', ['is required']],
  ['a name that is not a folder name', 'name: a/b\nseed: 1\n', 'name', ["letters, digits, '.', '_' and '-'", '"a/b"']],
  ['a negative seed', 'name: t\nseed: -1\n', 'seed', ['must be ≥ 0 (got -1)']],
  ['an unknown top-level key', HEAD + 'gird: { sigma: [0] }\n', 'gird', ["unknown key (did you mean 'grid'?)"]],
  ['a parameter at the top level', HEAD + 'sigma: 1\n', 'sigma', ['unknown key', 'under base, grid or zip']],
  ['an unknown parameter', HEAD + 'base: { widht: 10 }\n', 'base.widht', ["unknown parameter (did you mean 'width'?)"]],
  ['an unknown parameter with no near name', HEAD + 'grid: { temperature: [1] }\n', 'grid.temperature', ['unknown parameter']],
  ['a string for a number', HEAD + 'base: { lr: fast }\n', 'base.lr', ['must be a number (got the string "fast")']],
  ['a quoted number is still a string', HEAD + 'base: { n: "200" }\n', 'base.n', ['must be a number', '"200"']],
  ['a float for an integer', HEAD + 'base: { steps: 1.5 }\n', 'base.steps', ['must be an integer (got 1.5)']],
  ['an unknown enum value', HEAD + 'base: { optimizer: adam }\n', 'base.optimizer', ["must be one of 'sgd', 'sam', 'gd', 'oscillate'", 'adam']],
  ['a negative width', HEAD + 'base: { width: -5 }\n', 'base.width', ['must be ≥ 1 (got -5)']],
  ['a negative sigma inside a grid list', HEAD + 'grid: { sigma: [0, 2, -1] }\n', 'grid.sigma[2]', ['must be ≥ 0 (got -1)']],
  ['a zero alpha', HEAD + 'grid: { alpha: [0] }\n', 'grid.alpha[0]', ['must be > 0 (got 0)']],
  ['an infinite value', HEAD + 'base: { diverge_loss: .inf }\n', 'base.diverge_loss', ['must be a number', 'Infinity']],
  ['a negative snapshot step', HEAD + 'base: { snapshot_steps: [0, -10] }\n', 'base.snapshot_steps[1]', ['must be ≥ 0 (got -10)']],
  ['teacher_sparsity above d', HEAD + 'base: { d: 5, teacher_sparsity: 6 }\n', 'base.teacher_sparsity', ['must be ≤ d', 'd is 5, from base.d']],
  ['batch above n', HEAD + 'base: { n: 10 }\ngrid: { batch: [1, 32] }\n', 'grid.batch[1]', ['batch must be ≤ n (got 32; n is 10, from base.n)']],
  [
    'a snapshot after the last step',
    HEAD + 'base: { steps: 100, snapshot_steps: [0, 500] }\n',
    'base.snapshot_steps',
    ['snapshot step 500 after the last step', 'steps is 100'],
  ],
  ['an empty grid list', HEAD + 'grid: { sigma: [] }\n', 'grid.sigma', ['empty list']],
  ['a single value where a grid wants a list', HEAD + 'grid: { sigma: 3 }\n', 'grid.sigma', ['must be a list of values, or a range', 'got 3']],
  ['a range with zero values', HEAD + 'grid: { sigma: { linspace: [0, 1, 0] } }\n', 'grid.sigma.linspace[2]', ['must be ≥ 1 (got 0)']],
  ['a logspace with a non-positive end', HEAD + 'grid: { alpha: { logspace: [0, 10, 5] } }\n', 'grid.alpha.logspace[0]', ['must be > 0 (got 0)']],
  ['a logspace missing its count', HEAD + 'grid: { alpha: { logspace: [1, 10] } }\n', 'grid.alpha.logspace', ['at least 3 item(s) (got 2)']],
  ['a range running backwards', HEAD + 'grid: { width: { range: [100, 10, 5] } }\n', 'grid.width.range', ['stop must be ≥ start']],
  ['a range with a float step', HEAD + 'grid: { width: { range: [10, 100, 2.5] } }\n', 'grid.width.range[2]', ['must be an integer (got 2.5)']],
  [
    'a misspelt range kind',
    HEAD + 'grid: { alpha: { logspcae: [1, 10, 3] } }\n',
    'grid.alpha.logspcae',
    ["unknown range kind (did you mean 'logspace'?)"],
  ],
  [
    'a range of floats for an integer parameter',
    HEAD + 'grid: { width: { linspace: [10, 20, 4] } }\n',
    'grid.width[1]',
    ['must be an integer (got 13.3333333333)'],
  ],
  [
    'zip lists of unequal length',
    HEAD + 'zip:\n  - { n: [100, 200], log_every: [1, 2, 3] }\n',
    'zip[0]',
    ['same length', 'n has 2', 'log_every has 3'],
  ],
  ['zip that is not a list of groups', HEAD + 'zip: { n: [1] }\n', 'zip', ['must be a list (got a mapping)']],
  ['an empty zip group', HEAD + 'zip: [{}]\n', 'zip[0]', ['empty group']],
  [
    'a key in base and grid',
    HEAD + 'base: { width: 10 }\ngrid: { width: [10, 20] }\n',
    'grid.width',
    ['also given in base', 'only one of base, grid and zip'],
  ],
  ['a key in grid and a zip group', HEAD + 'grid: { n: [10] }\nzip: [{ n: [20] }]\n', 'zip[0].n', ['also given in grid']],
  [
    'lr together with lr_rule',
    HEAD + 'grid: { lr: [0.001] }\nlr_rule: { eta_alpha2_width: 1 }\n',
    'grid.lr',
    ['also set by lr_rule', 'one or the other'],
  ],
  ['an lr_rule without its value', HEAD + 'lr_rule: {}\n', 'lr_rule.eta_alpha2_width', ['is required']],
  ['a non-positive lr_rule value', HEAD + 'lr_rule: { eta_alpha2_width: [1, 0] }\n', 'lr_rule.eta_alpha2_width[1]', ['must be > 0 (got 0)']],
  ['an unknown lr_rule key', HEAD + 'lr_rule: { eta_alpha2_width: 1, eta: 2 }\n', 'lr_rule.eta', ['unknown key']],
  ['zero replicates', HEAD + 'replicates: 0\n', 'replicates', ['must be ≥ 1 (got 0)']],
  ['allow_unstable as a string', HEAD + 'allow_unstable: "yes"\n', 'allow_unstable', ['must be true or false']],
  [
    'the subspace kernel with oscillate',
    HEAD + 'base: { optimizer: oscillate, lr: 0.0001 }\ngrid: { kernel: [subspace] }\n',
    'grid.kernel[0]',
    ["kernel 'subspace' cannot run optimizer 'oscillate'", "use 'dense' or 'auto'"],
  ],
  [
    'a run too large for memory',
    HEAD + 'base: { steps: 1000000000, log_every: 1 }\n',
    'base.log_every',
    ['a run would hold 119.2 GiB', '1000000000 metric rows', 'limit is 4 GiB per run', 'raise log_every'],
  ],
  [
    'an unstable sgd learning rate',
    HEAD + 'base: { width: 1000, d: 20 }\ngrid: { lr: [0.001, 0.01] }\n',
    'grid.lr[1]',
    ['unstable learning rate', 'lr: 0.01, alpha: 1, width: 1000, d: 20', 'lr·alpha²·(width + d) = 10.2 > 2', 'allow_unstable: true', "'diverged'"],
  ],
  [
    'an lr_rule that is unstable at some width',
    HEAD + 'base: { d: 20 }\ngrid: { width: [10, 1000] }\nlr_rule: { eta_alpha2_width: 1.9 }\n',
    'lr_rule.eta_alpha2_width',
    ['unstable learning rate', 'width: 10', '= 5.7 > 2'],
  ],
  [
    'an unstable oscillate learning rate',
    HEAD + 'base: { optimizer: oscillate, n: 20, d: 20, width: 1000, lr: 0.05 }\n',
    'base.lr',
    ['unstable learning rate', 'optimizer: oscillate', 'lr·(width·√lr/2)·(1 + √(d/n))²', '> 2'],
  ],
  ['an sgd learning rate unstable at the default width', HEAD + 'base: { alpha: 2 }\n', 'default', ['unstable learning rate', 'alpha: 2']],
];

describe('bad sweep files', () => {
  test.each(cases)('%s', (_name, text, path, reasons) => {
    const file = sweepFile(text);
    let error: unknown;
    try {
      planSweep(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SweepSpecError);
    const err = error as SweepSpecError;
    expect(err.name).toBe('SweepSpecError');
    expect(err.source).toBe(file);
    const line = err.message.split('\n').find((l) => l.startsWith(`[sweep] ${file}: ${path}`));
    expect(line, err.message).toBeDefined();
    for (const reason of reasons) expect(line, err.message).toContain(reason);
  });
});

describe('how problems are reported', () => {
  test('a missing file names the file and the reason', () => {
    expect(() => loadSweep('/nonexistent/x.yaml')).toThrow('[sweep] /nonexistent/x.yaml: cannot read the sweep file: no such file (ENOENT)');
  });

  test('a directory is not a sweep file', () => {
    expect(() => loadSweep(sweepFile(HEAD).replace(/[^/]+$/, ''))).toThrow(/a folder, not a sweep file/);
  });

  test('all problems of a file come together, one per line', () => {
    const file = sweepFile('name: t\nseed: -1\nbase: { widht: 1, sigma: -2 }\ngrid: { rho: [] }\nzip: [{ n: [1], d: [1, 2] }]\n');
    const lines = (() => {
      try {
        loadSweep(file);
      } catch (e) {
        return (e as Error).message.split('\n');
      }
      return [];
    })();
    expect(lines.map((l) => l.slice(`[sweep] ${file}: `.length).split(':')[0])).toEqual(['seed', 'base.widht', 'base.sigma', 'grid.rho', 'zip[0]']);
  });

  test('YAML errors chain the parser error as the cause', () => {
    try {
      loadSweep(sweepFile('a: [\n'));
      expect.unreachable();
    } catch (e) {
      expect((e as Error).cause).toBeInstanceOf(Error);
    }
  });

  test('the kernel conflict chains resolveKernel’s error as the cause', () => {
    try {
      loadSweep(sweepFile(HEAD + 'base: { optimizer: oscillate, kernel: subspace, lr: 0.0001 }\n'));
      expect.unreachable();
    } catch (e) {
      expect(String(((e as Error).cause as Error).message)).toContain('not exact');
    }
  });

  test('the same problem in many runs is reported once', () => {
    const file = sweepFile(HEAD + 'base: { n: 10, batch: 20 }\ngrid: { sigma: [0, 1, 2, 3] }\nreplicates: 3\n');
    expect(() => loadSweep(file)).toThrow(SweepSpecError);
    try {
      loadSweep(file);
    } catch (e) {
      expect((e as SweepSpecError).problems).toHaveLength(1);
    }
  });

  test('a sweep that expands too far is refused before expanding', () => {
    const big = `grid: { sigma: { linspace: [0, 1, 1000] }, rho: { linspace: [0, 1, 1000] } }\nreplicates: 2\n`;
    expect(() => loadSweep(sweepFile(HEAD + big))).toThrow(/expands to 2000000 runs.*at most 1000000/);
  });
});
