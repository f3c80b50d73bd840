/**
 * What the command line says next: a typo gets the nearest command or flag (as the sweep-file checks' "did you
 * mean"), a missing folder the command's usage, an output folder where a sweep file belongs says so, a plain run no
 * shard line, and a finished run the commands that look at it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { expectRefusal, runCliFor } from './helpers.js';

const SWEEP = 'name: nx\nseed: 1\nbase: { n: 10, d: 3, width: 4, steps: 50, log_every: 25 }\ngrid: { sigma: [0, 1] }\n';

describe('typos', () => {
  it('a mistyped command: the nearest one', () => {
    expectRefusal(runCliFor(['rnu', 'sweeps/smoke.yaml']), "unknown command 'rnu' (did you mean 'run'?); `lnsweep --help` lists the commands");
    expectRefusal(runCliFor(['stauts', 'out/x']), "unknown command 'stauts' (did you mean 'status'?)");
  });

  it("a mistyped flag: the command's nearest flag, for each", () => {
    expectRefusal(
      runCliFor(['run', 'sweeps/smoke.yaml', '--wokers', '2']),
      "--wokers: unknown option of `lnsweep run` (did you mean '--workers'?); `lnsweep run --help` lists them",
    );
    expectRefusal(
      runCliFor(['status', 'out/x', '--jsno', '--wach']),
      "--jsno: unknown option of `lnsweep status` (did you mean '--json'?); --wach: unknown option of `lnsweep status` (did you mean '--watch'?)",
    );
    // nothing near: no guess
    expectRefusal(
      runCliFor(['plan', 'sweeps/smoke.yaml', '--zzzzzz']),
      /^--zzzzzz: unknown option of `lnsweep plan`; `lnsweep plan --help` lists them$/,
    );
  });
});

describe('missing arguments', () => {
  it.each([['status'], ['report'], ['serve'], ['merge']])('`lnsweep %s` with no folder shows its usage (exit 2)', (command) => {
    const r = runCliFor([command]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`lnsweep ${command} <dir>: missing <dir>`);
    expect(r.stderr).toContain('Positionals:');
    expect(r.stderr).toContain('Options:');
    expect(r.stderr).not.toContain('Not enough non-option arguments');
  });
});

describe('a folder where a sweep file belongs', () => {
  const dir = tempDir('lnsweep-next-');
  const sweep = writeSweep(dir, 'nx', SWEEP);
  const out = join(dir, 'out');
  const run = runCli(['run', sweep, '--out', out, '--progress', 'none']);

  it('an output folder: says so and names the commands that look at it, and its sweep file', () => {
    expect(run.code, run.stderr).toBe(0);
    expectRefusal(
      runCliFor(['plan', out]),
      `[sweep] ${out}: a folder, not a sweep file: the output folder of a sweep (its sweep file: ${sweep}); \`lnsweep status ${out}\`, \`lnsweep report ${out}\` or \`lnsweep serve ${out}\` look at it`,
    );
    expectRefusal(runCliFor(['run', out]), 'a folder, not a sweep file');
  });

  it('any other folder: not EISDIR', () => {
    mkdirSync(join(dir, 'empty'));
    expectRefusal(
      runCliFor(['plan', join(dir, 'empty')]),
      `[sweep] ${join(dir, 'empty')}: a folder, not a sweep file (sweep files are YAML, e.g. sweeps/smoke.yaml)`,
    );
  });

  it('a plain run says nothing of shards, and ends naming report and serve for its folder', () => {
    expect(run.stderr).not.toContain('taking');
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `[lnsweep] look at it: npx lnsweep report ${out} (writes ${out}/report.html), or npx lnsweep serve ${out} (a live page)`,
    );
    const shard = runCli(['run', sweep, '--out', out, '--progress', 'none', '--shard', '1/2']);
    expect(shard.code, shard.stderr).toBe(0);
    expect(shard.stderr).toContain('[lnsweep] taking shard 1/2 from --shard');
  });
});
