import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyArrowFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

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
  const skip = mountSmallDisk(disk);
  afterAll(() => void (skip === null && spawnSync('umount', [disk])));

  it.skipIf(skip !== null)(`stops dispatch at the first write it cannot keep, names the file, and loses no finished run${skip ? ` (skipped: ${skip})` : ''}`, () => {
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
});
