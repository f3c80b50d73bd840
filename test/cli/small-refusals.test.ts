/**
 * The minor list of issue 22: each case, rerun as the issue writes it, gets one clear line and the right status.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, writeSweep } from '../helpers.js';

/** The CLI with its standard output on `file` (a device such as /dev/full). */
function withStdout(file: string, args: string[]): { code: number | null; stderr: string } {
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    return { code: r.status, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

const oneLine = (stderr: string) => expect(stderr.trim().split('\n'), stderr).toHaveLength(1);

describe('small refusals', () => {
  const dir = tempDir();
  const tiny = writeSweep(
    dir,
    'tiny',
    `name: tiny\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\ngrid: { sigma: [0, 1] }\n`,
  );

  it('--help and --version on a full disk (stdout to /dev/full) say so and exit 1', () => {
    for (const args of [['--help'], ['--version'], ['run', '--help']]) {
      const r = withStdout('/dev/full', args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim()).toBe('[lnsweep] cannot write to standard output: ENOSPC: no space left on device, write');
    }
    expect(withStdout('/dev/null', ['--help']).code).toBe(0);
  });

  it('plan - says that a sweep file is needed, instead of naming an empty file', () => {
    const r = runCli(['plan', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("[sweep] -: give the sweep file's path (a sweep is not read from standard input)");
  });

  it('run --engine tfjs of an oscillate sweep names --engine as where tfjs came from', () => {
    const osc = writeSweep(
      dir,
      'osc',
      `name: osc\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.0001, steps: 200, log_every: 100, optimizer: oscillate }\n`,
    );
    const r = runCli(['run', osc, '--engine', 'tfjs', '--out', join(dir, 'osc')]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('engine is tfjs, from --engine');
  });

  it("bench --only '' is refused instead of running every section", () => {
    const r = runCli(['bench', '--only', '', '--out', join(dir, 'bench')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("--only '': name at least one section (sections: wasm, whole-run, per-run, folder, kernels, orchestrator, tfjs)");
  });

  it('refine --axes __proto__ (or constructor) is one line naming the flag, not a stack trace', () => {
    const out = join(dir, 'refine');
    expect(runCli(['run', tiny, '--out', out]).code).toBe(0);
    for (const key of ['__proto__', 'constructor']) {
      const r = runCli(['refine', out, '--metric', 'collapsed', '--axes', key]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim()).toBe(`--axes: '${key}' is not a parameter; valid: sigma`);
    }
  });
});
