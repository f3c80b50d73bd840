import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/core/types.js';
import { readRunFile, readSummary } from '../../src/io/index.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';
import { sameBits } from '../support/bits.js';

// 6 runs of two costs (two widths, so the LPT shares differ in count), each well under a second.
const SWEEP = `name: shards
seed: 21
base: { n: 40, d: 8, lr: 0.004, steps: 30000, log_every: 2500 }
grid: { sigma: [0, 1, 2], width: [64, 200] }
replicates: 1
`;

const runFiles = (out: string) =>
  readdirSync(join(out, 'runs'))
    .filter((f) => /^[0-9a-f]+\.arrow$/.test(f))
    .sort();

describe('three shards writing into one folder at the same time (three nodes of a Slurm array)', () => {
  it('produce exactly the run files of one local run, bit-identical, and merge gives every run once', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'shards', SWEEP);
    const ref = join(dir, 'ref');
    const local = runCli(['run', sweep, '--out', ref, '--workers', '1']);
    expect(local.code, local.stderr).toBe(0);

    const out = join(dir, 'shared');
    const slurm = { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_MAX: '7', SLURM_ARRAY_TASK_COUNT: '3' };
    const shards = [
      startCli(['run', sweep, '--out', out, '--workers', '1', '--shard', '1/3']),
      startCli(['run', sweep, '--out', out, '--workers', '1', '--shard', '2/3']),
      startCli(['run', sweep, '--out', out, '--workers', '1'], slurm),
    ];
    const codes = await Promise.all(shards.map(exited));
    shards.forEach((s, i) => expect(codes[i].code, s.output()).toBe(0));
    expect(shards[2].output()).toContain('taking shard 3/3 from the Slurm array (SLURM_ARRAY_TASK_ID=7, SLURM_ARRAY_TASK_MIN=5');
    // Each shard kept its own journal and summary; nobody wrote the shared ones.
    for (const k of [1, 2, 3]) {
      expect(existsSync(join(out, `journal.shard-${k}-of-3.jsonl`))).toBe(true);
      expect(existsSync(join(out, `summary.shard-${k}-of-3.arrow`))).toBe(true);
    }
    expect(existsSync(join(out, 'journal.jsonl'))).toBe(false);

    const files = runFiles(ref);
    expect(files).toHaveLength(6);
    expect(runFiles(out)).toEqual(files);
    expect(readdirSync(join(out, 'runs')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    for (const f of files) {
      const a = readRunFile(join(ref, 'runs', f));
      const b = readRunFile(join(out, 'runs', f));
      expect(Array.from(b.metrics.step)).toEqual(Array.from(a.metrics.step));
      for (const m of METRIC_NAMES) {
        expect(sameBits(b.metrics.values[m], a.metrics.values[m]), `${f} ${m}`).toBe(true);
      }
    }
    // The shards' own summaries partition the plan.
    const parts = [1, 2, 3].map((k) => readSummary(join(out, `summary.shard-${k}-of-3.arrow`)));
    expect(
      parts
        .flat()
        .map((r) => r.run_id)
        .sort(),
    ).toEqual(files.map((f) => f.replace('.arrow', '')));

    const merged = runCli(['merge', out]);
    expect(merged.code, merged.stderr).toBe(0);
    const summary = readSummary(join(out, 'summary.arrow'));
    expect(summary.map((r) => r.run_id).sort()).toEqual(files.map((f) => f.replace('.arrow', '')));
    expect(summary.every((r) => r.status === 'done')).toBe(true);
    const status = runCli(['status', out]);
    expect(status.stdout).toContain('6 runs: 6 done, 0 diverged, 0 failed, 0 pending');

    // Rerunning a shard (a resubmitted array task) redoes nothing.
    const again = runCli(['run', sweep, '--out', out, '--workers', '1'], slurm);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/(\d+) runs, \1 already finished, 0 to do/);
  });

  it("refuses --fresh in a shard, which would delete the other shards' results", () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'shards', SWEEP);
    const r = runCli(['run', sweep, '--out', join(dir, 'o'), '--fresh'], { JOB_COMPLETION_INDEX: '0', LNSWEEP_SHARD_COUNT: '2' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fresh in a shard (shard 1/2 from the Kubernetes Indexed Job');
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });
});
