import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, readSummary } from '../../src/io/index.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: failures
seed: 9
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 2000, log_every: 500, sigma: 1 }
replicates: 6
`;

describe('a failing run is isolated', () => {
  it('a run that throws and a worker that dies are recorded failed; the rest finish; exit 1; a rerun retries them', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'failures', SWEEP);
    const out = join(dir, 'out');
    const plan = JSON.parse(runCli(['plan', sweep, '--json']).stdout) as { runs: { run_id: string }[] };
    const [thrower, killer] = plan.runs.map((r) => r.run_id);
    const faults = JSON.stringify({ [thrower]: 'throw', [killer]: 'exit' });

    const first = runCli(['run', sweep, '--out', out, '--workers', '2'], { LNSWEEP_FAULTS: faults });
    expect(first.code, first.stderr).toBe(1);
    const rows = readSummary(join(out, 'summary.arrow'));
    expect(rows).toHaveLength(6);
    const byId = new Map(rows.map((r) => [r.run_id, r]));
    expect(byId.get(thrower)!.status).toBe('failed');
    expect(byId.get(thrower)!.error).toContain('injected fault');
    expect(byId.get(killer)!.status).toBe('failed');
    expect(byId.get(killer)!.error).toMatch(/worker died/);
    expect(rows.filter((r) => r.status === 'done')).toHaveLength(4);

    const status = runCli(['status', out]);
    expect(status.stdout).toContain('4 done, 0 diverged, 2 failed, 0 pending');

    const retry = runCli(['run', sweep, '--out', out, '--workers', '2']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stderr).toContain('4 already finished');
    expect(readSummary(join(out, 'summary.arrow')).every((r) => r.status === 'done')).toBe(true);
  });

  it('--retries gives a failing run further attempts, each after a delay twice the last (1 s, then 2 s)', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'failures', SWEEP);
    const out = join(dir, 'out');
    const plan = JSON.parse(runCli(['plan', sweep, '--json']).stdout) as { runs: { run_id: string }[] };
    const failing = plan.runs[0].run_id;
    const faults = JSON.stringify({ [failing]: 'throw' });
    const r = runCli(['run', sweep, '--out', out, '--retries', '2', '--progress', 'plain'], { LNSWEEP_FAULTS: faults });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('retrying in 1 s (1/2)');
    expect(r.stderr).toContain('retrying in 2 s (2/2)');
    const events = readJournal(join(out, 'journal.jsonl')).events.filter((e) => e.run_id === failing);
    expect(events.map((e) => e.event)).toEqual(['run_start', 'run_retry', 'run_start', 'run_retry', 'run_start', 'run_failed']);
    expect(events.filter((e) => e.event === 'run_retry').map((e) => e.delay_s)).toEqual([1, 2]);
    // each attempt starts no sooner than its delay after the failure before it (a lower bound: load only adds to it)
    const t = events.map((e) => Date.parse(e.t));
    expect(t[2] - t[1]).toBeGreaterThanOrEqual(1000);
    expect(t[4] - t[3]).toBeGreaterThanOrEqual(2000);
    expect(readSummary(join(out, 'summary.arrow')).filter((row) => row.status === 'done')).toHaveLength(5);
  });

  it('--retries is capped at 10: a billion is refused in one line before anything runs', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'failures', SWEEP);
    for (const [flag, shown] of [
      ['1000000000', '1000000000'],
      ['11', '11'],
      ['-1', '-1'],
      ['1.5', '1.5'],
      ['abc', 'NaN'],
    ]) {
      const r = runCli(['run', sweep, '--out', join(dir, 'never'), '--retries', flag]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr.trim()).toBe(
        `--retries ${shown}: must be a whole number from 0 to 10 (each retry waits twice as long as the one before, up to 30 s; ` +
          'a run that fails 11 times is not failing by chance)',
      );
      expect(existsSync(join(dir, 'never'))).toBe(false);
    }
  });

  it('a stop while a failed run waits to retry leaves it pending, not retried (exit 130)', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'failures', SWEEP.replace('replicates: 6', 'replicates: 1'));
    const out = join(dir, 'out');
    const plan = JSON.parse(runCli(['plan', sweep, '--json']).stdout) as { runs: { run_id: string }[] };
    const child = startCli(['run', sweep, '--out', out, '--retries', '10', '--progress', 'plain'], {
      LNSWEEP_FAULTS: JSON.stringify({ [plan.runs[0].run_id]: 'throw' }),
    });
    const journal = join(out, 'journal.jsonl');
    await until(() => existsSync(journal) && readJournal(journal).events.some((e) => e.event === 'run_retry'), child);
    // the run now waits 1 s before its second attempt; SIGINT ends the wait
    child.kill('SIGINT');
    const end = await exited(child);
    expect(end.code, child.output()).toBe(130);
    const events = readJournal(journal).events;
    expect(events.filter((e) => e.event === 'run_start')).toHaveLength(1);
    expect(events.at(-2)).toMatchObject({ event: 'interrupted', pending: 1 });
    expect(child.output()).toContain('0 done, 0 diverged, 0 failed, 0 already finished, 1 pending');
  });
});

/** Waits (polling, however long it takes) until `cond` holds or the child exits. */
async function until(cond: () => boolean, child: ReturnType<typeof startCli>): Promise<void> {
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`the run ended first:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
