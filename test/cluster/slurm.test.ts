import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/core/types.js';
import { readJournal, readRunFile, readSummary } from '../../src/io/index.js';
import { dispatchOrder } from '../../src/sweep/dispatch-order.js';
import { planSweep, shardRuns } from '../../src/sweep/index.js';
import { CLI, REPO, runCli, tempDir, writeSweep } from '../helpers.js';
import { sameBits } from '../support/bits.js';
import { requireComponent, titled } from '../support/components.js';
import { ENDED, ensureSlurm, jobStates, SLURM_INSTALL, startSlurm, waitForJobs, type JobState, type TestSlurm } from './slurm.js';

// 8 short runs (2 shares of 4, one worker per task, which starts its runs in dispatch order). Task 1 is signalled
// while its second run is held at step 4096 by the fault hook (src/run/faults.ts), not by racing its runs.
const SWEEP = `name: slurm
seed: 31
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 20000, log_every: 2000 }
grid: { sigma: [0, 1] }
replicates: 4
`;
const RUNS = 8;

const skip = requireComponent('Slurm (slurmctld, slurmd, sbatch) and munge', ensureSlurm(), SLURM_INSTALL);

/** scripts/slurm/sweep.sbatch as a user sizes it down for a small sweep: an array of 2, one CPU each, 10 minutes. */
function sizedDownScript(dir: string): string {
  let text = readFileSync(join(REPO, 'scripts/slurm/sweep.sbatch'), 'utf8');
  for (const [from, to] of [
    [/^#SBATCH --array=.*$/m, '#SBATCH --array=1-2'],
    [/^#SBATCH --cpus-per-task=.*$/m, '#SBATCH --cpus-per-task=1'],
    [/^#SBATCH --time=.*$/m, '#SBATCH --time=00:10:00'],
  ] as const) {
    expect(text, `sweep.sbatch has no line like ${from}`).toMatch(from);
    text = text.replace(from, to);
  }
  const path = join(dir, 'sweep.sbatch');
  writeFileSync(path, text);
  return path;
}

const runFiles = (out: string) =>
  readdirSync(join(out, 'runs'))
    .filter((f) => /^[0-9a-f]{16}\.arrow$/.test(f))
    .sort();
const task = (states: JobState[], t: string) => states.find((s) => s.task === t);

describe.skipIf(skip !== null)(titled('scripts/slurm/sweep.sbatch on a real single-node Slurm', skip), () => {
  let slurm: TestSlurm;
  beforeAll(async () => {
    slurm = await startSlurm();
  });
  afterAll(async () => {
    await slurm?.stop();
  });

  it('the array and its merge finish; a task signalled mid-sweep exits 130 keeping its runs; resubmitting completes the rest, bit for bit with a local run', async () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'slurm', SWEEP);
    const script = sizedDownScript(dir);
    // The lnsweep command of the jobs: this repository's build (sweep.sbatch takes $LNSWEEP as one executable).
    const lnsweep = join(dir, 'lnsweep');
    writeFileSync(lnsweep, `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`, { mode: 0o755 });
    const out = join(dir, 'out');
    // Submitted from the temp folder, where Slurm writes the jobs' logs (slurm-<job>_<task>.out).
    const submit = (extraEnv: Record<string, string> = {}) => {
      const env = { ...process.env, ...slurm.env, LNSWEEP: lnsweep, ...extraEnv }; // sbatch passes it on to the jobs
      const r = spawnSync('bash', [script, sweep, out], { cwd: dir, encoding: 'utf8', env });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      const m = /submitted array job (\d+) and merge job (\d+)/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      return { array: m![1], merge: m![2] };
    };
    const log = (name: string) => readFileSync(join(dir, name), 'utf8');

    // Round 1: signal task 1 (the batch shell, as Slurm does before a time limit) while its first run is finished
    // and its second held mid-run; let the held run go once lnsweep has said it is finishing it.
    const plan = planSweep(sweep);
    // task 1's runs in the order its one worker starts them
    const share1 = dispatchOrder(shardRuns(plan.runs, 1, 2), { order: 'spread', workers: 1 }).map((r) => r.run_id);
    const release = join(dir, 'release');
    const first = submit({ LNSWEEP_FAULTS: JSON.stringify({ [share1[1]]: { hold_at_step: 1, release_file: release } }) });
    const journal1 = join(out, 'journal.shard-1-of-2.jsonl');
    const doneIn = (j: string) => (existsSync(j) ? readJournal(j).events.filter((e) => e.event === 'run_done').length : 0);
    // No wall-clock limit: a loaded machine is slow, not wrong. But task 1 ending while the test still waits on it
    // (refused --out, a crash) can never satisfy the condition: say so at once, with its log, rather than at the
    // test's timeout with no reason.
    const task1Log = () => {
      const path = join(dir, `slurm-${first.array}_1.out`);
      return existsSync(path) ? readFileSync(path, 'utf8') : '(no log yet)';
    };
    const until = async (what: string, cond: () => boolean) => {
      for (let polls = 1; !cond(); polls++) {
        if (polls % 50 === 0) {
          const t1 = task(jobStates(slurm, [first.array]), '1');
          if (t1 && ENDED.has(t1.state) && !cond())
            throw new Error(`task 1 ended (${t1.state}, exit ${t1.exit}) before: ${what}\n${task1Log()}\n${slurm.logs()}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return what;
    };
    // its first run is journaled by the group commit, which may come after the second run is already held
    await until('task 1 holds its second run, its first journaled', () => existsSync(`${release}.held-${share1[1]}`) && doneIn(journal1) >= 1);
    expect(doneIn(journal1)).toBe(1);
    slurm.cmd('scancel', ['--signal=TERM', '--batch', `${first.array}_1`]);
    const log1Path = join(dir, `slurm-${first.array}_1.out`);
    await until(
      'lnsweep says it finishes the run in progress',
      () => existsSync(log1Path) && log(`slurm-${first.array}_1.out`).includes('finishing the runs in progress (1)'),
    );
    writeFileSync(release, '');
    const states1 = await waitForJobs(slurm, [first.array, first.merge]);
    const log1 = log(`slurm-${first.array}_1.out`);
    expect(task(states1, '1'), JSON.stringify(states1)).toMatchObject({ state: 'FAILED', exit: '130:0' });
    expect(log1).toContain('[sbatch] SIGTERM: asking lnsweep to finish the runs in progress');
    expect(log1).toMatch(/interrupted/);
    expect(task(states1, '2'), JSON.stringify(states1)).toMatchObject({ state: 'COMPLETED', exit: '0:0' });
    // The merge job waited for the whole array (afterany: a failed task too) and then ran; with runs still pending
    // its exit status is merge's business, so only its having run is checked here.
    const merge1 = states1.find((s) => s.id === first.merge)!;
    expect(['COMPLETED', 'FAILED'], JSON.stringify(merge1)).toContain(merge1.state);
    expect(existsSync(join(dir, `slurm-${first.merge}-merge.out`))).toBe(true);
    const kept = doneIn(journal1);
    expect(kept).toBe(2); // the first run, and the held one it was let finish; the other two pending
    expect(runFiles(out)).toHaveLength(RUNS / 2 + kept);
    const status1 = runCli(['status', out]);
    expect(status1.stdout).toContain(`${RUNS} runs: ${RUNS / 2 + kept} done, 0 diverged, 0 failed, ${RUNS / 2 - kept} pending`);

    // Round 2: the same command again. Task 1 does only what it had left; task 2 nothing.
    const second = submit();
    const states2 = await waitForJobs(slurm, [second.array, second.merge]);
    for (const s of states2) expect(s, JSON.stringify(states2)).toMatchObject({ state: 'COMPLETED', exit: '0:0' });
    // Each merge started only once every task of its array had ended (the dependency held).
    for (const [states, ids] of [
      [states1, first],
      [states2, second],
    ] as const) {
      const merge = states.find((s) => s.id === ids.merge)!;
      for (const t of states.filter((s) => s.task !== null)) expect(merge.start >= t.end, JSON.stringify(states)).toBe(true);
    }
    expect(log(`slurm-${second.array}_1.out`)).toContain(`${RUNS / 2} runs, ${kept} already finished, ${RUNS / 2 - kept} to do`);
    expect(log(`slurm-${second.array}_2.out`)).toContain(`${RUNS / 2} runs, ${RUNS / 2} already finished, 0 to do`);
    expect(log(`slurm-${second.merge}-merge.out`)).toContain(`${RUNS} runs: ${RUNS} done, 0 diverged, 0 failed, 0 pending`);

    // Every run in summary.arrow exactly once, and every run file equal, column by column, to a local run's.
    const ref = join(dir, 'ref');
    const local = runCli(['run', sweep, '--out', ref, '--workers', '2']);
    expect(local.code, local.stderr).toBe(0);
    const files = runFiles(ref);
    expect(files).toHaveLength(RUNS);
    expect(runFiles(out)).toEqual(files);
    const summary = readSummary(join(out, 'summary.arrow'));
    expect(summary.map((r) => r.run_id).sort()).toEqual(files.map((f) => f.replace('.arrow', '')));
    expect(summary.every((r) => r.status === 'done')).toBe(true);
    for (const f of files) {
      const a = readRunFile(join(ref, 'runs', f));
      const b = readRunFile(join(out, 'runs', f));
      expect(Array.from(b.metrics.step)).toEqual(Array.from(a.metrics.step));
      for (const m of METRIC_NAMES) {
        expect(sameBits(b.metrics.values[m], a.metrics.values[m]), `${f} ${m}`).toBe(true);
      }
    }
  });
});
