/**
 * Run ids are read from files anyone who can write the folder may edit (plan.json, file names in runs/): each is
 * checked for its exact form before a path is built from it (issue 22, severe 1: a plan.json run_id
 * `../../../etc/passwd` was accepted by status and merge, and merge wrote a 0-run summary).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { neuronsFilePath, readSummary, realDataFilePath, runFilePath } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: ids
seed: 4
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }
grid: { sigma: [0.5, 1] }
`;

/** Every path under `dir`, for "nothing was written anywhere". */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('run ids of another form', () => {
  it('a plan.json run_id such as ../../../etc/passwd is refused by status, merge and run in one line, and nothing is written', () => {
    const dir = tempDir();
    const out = join(dir, 'a', 'b', 'out');
    const sweep = writeSweep(dir, 'ids', SWEEP);
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const planPath = join(out, 'plan.json');
    const plan = JSON.parse(readFileSync(planPath, 'utf8')) as { runs: { run_id: string }[] };
    plan.runs[1].run_id = '../../../etc/passwd';
    writeFileSync(planPath, JSON.stringify(plan));
    const summaryBefore = readFileSync(join(out, 'summary.arrow'));
    const before = tree(dir);

    for (const args of [
      ['status', out],
      ['merge', out],
      ['run', sweep, '--out', out],
      ['report', out],
    ]) {
      const r = runCli(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), args[0]).toHaveLength(1);
      expect(r.stderr).toContain(`${planPath}: runs[1].run_id "../../../etc/passwd" is not a run id (16 lowercase hex characters)`);
    }
    expect(tree(dir)).toEqual(before);
    expect(readFileSync(join(out, 'summary.arrow')).equals(summaryBefore)).toBe(true);
    expect(readSummary(join(out, 'summary.arrow'))).toHaveLength(2);
  });

  it('the run path builders refuse an id of another form themselves, so no caller can forget', () => {
    for (const build of [runFilePath, neuronsFilePath, realDataFilePath]) {
      for (const bad of ['../../evil_target/pwned', '0123456789ABCDEF', '0123456789abcde', '0123456789abcdef0', '', '/etc/passwd']) {
        expect(() => build('/out', bad), `${build.name}(${bad})`).toThrow(`run id ${JSON.stringify(bad)} is not one (16 lowercase hex characters)`);
      }
      expect(build('/out', '0123456789abcdef').startsWith('/out/runs/0123456789abcdef.')).toBe(true);
    }
  });

  it('files in runs/ that are no run of the plan are kept and not called finished runs', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const sweep = writeSweep(dir, 'ids', SWEEP);
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    writeFileSync(join(out, 'runs', 'garbage.arrow'), 'not arrow at all');
    writeFileSync(join(out, 'runs', 'ffffffffffffffff.arrow'), 'not arrow either');
    const r = runCli(['run', sweep, '--out', out, '--progress', 'plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('finished run(s)');
    // garbage.arrow is no run id at all; ffffffffffffffff.arrow is named as one this plan lacks
    expect(r.stderr).toContain(`1 file(s) in ${join(out, 'runs')} named as runs this plan does not have; kept as they are`);
    expect(r.stderr).toContain('2 runs, 2 already finished, 0 to do');
    expect(existsSync(join(out, 'runs', 'garbage.arrow'))).toBe(true);
    expect(existsSync(join(out, 'runs', 'ffffffffffffffff.arrow'))).toBe(true);
  });
});
