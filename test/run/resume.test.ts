import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, readSummary } from '../../src/io/index.js';
import { dispatchOrder } from '../../src/sweep/dispatch-order.js';
import { planSweep } from '../../src/sweep/index.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

// 12 short runs, started in the coordinator's dispatch order (src/sweep/dispatch-order.ts). The kill comes when the
// first three are finished and the next two are held mid-run by the fault hook (src/run/faults.ts), whatever the
// machine's speed.
const SWEEP = `name: resume
seed: 3
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 20000, log_every: 1000 }
grid: { sigma: [0, 1, 2] }
replicates: 4
`;

const runFiles = (out: string) => readdirSync(join(out, 'runs')).filter((f) => /^[0-9a-f]+\.arrow$/.test(f));

async function waitFor(cond: () => boolean, child: { exitCode: number | null; output: () => string }): Promise<void> {
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`the sweep exited (${child.exitCode}) early:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a sweep killed with SIGKILL mid-way', () => {
  it('resumes: finished runs untouched, every run done exactly once', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'resume', SWEEP);
    const out = join(dir, 'out');
    const order = dispatchOrder(planSweep(sweep).runs, { order: 'spread', workers: 2 }).map((r) => r.run_id);
    const release = join(dir, 'never-released');
    const faults = Object.fromEntries(order.slice(3).map((id) => [id, { hold_at_step: 1, release_file: release }]));
    const child = startCli(['run', sweep, '--out', out, '--workers', '2'], { LNSWEEP_FAULTS: JSON.stringify(faults) });
    const held = () => readdirSync(dir).filter((f) => f.startsWith('never-released.held-') && !f.endsWith('.tmp'));
    await waitFor(() => existsSync(join(out, 'runs')) && runFiles(out).length === 3 && held().length === 2, child);
    child.kill('SIGKILL');
    await exited(child);
    expect(runFiles(out).sort()).toEqual(
      order
        .slice(0, 3)
        .map((id) => `${id}.arrow`)
        .sort(),
    );
    expect(
      held()
        .map((f) => f.slice('never-released.held-'.length))
        .sort(),
    ).toEqual(order.slice(3, 5).sort());

    const before = new Map(runFiles(out).map((f) => [f, statSync(join(out, 'runs', f)).mtimeMs]));
    expect(before.size).toBe(3);

    const rerun = runCli(['run', sweep, '--out', out, '--workers', '2']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`${before.size} already finished`);

    for (const [f, mtime] of before) expect(statSync(join(out, 'runs', f)).mtimeMs).toBe(mtime);
    expect(runFiles(out)).toHaveLength(12);
    expect(readdirSync(join(out, 'runs')).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const summary = readSummary(join(out, 'summary.arrow'));
    expect(summary).toHaveLength(12);
    expect(new Set(summary.map((r) => r.run_id)).size).toBe(12);
    expect(summary.every((r) => r.status === 'done')).toBe(true);

    // Per run, from the journal both invocations appended to: the rerun (events after its sweep_start) did each run
    // that had no file before it exactly once, and none of those that had; the killed first invocation finished no
    // run twice, and only runs whose files it left.
    const events = readJournal(join(out, 'journal.jsonl')).events;
    const starts = events.flatMap((e, i) => (e.event === 'sweep_start' ? [i] : []));
    expect(starts).toHaveLength(2);
    const doneCounts = (from: number, to: number) => {
      const perRun = new Map<string, number>();
      for (const e of events.slice(from, to)) if (e.event === 'run_done') perRun.set(String(e.run_id), (perRun.get(String(e.run_id)) ?? 0) + 1);
      return perRun;
    };
    const finishedBefore = new Set([...before.keys()].map((f) => f.replace('.arrow', '')));
    const first = doneCounts(starts[0], starts[1]);
    const second = doneCounts(starts[1], events.length);
    for (const [id, n] of first) {
      expect(n, id).toBe(1);
      expect(finishedBefore.has(id), id).toBe(true);
    }
    const all = summary.map((r) => r.run_id).sort();
    expect([...second.keys()].sort()).toEqual(all.filter((id) => !finishedBefore.has(id)));
    for (const [id, n] of second) expect(n, id).toBe(1);
  });
});
