import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyArrowFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { requireComponent, titled } from '../support/components.js';

// Each run file is ≈ 90 KB (701 rows × 16 columns); a 320 KB disk holds a few of them, then fills up.
const SWEEP = `name: fulldisk
seed: 1
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 7000, log_every: 10 }
replicates: 6
`;

/** A real full disk: a small tmpfs (needs root and mount, as in CI and on this machine). */
function mountSmallDisk(dir: string): string | null {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=320k', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `cannot mount a small tmpfs to fill (${(r.stderr || r.error?.message || '').trim()})`;
}

describe('a full disk', () => {
  const dir = tempDir();
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  const skip = requireComponent('a small tmpfs (mount -t tmpfs, as root)', mountSmallDisk(disk), 'run the tests as root, as CI does');
  afterAll(() => void (skip === null && spawnSync('umount', [disk])));

  it.skipIf(skip !== null)(titled('stops dispatch at the first write it cannot keep, names the file, and loses no finished run', skip), () => {
    const out = join(disk, 'out');
    const r = runCli(['run', writeSweep(dir, 'fulldisk', SWEEP), '--out', out, '--workers', '1', '--progress', 'plain']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/failed: ArrowFileError: \[io\] .*runs\/[0-9a-f]{16}\.arrow: could not write: ENOSPC/);
    const files = readdirSync(join(out, 'runs'));
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    const finished = files.filter((f) => f.endsWith('.arrow'));
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(6);
    for (const f of finished) expect(verifyArrowFile(join(out, 'runs', f)).ok).toBe(true);
    // one worker: the run whose write failed is the only failure; the rest never started
    expect(r.stderr).toContain(`${finished.length} done, 0 diverged, 1 failed, 0 already finished, ${5 - finished.length} pending`);
    expect(r.stderr).toContain('starting no new runs');
    expect(r.stderr).toContain(`the disk under ${out} is full. Every finished run is kept`);
  });

  it.skipIf(skip !== null)(`during merge is one line naming the file, exit 1, and leaves no temp file${skip ? ` (skipped: ${skip})` : ''}`, () => {
    const made = join(dir, 'made');
    const small = `name: mergefull
seed: 1
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 3000, log_every: 10 }
replicates: 6
`;
    expect(runCli(['run', writeSweep(dir, 'mergefull', small), '--out', made]).code).toBe(0);
    // a disk with room for the folder and a little more: summary.arrow fits, metrics.arrow (every row) does not
    const bytes = Number(spawnSync('du', ['-sb', made], { encoding: 'utf8' }).stdout.split('\t')[0]);
    const tight = join(dir, 'tight');
    mkdirSync(tight);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / 4096) * 4 + 96}k`, 'tmpfs', tight]);
    expect(mounted.status, String(mounted.stderr)).toBe(0);
    try {
      expect(spawnSync('cp', ['-r', made, join(tight, 'out')]).status).toBe(0);
      const r = runCli(['merge', join(tight, 'out')]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/metrics\.arrow: could not write: .*ENOSPC/);
      expect(readdirSync(join(tight, 'out'), { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.tmp-'))).toEqual([]);
    } finally {
      spawnSync('umount', [tight]);
    }
  });
});
