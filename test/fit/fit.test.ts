/**
 * `lnsweep fit` on a sweep it ran (σ × lr × width, 3 replicates, steps_rule): the exponents equal an independent
 * least-squares fit of the same runs by numpy (reading summary.arrow itself) to 1e-9, the intervals contain them, the
 * same seed gives the same intervals, another seed other ones, and the runs left out are counted.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArrowFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { requirePythonReaders, titled } from '../support/components.js';

const SWEEP = `
name: fit-scaling
seed: 5
base: { n: 20, d: 5, optimizer: sgd, noise: rademacher, alpha: 1 }
grid:
  sigma: [0, 1, 2, 4]
  lr: { logspace: [0.004, 0.016, 3] }
  width: [20, 40, 80]
steps_rule: { noise_time: 2, max_steps: 150000, log_rows: 300 }
replicates: 3
`;

const missing = requirePythonReaders();

/** numpy's lstsq of log M on [1, log σ, log lr, log m] over summary.arrow's finished runs that reached the marker. */
const NUMPY = `
import json, sys, numpy as np, pyarrow.feather as feather
s = feather.read_table(sys.argv[1] + "/summary.arrow").to_pandas()
s = s[(s.status == "done") & s.lazy_escape_step.notna() & (s.sigma > 0)]
X = np.column_stack([np.ones(len(s)), np.log(s.sigma), np.log(s.lr), np.log(s.width.astype(float))])
beta, *_ = np.linalg.lstsq(X, np.log(s.lazy_escape_step.astype(float)), rcond=None)
print(json.dumps({"beta": beta.tolist(), "n": len(s)}))
`;

const fitRows = (dir: string) => {
  const t = readArrowFile(join(dir, 'fit-lazy_escape_step.arrow'));
  const col = (name: string) => [...t.getChild(name)!] as unknown[];
  return {
    param: col('param'),
    exponent: col('exponent') as number[],
    lo: col('ci_lo') as number[],
    hi: col('ci_hi') as number[],
    theory: col('theory_exponent'),
    meta: Object.fromEntries(t.schema.metadata),
  };
};

describe.skipIf(missing !== null)(titled('lnsweep fit', missing), () => {
  const dir = join(tempDir('lnsweep-fit-'), 'out');
  const ran = runCli(['run', writeSweep(join(dir, '..'), 'fit', SWEEP), '--out', dir, '--workers', '2', '--progress', 'none']);
  const first = runCli(['fit', dir, '--metric', 'lazy_escape_step']);
  const rows1 = first.code === 0 ? fitRows(dir) : null;

  it('prints and writes exponents equal to numpy least squares of the same runs, to 1e-9, with intervals that contain them', () => {
    expect(ran.code, ran.stderr).toBe(0);
    expect(first.code, first.stderr).toBe(0);
    const numpy = JSON.parse(execFileSync('python3', ['-c', NUMPY, dir], { encoding: 'utf8' })) as { beta: number[]; n: number };
    const r = rows1!;
    expect(r.param).toEqual(['sigma', 'lr', 'width']);
    r.exponent.forEach((b, j) => expect(Math.abs(b - numpy.beta[j + 1])).toBeLessThan(1e-9));
    expect(Math.abs(Number(r.meta['lnsweep.intercept']) - numpy.beta[0])).toBeLessThan(1e-9);
    expect(Number(r.meta['lnsweep.n_runs'])).toBe(numpy.n);
    r.exponent.forEach((b, j) => {
      expect(r.lo[j]).toBeLessThan(b);
      expect(r.hi[j]).toBeGreaterThan(b);
    });
    expect(r.theory).toEqual([-2, -2, -0.5]);
    expect(r.meta['lnsweep.resamples']).toBe('1000');
    // the printed table has the same numbers and the theory beside them
    expect(first.stdout).toMatch(new RegExp(`sigma\\s+${r.exponent[0].toFixed(4)}\\s+\\[${r.lo[0].toFixed(4)}, ${r.hi[0].toFixed(4)}\\]\\s+-2`));
    expect(first.stdout).toContain('width');
  });

  it('counts the runs it leaves out: σ = 0 never escapes its lazy ball, a diverged run is not finished', () => {
    const excluded = JSON.parse(rows1!.meta['lnsweep.excluded']) as Record<string, number>;
    const summary = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import json,sys,pyarrow.feather as f; s=f.read_table(sys.argv[1]+"/summary.arrow").to_pandas(); print(json.dumps({"nr": int(((s.status=="done") & s.lazy_escape_step.isna()).sum()), "nd": int((s.status!="done").sum())}))',
          dir,
        ],
        { encoding: 'utf8' },
      ),
    ) as { nr: number; nd: number };
    expect(excluded['never reached'] ?? 0).toBe(summary.nr);
    expect(summary.nr).toBeGreaterThanOrEqual(27); // every σ = 0 run at least
    expect(first.stdout).toContain(`${summary.nr} never reached`);
  });

  it('gives the same intervals for the same seed and other ones for another seed', () => {
    const bytes = readFileSync(join(dir, 'fit-lazy_escape_step.arrow'));
    expect(runCli(['fit', dir, '--metric', 'lazy_escape_step']).code).toBe(0);
    const again = fitRows(dir);
    expect([again.lo, again.hi]).toEqual([rows1!.lo, rows1!.hi]);
    expect(runCli(['fit', dir, '--metric', 'lazy_escape_step', '--seed', '2']).code).toBe(0);
    const other = fitRows(dir);
    expect(other.exponent).toEqual(rows1!.exponent);
    expect(other.lo).not.toEqual(rows1!.lo);
    expect(bytes.length).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown metric', ['--metric', 'nope'], /--metric nope: not a summary column/],
    ['a parameter that does not vary', ['--metric', 'lazy_escape_step', '--params', 'sigma,alpha'], /--params: 'alpha' does not vary/],
    [
      "Object.prototype's __proto__ as a parameter",
      ['--metric', 'lazy_escape_step', '--params', '__proto__'],
      /--params: '__proto__' is not a numeric parameter/,
    ],
    [
      "Object.prototype's constructor as a parameter",
      ['--metric', 'lazy_escape_step', '--params', 'sigma,constructor'],
      /--params: 'constructor' is not a numeric/,
    ],
    ['a bad --where', ['--metric', 'lazy_escape_step', '--where', 'sigma~1'], /--where 'sigma~1': not KEY OP VALUE/],
    ['too few resamples', ['--metric', 'lazy_escape_step', '--resamples', '5'], /--resamples: must be a whole number from 100/],
  ])('refuses %s: exit 2, one line', (_name, flags, message) => {
    const r = runCli(['fit', dir, ...flags]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('--where narrows the runs: width ≥ 40 fits fewer runs', () => {
    const r = runCli(['fit', dir, '--metric', 'lazy_escape_step', '--where', 'width>=40']);
    expect(r.code, r.stderr).toBe(0);
    expect(Number(fitRows(dir).meta['lnsweep.n_runs'])).toBeLessThan(Number(rows1!.meta['lnsweep.n_runs']));
    expect(fitRows(dir).meta['lnsweep.where']).toBe('width>=40');
  });
});
