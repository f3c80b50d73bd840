import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

// 20 runs of 10,001 rows each: metrics.arrow is ≈ 30 MB, so its write takes long enough to be interrupted.
const SWEEP = `name: mergetemps
seed: 2
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 20000, log_every: 2, sigma: 1 }
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
      const merge = startCli(['merge', out]);
      let seen = false;
      await new Promise<void>((res) => {
        const poll = setInterval(() => {
          if (readdirSync(out).some((f) => f.startsWith('.metrics.arrow.tmp-'))) {
            seen = true;
            merge.kill(signal);
          }
          if (seen || merge.exitCode !== null) {
            clearInterval(poll);
            res();
          }
        }, 2);
      });
      const { code } = await exited(merge);
      expect(seen, 'the merge ended before its metrics temp file was seen').toBe(true);
      expect(code, merge.output()).toBe(130);
      expect(merge.output()).toContain('merge interrupted');
      expect(tempsIn(out)).toEqual([]);
    });
  }
});
