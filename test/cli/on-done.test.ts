/**
 * `--on-done 'CMD'` (run, worker, refine): CMD runs through the shell when the command ends, however it ends, with
 * the folder's outcome in LNSWEEP_* variables; its own failure never changes lnsweep's exit status.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = 'name: od\nseed: 1\nbase: { n: 10, d: 3, width: 4, steps: 50, log_every: 25 }\ngrid: { sigma: [0, 1, 2] }\n';

/** The LNSWEEP_* variables the hook saw (it writes `env` into `file`). */
function seen(file: string): Record<string, string> {
  const vars = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('LNSWEEP_'))
    .map((l): [string, string] => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
  return Object.fromEntries(vars.filter(([k]) => k !== 'LNSWEEP_FAULTS'));
}

describe('--on-done', () => {
  const dir = tempDir('lnsweep-ondone-');
  const sweep = writeSweep(dir, 'od', SWEEP);
  const out = join(dir, 'out');
  const hook = (name: string) => `env > ${join(dir, name)}`;

  it('run: the hook sees the folder and its counts, and the exit status', () => {
    const r = runCli(['run', sweep, '--out', out, '--progress', 'none', '--on-done', hook('ok.env')]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen(join(dir, 'ok.env'))).toEqual({
      LNSWEEP_OUT: resolve(out),
      LNSWEEP_DONE: '3',
      LNSWEEP_DIVERGED: '0',
      LNSWEEP_FAILED: '0',
      LNSWEEP_PENDING: '0',
      LNSWEEP_EXIT: '0',
    });
  });

  it('a run that fails: exit 1 in the hook; a hook that fails leaves exit 1 as it was, and says so', () => {
    const plan = JSON.parse(runCli(['plan', sweep, '--json']).stdout) as { runs: { run_id: string }[] };
    const fresh = join(dir, 'failing');
    const faults = { LNSWEEP_FAULTS: JSON.stringify({ [plan.runs[1].run_id]: 'throw' }) };
    const r = runCli(['run', sweep, '--out', fresh, '--progress', 'none', '--on-done', `${hook('failed.env')}; exit 3`], faults);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("[lnsweep] --on-done command exited 3; lnsweep's own exit status stays 1");
    expect(seen(join(dir, 'failed.env'))).toMatchObject({ LNSWEEP_DONE: '2', LNSWEEP_FAILED: '1', LNSWEEP_PENDING: '0', LNSWEEP_EXIT: '1' });
    // a successful run with a failing hook still exits 0
    const ok = runCli(['run', sweep, '--out', out, '--progress', 'none', '--on-done', 'exit 9']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain("--on-done command exited 9; lnsweep's own exit status stays 0");
    // and a hook that cannot even start (no such program) as well
    const missing = runCli(['run', sweep, '--out', out, '--progress', 'none', '--on-done', 'no-such-program-here']);
    expect(missing.code).toBe(0);
  });

  it('bad input: the hook still runs, with exit 2 and no folder', () => {
    const r = runCli(['run', join(dir, 'nope.yaml'), '--progress', 'none', '--on-done', hook('bad.env')]);
    expect(r.code).toBe(2);
    expect(seen(join(dir, 'bad.env'))).toMatchObject({ LNSWEEP_OUT: '', LNSWEEP_DONE: '', LNSWEEP_EXIT: '2' });
  });

  it('refine and worker have it too', () => {
    const r = runCli(['refine', out, '--metric', 'diverged', '--rounds', '0', '--progress', 'none', '--on-done', hook('refine.env')]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen(join(dir, 'refine.env'))).toMatchObject({ LNSWEEP_OUT: resolve(out), LNSWEEP_DONE: '3', LNSWEEP_EXIT: '0' });
    // a worker whose Redis does not answer: exit 2, and the hook is told
    const w = runCli(['worker', '--queue', 'redis://127.0.0.1:1', '--out', out, '--on-done', hook('worker.env')]);
    expect(w.code).toBe(2);
    expect(seen(join(dir, 'worker.env'))).toMatchObject({ LNSWEEP_OUT: resolve(out), LNSWEEP_DONE: '3', LNSWEEP_EXIT: '2' });
  });
});
