/**
 * The shape checks of a sweep file (src/sweep/shape.ts) in their corners: every line a file gets, in order. The
 * expected lines are the ones these files got when a schema library did the checking (5,500 generated files gave the
 * same lines before and after the change, bar one library quirk noted below), so a change here changes what users see.
 */
import { describe, expect, test } from 'vitest';
import { parseSweepShape } from '../../src/sweep/spec.js';
import { SweepSpecError } from '../../src/sweep/index.js';

function lines(text: string): string[] {
  try {
    parseSweepShape(text, 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SweepSpecError);
    return (e as Error).message.split('\n').map((l) => l.replace('[sweep] f.yaml: ', ''));
  }
  return [];
}

const HEAD = 'name: t\nseed: 1\n';

describe('shape problems, all of them, in order', () => {
  test.each<[string, string, string[]]>([
    [
      'every top-level key of the wrong type, then unknown keys, nested ones within their mapping',
      'name: 5\nseed: x\nbase: 3\ngrid: []\nzip: {}\nreplicates: 0\nlr_rule: 3\nsteps_rule: []\nallow_unstable: 1\nrefine: { metric: 3, bad: 1 }\nxx: 1\n',
      [
        'name: must be a string (got 5)',
        'seed: must be a number (got the string "x")',
        'base: must be a mapping (got 3)',
        'grid: must be a mapping (got a list)',
        'zip: must be a list (got a mapping)',
        'replicates: must be ≥ 1 (got 0)',
        'lr_rule: must be a mapping (got 3)',
        'steps_rule: must be a mapping (got a list)',
        'allow_unstable: must be true or false (got 1)',
        'refine.metric: must be a string (got 3)',
        'refine.bad: unknown key',
        'xx: unknown key',
      ],
    ],
    ['an integer past 2^53 − 1', HEAD.replace('seed: 1', 'seed: 1e20'), ['seed: must be ≤ 9007199254740991 (got 100000000000000000000)']],
    [
      'a negative integer past −(2^53 − 1) breaks both bounds',
      HEAD.replace('seed: 1', 'seed: -1e20'),
      ['seed: must be ≥ -9007199254740991 (got -100000000000000000000)', 'seed: must be ≥ 0 (got -100000000000000000000)'],
    ],
    [
      'a range with one value too many: its length, then each of the first three',
      HEAD + 'grid: { alpha: { linspace: ["a", -1, 2.5, 7] } }\n',
      [
        'grid.alpha.linspace: must have at most 3 item(s) (got 4)',
        'grid.alpha.linspace[0]: must be a number (got the string "a")',
        'grid.alpha.linspace[2]: must be an integer (got 2.5)',
      ],
    ],
    [
      'a range end past 2^53 − 1',
      HEAD + 'grid: { width: { range: [0, 1152921504606847000, 1] } }\n',
      ['grid.width.range[1]: must be ≤ 9007199254740991 (got 1152921504606847000)'],
    ],
    [
      'each bad item of a list-valued parameter',
      HEAD + 'grid: { snapshot_steps: [[1.5, -1, "x"]] }\n',
      [
        'grid.snapshot_steps[0][0]: must be an integer (got 1.5)',
        'grid.snapshot_steps[0][1]: must be ≥ 0 (got -1)',
        'grid.snapshot_steps[0][2]: must be a number (got the string "x")',
      ],
    ],
    ['NaN is not a number', HEAD + 'base: { lr: .nan }\n', ['base.lr: must be a number (got NaN)']],
    [
      'an empty value for a choice',
      HEAD + 'base: { optimizer: null }\n',
      ["base.optimizer: must be one of 'sgd', 'sam', 'gd', 'oscillate' (got an empty value)"],
    ],
    ['a name of dots', 'name: ".."\nseed: 1\n', ['name: must not be only dots, as it names the output folder (got the string "..")']],
    [
      'an empty name',
      'name: ""\nseed: 1\n',
      ["name: must use only letters, digits, '.', '_' and '-', as it names the output folder (got the string \"\")"],
    ],
    [
      'too many refine axes: the count only',
      HEAD + 'grid: { sigma: [0, 1] }\nrefine: { metric: collapsed, axes: [1, 2, 3] }\n',
      ['refine.axes: must have at most 2 item(s) (got 3)'],
    ],
    [
      'no refine axes',
      HEAD + 'grid: { sigma: [0, 1] }\nrefine: { metric: collapsed, axes: [] }\n',
      ['refine.axes: must have at least 1 item(s) (got 0)'],
    ],
    // The schema library also said "must be ≤ 2" here, comparing the string's length: one line is the right answer.
    [
      'refine axes as a string',
      HEAD + 'grid: { sigma: [0, 1] }\nrefine: { metric: collapsed, axes: sgd }\n',
      ['refine.axes: must be a list (got the string "sgd")'],
    ],
    [
      'steps_rule without its values: required by shape and by the rule',
      HEAD + 'steps_rule: {}\n',
      [
        'steps_rule.noise_time: is required',
        'steps_rule.max_steps: is required',
        'steps_rule.noise_time: is required (steps = ⌈noise_time·batch/(lr²·σ̄²)⌉, at most max_steps)',
        'steps_rule.max_steps: is required (steps = ⌈noise_time·batch/(lr²·σ̄²)⌉, at most max_steps)',
      ],
    ],
  ])('%s', (_what, text, expected) => {
    expect(lines(text)).toEqual(expected);
  });
});

test('a valid refine request comes back with its keys in one order, whatever order the file gave', () => {
  const spec = parseSweepShape(
    HEAD + 'grid: { sigma: [0, 1], width: [1, 2] }\nrefine: { budget: 5, level: 0.3, axes: [width, sigma], metric: collapsed, rounds: 2 }\n',
    'f.yaml',
  );
  expect(JSON.stringify(spec.refine)).toBe('{"metric":"collapsed","level":0.3,"rounds":2,"budget":5,"axes":["width","sigma"]}');
});
