/**
 * Output that cannot be written, from the minor list of issue 22: `merge` on a read-only file system is bad input
 * (exit 2, as `report` is) and says nothing of free space; a full disk that refuses plan.json leaves no empty runs/
 * and hints to rerun, not `merge` (which has no plan to read). Both need root, for a mount, as in CI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { requireComponent, titled } from '../support/components.js';

const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' });
const mountError = (r: ReturnType<typeof mount>) => (r.status === 0 ? null : `mount ${r.stderr || r.error?.message}`.trim());

describe('output that cannot be written', () => {
  const dir = tempDir();
  const probe = join(dir, 'probe');
  mkdirSync(probe);
  const skip = requireComponent(
    'mount (tmpfs, read-only binds; as root)',
    mountError(mount('-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe)),
    'run the tests as root, as CI does',
  );
  const mounted: string[] = skip === null ? [probe] : [];
  afterAll(() => {
    for (const m of mounted.reverse()) spawnSync('umount', [m]);
  });

  it.skipIf(skip !== null)(titled('merge on a read-only file system is one line, exit 2, as report is, and mentions no free space', skip), () => {
    const out = join(dir, 'out');
    expect(
      runCli([
        'run',
        writeSweep(
          dir,
          'ro',
          `name: ro\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\ngrid: { sigma: [0, 1], alpha: [1, 2] }\n`,
        ),
        '--out',
        out,
      ]).code,
    ).toBe(0);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    expect(mountError(mount('--bind', out, ro))).toBeNull();
    mounted.push(ro);
    expect(mountError(mount('-o', 'remount,bind,ro', ro))).toBeNull();
    const before = readdirSync(ro).sort();
    const merge = runCli(['merge', ro]);
    expect(merge.code, merge.stderr).toBe(2);
    expect(merge.stderr.trim()).toBe(`[run] cannot write in ${ro} (EROFS: read-only file system); nothing was changed`);
    const report = runCli(['report', ro]);
    expect(report.code, report.stderr).toBe(2);
    expect(report.stderr).toContain('EROFS');
    expect(readdirSync(ro).sort()).toEqual(before);
  });

  it.skipIf(skip !== null)(titled('a full disk that refuses plan.json leaves no runs/ and hints to rerun, not merge', skip), () => {
    // a plan of 4000 runs (≈ 3 MB of JSON) on a 64 KB disk: the lock fits, plan.json does not
    const out = join(probe, 'out');
    const big = writeSweep(
      dir,
      'big',
      `name: big\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\nreplicates: 4000\n`,
    );
    const r = runCli(['run', big, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^\[lnsweep\] could not write the output \(ENOSPC\): .*plan\.json.*; no run was started; once the cause is fixed, rerun the same command$/,
    );
    expect(r.stderr).not.toContain('lnsweep merge');
    expect(existsSync(join(out, 'runs'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });
});
