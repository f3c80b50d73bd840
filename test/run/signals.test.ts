import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/io/index.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: signals
seed: 2
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 300000, log_every: 10000, sigma: 1 }
replicates: 8
`;

async function waitForOutput(child: { output: () => string }, text: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!child.output().includes(text)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for "${text}" in:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const tempFiles = (out: string) => readdirSync(join(out, 'runs')).filter((f) => f.includes('.tmp-'));

describe('signals', () => {
  it('the first SIGINT lets running runs finish, keeps them, and prints the resume command', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'signals', SWEEP);
    const out = join(dir, 'out');
    const child = startCli(['run', sweep, '--out', out, '--workers', '2']);
    await waitForOutput(child, 'to do');
    child.kill('SIGINT');
    const { code } = await exited(child);
    expect(code).toBe(130);
    expect(child.output()).toContain('finishing the runs in progress');
    expect(child.output()).toContain(`npx lnsweep run ${sweep} --out ${out}`);
    const finished = readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.arrow'));
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(8);
    // The runs in flight at the signal (N, as the coordinator reported them) were allowed to finish, and nothing new
    // was started. The journal is written in order by the coordinator's one thread: every run it started has its
    // run_done, and at least N run_done lines follow the last run_start (no start after the stop).
    const inFlight = Number(/finishing the runs in progress \((\d+)\)/.exec(child.output())?.[1]);
    expect(inFlight).toBeGreaterThanOrEqual(1);
    expect(inFlight).toBeLessThanOrEqual(2);
    const events = readJournal(join(out, 'journal.jsonl')).events;
    const started = events.filter((e) => e.event === 'run_start').map((e) => String(e.run_id));
    const done = events.filter((e) => e.event === 'run_done').map((e) => String(e.run_id));
    expect(new Set(done)).toEqual(new Set(started));
    expect(done).toHaveLength(started.length);
    expect(finished.map((f) => f.replace('.arrow', '')).sort()).toEqual([...done].sort());
    const lastStart = events.map((e) => e.event).lastIndexOf('run_start');
    expect(events.slice(lastStart).filter((e) => e.event === 'run_done').length).toBeGreaterThanOrEqual(inFlight);
    expect(events.find((e) => e.event === 'interrupted')).toMatchObject({ pending: 8 - finished.length });
    expect(tempFiles(out)).toEqual([]);
    const rerun = runCli(['run', sweep, '--out', out]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`${finished.length} already finished`);
  });

  it('a second SIGTERM aborts the running runs at once and leaves no partial file', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'signals', SWEEP.replace('steps: 300000', 'steps: 30000000'));
    const out = join(dir, 'out');
    const child = startCli(['run', sweep, '--out', out, '--workers', '2']);
    await waitForOutput(child, 'to do');
    child.kill('SIGTERM');
    await waitForOutput(child, 'finishing the runs in progress');
    child.kill('SIGTERM');
    const t0 = Date.now();
    const { code } = await exited(child);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(code).toBe(130);
    expect(child.output()).toContain('Resume with');
    expect(existsSync(join(out, 'runs'))).toBe(true);
    expect(readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.arrow'))).toEqual([]);
    expect(tempFiles(out)).toEqual([]);
  });
});
