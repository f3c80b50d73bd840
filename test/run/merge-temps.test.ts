import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

// 20 runs. The merge is interrupted half-way through writing metrics.arrow by holding it there with the fault hook
// (src/run/faults.ts: "merge" after 10 runs), not by racing the write.
const SWEEP = `name: mergetemps
seed: 2
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 2000, log_every: 20, sigma: 1 }
replicates: 20
`;

const tempsIn = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp-[0-9a-f]{8}-/.test(f));

/** A pid that certainly belongs to no process: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

describe('merge and temp files', () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const sweep = writeSweep(dir, 'mergetemps', SWEEP);

  it('at start-up removes temp files of dead processes anywhere in the folder, and keeps the rest', () => {
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const dead = deadPid();
    const orphans = [
      join(out, `.metrics.arrow.tmp-0badf00d-${dead}-${hostname()}`),
      join(out, `.summary.arrow.tmp-0badf00d-${dead}-${hostname()}`),
      join(out, 'runs', `.0123456789abcdef.arrow.tmp-0badf00d-${dead}-${hostname()}`),
    ];
    const live = join(out, `.report.html.tmp-0badf00d-${process.pid}-${hostname()}`);
    const users = join(out, '.notes.tmp-mine');
    for (const p of [...orphans, live, users]) writeFileSync(p, 'x');
    const merge = runCli(['merge', out]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(tempsIn(out).sort()).toEqual([`.report.html.tmp-0badf00d-${process.pid}-${hostname()}`]);
    expect(readdirSync(out)).toContain('.notes.tmp-mine');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`interrupted by ${signal} while writing metrics.arrow leaves no temp file and exits 130`, async () => {
      for (const t of tempsIn(out)) spawnSync('rm', ['-f', join(out, t)]);
      const before = statSync(join(out, 'metrics.arrow')); // the first test's merge wrote it
      const release = join(dir, `release-${signal}`);
      const merge = startCli(['merge', out], { LNSWEEP_FAULTS: JSON.stringify({ merge: { hold_after_runs: 10, release_file: release } }) });
      const held = `${release}.held-merge`;
      while (!existsSync(held)) {
        if (merge.exitCode !== null) throw new Error(`the merge ended before holding:\n${merge.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // held after 10 of 20 runs: the new metrics.arrow exists only as its temp file, half written
      expect(readdirSync(out).filter((f) => f.startsWith('.metrics.arrow.tmp-'))).toHaveLength(1);
      merge.kill(signal); // handled as soon as the merge goes on, at its next batch
      writeFileSync(release, '');
      const { code } = await exited(merge);
      expect(code, merge.output()).toBe(130);
      expect(merge.output()).toContain('merge interrupted');
      expect(tempsIn(out)).toEqual([]);
      const after = statSync(join(out, 'metrics.arrow'));
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]); // never replaced by the half-written one
    });
  }
});
