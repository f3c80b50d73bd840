import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/io/index.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

// 8 short runs. Each signal arrives while the two running runs are held at step 4096 by the fault hook
// (src/run/faults.ts), so "runs in progress" means exactly those two, whatever the machine's speed or load.
const SWEEP = `name: signals
seed: 2
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 20000, log_every: 1000, sigma: 1 }
replicates: 8
`;

/** Polls (however long it takes) until `cond` holds; fails at once if the child exits first. */
async function until(child: { exitCode: number | null; output: () => string }, what: string, cond: () => boolean): Promise<void> {
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${what}:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const tempFiles = (out: string) => readdirSync(join(out, 'runs')).filter((f) => f.includes('.tmp-'));
/** The runs held by the fault hook: one marker file per run, next to the release file. */
const heldRuns = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('release.held-') && !f.endsWith('.tmp'));
const holdAll = (dir: string) => ({ LNSWEEP_FAULTS: JSON.stringify({ '*': { hold_at_step: 1, release_file: join(dir, 'release') } }) });

describe('signals', () => {
  it('the first SIGINT lets running runs finish, keeps them, and prints the resume command', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'signals', SWEEP);
    const out = join(dir, 'out');
    const child = startCli(['run', sweep, '--out', out, '--workers', '2'], holdAll(dir));
    await until(child, 'two runs are held', () => heldRuns(dir).length === 2);
    child.kill('SIGINT');
    await until(child, 'the stop is announced', () => child.output().includes('finishing the runs in progress (2)'));
    writeFileSync(join(dir, 'release'), ''); // the two held runs go on and finish; nothing new starts
    const { code } = await exited(child);
    expect(code).toBe(130);
    expect(child.output()).toContain(`npx lnsweep run ${sweep} --out ${out}`);
    const finished = readdirSync(join(out, 'runs'))
      .filter((f) => f.endsWith('.arrow'))
      .map((f) => f.replace('.arrow', ''));
    expect(finished.sort()).toEqual(
      heldRuns(dir)
        .map((f) => f.slice('release.held-'.length))
        .sort(),
    );
    // The journal is written in order by the coordinator's one thread: exactly the two held runs started, and both
    // ended done; then the interruption, with the other six pending.
    const events = readJournal(join(out, 'journal.jsonl')).events;
    const started = events.filter((e) => e.event === 'run_start').map((e) => String(e.run_id));
    const done = events.filter((e) => e.event === 'run_done').map((e) => String(e.run_id));
    expect(started.sort()).toEqual(finished);
    expect(done.sort()).toEqual(finished);
    expect(events.find((e) => e.event === 'interrupted')).toMatchObject({ pending: 6 });
    expect(tempFiles(out)).toEqual([]);
    const rerun = runCli(['run', sweep, '--out', out]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('2 already finished');
  });

  // The held runs are never released: the process can only end if the second signal really kills them.
  it('a second SIGTERM aborts the running runs and leaves no partial file', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'signals', SWEEP);
    const out = join(dir, 'out');
    const child = startCli(['run', sweep, '--out', out, '--workers', '2'], holdAll(dir));
    await until(child, 'two runs are held', () => heldRuns(dir).length === 2);
    child.kill('SIGTERM');
    await until(child, 'the stop is announced', () => child.output().includes('finishing the runs in progress (2)'));
    child.kill('SIGTERM');
    const { code } = await exited(child);
    expect(code).toBe(130);
    expect(child.output()).toContain('aborting 2 running run(s)');
    expect(child.output()).toContain('Resume with');
    expect(existsSync(join(out, 'runs'))).toBe(true);
    expect(readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.arrow'))).toEqual([]);
    expect(tempFiles(out)).toEqual([]);
  });
});
