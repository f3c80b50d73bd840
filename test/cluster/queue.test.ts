import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal, readSummary } from '../../src/io/index.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';
import { requireRedis, titled } from '../support/components.js';
import { startRedis, type TestRedis } from './redis.js';

// 8 short runs. The worker killed in the middle of one does not race it: the fault hook holds its run at a known
// step (src/run/faults.ts), so "in the middle" holds however fast or loaded the machine is.
const SWEEP = `name: queue
seed: 9
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 100000, log_every: 20000 }
grid: { sigma: [0, 1, 2, 3] }
replicates: 2
`;
const RUNS = 8;
// Short locks, so that a dead worker's job is taken back in seconds (the default is 30 s).
const LOCK_MS = '1500';

const skip = requireRedis();
const runFiles = (out: string) => readdirSync(join(out, 'runs')).filter((f) => /^[0-9a-f]+\.arrow$/.test(f));

/** Waits for `cond` however long it takes, unless a child exits first (then its output says why). */
async function waitFor(cond: () => boolean, what: string, children: (ChildProcess & { output: () => string })[]) {
  while (!cond()) {
    const gone = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (gone) throw new Error(`a worker exited while waiting for ${what}:\n${children.map((c) => c.output()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(skip !== null)(titled('queue mode on a real Redis', skip), () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('enqueueing twice adds nothing; two workers share the sweep; one is killed mid-run and the other finishes it; every run done once', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'queue', SWEEP);
    const out = join(dir, 'out');

    const first = runCli(['run', sweep, '--queue', redis.url, '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`${RUNS} added, 0 put back, 0 already queued`);
    const second = runCli(['run', sweep, '--queue', redis.url, '--out', out]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`0 added, 0 put back, ${RUNS} already queued`);
    const queued = runCli(['status', out, '--queue', redis.url]);
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toContain(`${RUNS} waiting, 0 active, 0 delayed (retry backoff), 0 completed, 0 failed`);

    const args = ['worker', '--queue', redis.url, '--out', out, '--workers', '1', '--lock-ms', LOCK_MS];
    // A holds the first run it takes at its first progress report (step 4096 of 100,000), until a file that never
    // appears: it is killed there, mid-run by construction. B runs free.
    const release = join(dir, 'never-released');
    const a = startCli(args, { LNSWEEP_FAULTS: JSON.stringify({ '*': { hold_at_step: 1, release_file: release } }) });
    const b = startCli(args);
    const journalOf = (pid: number) => {
      const f = readdirSync(out).find((n) => n.startsWith('journal.worker-') && n.endsWith(`-${pid}.jsonl`));
      return f ? join(out, f) : '';
    };
    const heldBy = () => readdirSync(dir).filter((n) => n.startsWith('never-released.held-') && !n.endsWith('.tmp'));
    await waitFor(() => heldBy().length === 1, 'worker A to hold its run', [a, b]);
    const killed = heldBy()[0].slice('never-released.held-'.length);
    expect(readFileSync(join(dir, heldBy()[0]), 'utf8')).toBe('4096\n'); // the step it holds at
    expect(
      readJournal(journalOf(a.pid!))
        .events.filter((e) => e.event === 'run_start')
        .map((e) => e.run_id),
    ).toEqual([killed]);
    // B does every other run meanwhile (A's held run, as short as they are, would long be finished were it not held)
    await waitFor(() => runFiles(out).length === RUNS - 1, 'worker B to do the other runs', [a, b]);
    expect(existsSync(join(out, 'runs', `${killed}.arrow`))).toBe(false);
    a.kill('SIGKILL');
    await exited(a);
    expect(existsSync(join(out, 'runs', `${killed}.arrow`))).toBe(false);

    const endB = await exited(b);
    expect(endB.code, b.output()).toBe(0);
    expect(b.output()).toContain('0 pending, 0 failed for good');
    expect(runFiles(out)).toHaveLength(RUNS);

    // The killed run was taken back from the dead worker and done by B.
    const doneByB = readJournal(journalOf(b.pid!))
      .events.filter((e) => e.event === 'run_done')
      .map((e) => e.run_id);
    expect(doneByB).toContain(killed);
    // Exactly once: one run_done per run across every worker's journal.
    const journals = readdirSync(out)
      .filter((n) => n.startsWith('journal.'))
      .map((n) => join(out, n));
    const doneEvents = journals.flatMap((j) => readJournal(j).events.filter((e) => e.event === 'run_done'));
    const perRun = new Map<string, number>();
    for (const e of doneEvents) perRun.set(String(e.run_id), (perRun.get(String(e.run_id)) ?? 0) + 1);
    expect(perRun.size).toBe(RUNS);
    expect(
      [...perRun.values()].every((n) => n === 1),
      JSON.stringify([...perRun]),
    ).toBe(true);

    const merged = runCli(['merge', out]);
    expect(merged.code, merged.stderr).toBe(0);
    const summary = readSummary(join(out, 'summary.arrow'));
    expect(summary).toHaveLength(RUNS);
    expect(new Set(summary.map((r) => r.run_id)).size).toBe(RUNS);
    expect(summary.every((r) => r.status === 'done')).toBe(true);

    const status = runCli(['status', out, '--queue', redis.url]);
    expect(status.stdout).toContain(`${RUNS} runs: ${RUNS} done, 0 diverged, 0 failed, 0 pending`);
    expect(status.stdout).toContain(`0 waiting, 0 active, 0 delayed (retry backoff), ${RUNS} completed, 0 failed`);

    // Enqueueing a finished sweep adds nothing, and a worker then has nothing to do.
    const again = runCli(['run', sweep, '--queue', redis.url, '--out', out]);
    expect(again.stderr).toContain(`${RUNS} already finished; queue`);
    expect(again.stderr).toContain('0 added, 0 put back, 0 already queued');
  });

  it('a job whose run file already exists completes at once, without recomputing', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'queue', SWEEP.replace('sigma: [0, 1, 2, 3]', 'sigma: [0]').replace('replicates: 2', 'replicates: 1'));
    const out = join(dir, 'out');
    expect(runCli(['run', sweep, '--queue', redis.url, '--out', out]).code).toBe(0);
    // The run is done locally behind the queue's back (another node, an earlier plain `run`).
    expect(runCli(['run', sweep, '--out', out, '--workers', '1']).code).toBe(0);
    const w = runCli(['worker', '--queue', redis.url, '--out', out, '--workers', '1']);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toContain('0 done, 0 diverged, 1 already finished');
  });

  it('an unreachable Redis is bad input, reported with its URL', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'queue', SWEEP);
    const r = runCli(['run', sweep, '--queue', 'redis://127.0.0.1:1', '--out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[queue] cannot reach Redis at redis://127.0.0.1:1');
  });
});
