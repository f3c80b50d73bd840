import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, readSummary } from '../../src/io/index.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

// 12 runs of ~0.1-0.3 s each: long enough to kill the sweep between runs, short enough for CI.
const SWEEP = `name: resume
seed: 3
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 400000, log_every: 10000 }
grid: { sigma: [0, 1, 2] }
replicates: 4
`;

const runFiles = (out: string) => readdirSync(join(out, 'runs')).filter((f) => /^[0-9a-f]+\.arrow$/.test(f));

async function waitFor(cond: () => boolean, child: { exitCode: number | null; output: () => string }, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`the sweep exited (${child.exitCode}) early:\n${child.output()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a sweep killed with SIGKILL mid-way', () => {
  it('resumes: finished runs untouched, every run done exactly once', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'resume', SWEEP);
    const out = join(dir, 'out');
    const child = startCli(['run', sweep, '--out', out, '--workers', '2']);
    await waitFor(() => existsSync(join(out, 'runs')) && runFiles(out).length >= 3, child);
    child.kill('SIGKILL');
    await exited(child);

    const before = new Map(runFiles(out).map((f) => [f, statSync(join(out, 'runs', f)).mtimeMs]));
    expect(before.size).toBeGreaterThanOrEqual(3);
    expect(before.size).toBeLessThan(12);

    const rerun = runCli(['run', sweep, '--out', out, '--workers', '2']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`${before.size} already finished`);

    for (const [f, mtime] of before) expect(statSync(join(out, 'runs', f)).mtimeMs).toBe(mtime);
    expect(runFiles(out)).toHaveLength(12);
    expect(readdirSync(join(out, 'runs')).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const summary = await readSummary(join(out, 'summary.arrow'));
    expect(summary).toHaveLength(12);
    expect(new Set(summary.map((r) => r.run_id)).size).toBe(12);
    expect(summary.every((r) => r.status === 'done')).toBe(true);

    const doneEvents = readJournal(join(out, 'journal.jsonl')).events.filter((e) => e.event === 'run_done');
    const perRun = new Map<string, number>();
    for (const e of doneEvents) perRun.set(String(e.run_id), (perRun.get(String(e.run_id)) ?? 0) + 1);
    for (const n of perRun.values()) expect(n).toBe(1);
  });
});
