/**
 * Every command that writes into a folder holds its lock (issue 22, severe 3 and items 15, 16, 17). Other holders
 * are played here by lock files naming this test's own pid, which is alive, on this host; the issue's own case
 * (`run --queue --fresh` while a `run` works) is played with a real run held by a run of minutes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';
import { startRedis, type TestRedis } from '../cluster/redis.js';
import { requireRedis, titled } from '../support/components.js';

const SWEEP = `name: locks
seed: 2
base: { n: 20, d: 4, width: 16, lr: 0.01 }
zip:
  - { sigma: [0, 1, 2, 4], steps: [200, 200, 200, 200], log_every: [100, 100, 100, 100] }
`;

/**
 * The same sweep with one more point whose run takes hours (2·10⁹ steps); the test also stops the process (SIGSTOP)
 * once it has taken its lock, so it holds the folder, at a known point, until the test kills it.
 */
const WITH_A_LONG_RUN = `name: locks
seed: 2
base: { n: 20, d: 4, width: 16, lr: 0.01 }
zip:
  - { sigma: [0, 1, 2, 4, 8], steps: [200, 200, 200, 200, 2000000000], log_every: [100, 100, 100, 100, 500000000] }
`;

const HOUR = 3600_000;

/** A lock file as lnsweep writes it, held by `pid` (default: this test process, alive), `ageMs` old. */
function holdLock(out: string, name: string, over: Record<string, unknown> = {}, ageMs = 0): string {
  const path = join(out, name);
  writeFileSync(
    path,
    JSON.stringify({ pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command: 'test holder', token: 'x', ...over }),
  );
  const when = new Date(Date.now() - ageMs);
  utimesSync(path, when, when);
  return path;
}

/** A finished folder of SWEEP. */
function finished(dir: string, name = 'out'): { out: string; sweep: string } {
  const out = join(dir, name);
  const sweep = writeSweep(dir, 'locks', SWEEP);
  const r = runCli(['run', sweep, '--out', out, '--workers', '1']);
  expect(r.code, r.stderr).toBe(0);
  return { out, sweep };
}

const runFiles = (out: string) => readdirSync(join(out, 'runs')).sort();
/** The refusal is one line (after `run`'s first line, which says what share it was taking). */
const oneLine = (r: { stderr: string }) =>
  expect(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('[lnsweep] taking ')),
    r.stderr,
  ).toHaveLength(1);

describe('commands that would do runs twice are refused beside each other', () => {
  const dir = tempDir();

  it('--shard 1/3 beside a live --shard 1/2, and a run of the whole plan beside it, are refused; --shard 2/2 goes beside it', () => {
    const { out, sweep } = finished(dir, 'shards');
    holdLock(out, 'lnsweep.shard-1-of-2.lock');
    for (const args of [
      ['--shard', '1/3'],
      ['--shard', 'all'],
    ]) {
      const r = runCli(['run', sweep, '--out', out, ...args]);
      expect(r.code, r.stderr).toBe(2);
      oneLine(r);
      expect(r.stderr).toContain(`${out} is in use by another lnsweep command (test holder, pid ${process.pid} on ${hostname()}`);
      expect(r.stderr).toContain('so runs would be done twice');
    }
    expect(runCli(['run', sweep, '--out', out, '--shard', '1/3']).stderr).toContain(
      'would take its runs from shards of 3 and it takes them from shards of 2',
    );
    // the refused commands left no lock of their own behind
    expect(readdirSync(out).filter((f) => f.endsWith('.lock'))).toEqual(['lnsweep.shard-1-of-2.lock']);
    const beside = runCli(['run', sweep, '--out', out, '--shard', '2/2']);
    expect(beside.code, beside.stderr).toBe(0);
  });

  it('run --fresh beside a live shard is refused and deletes nothing', () => {
    const { out, sweep } = finished(dir, 'fresh');
    const before = runFiles(out);
    holdLock(out, 'lnsweep.shard-2-of-2.lock');
    const r = runCli(['run', sweep, '--out', out, '--fresh']);
    expect(r.code, r.stderr).toBe(2);
    oneLine(r);
    expect(r.stderr).toContain("--fresh deletes the folder's results, so nothing else may work in it meanwhile");
    expect(runFiles(out)).toEqual(before);
    expect(existsSync(join(out, 'summary.arrow'))).toBe(true);
  });

  it('refine is refused while a run works on the folder; merge goes beside a run but not beside another merge', () => {
    const { out } = finished(dir, 'others');
    const run = holdLock(out, 'lnsweep.lock', { command: 'run' });
    const refine = runCli(['refine', out, '--metric', 'final_test_loss', '--level', '0.1', '--axes', 'sigma']);
    expect(refine.code, refine.stderr).toBe(2);
    oneLine(refine);
    expect(refine.stderr).toContain('is in use by another lnsweep command (run, pid');
    expect(refine.stderr).toContain('one refine at a time in a folder');
    expect(runCli(['merge', out]).code).toBe(0);
    holdLock(out, 'lnsweep.merge.lock', { command: 'merge' });
    const merge = runCli(['merge', out]);
    expect(merge.code, merge.stderr).toBe(2);
    oneLine(merge);
    expect(merge.stderr).toContain('one merge at a time in a folder');
    expect(existsSync(run)).toBe(true);
  });

  it('merge and refine never go beside each other: refine adds rounds to plan.json that a merge meanwhile would miss', () => {
    const { out } = finished(dir, 'refining');
    const refining = holdLock(out, 'lnsweep.lock', { command: 'refine' });
    const merge = runCli(['merge', out]);
    expect(merge.code, merge.stderr).toBe(2);
    oneLine(merge);
    expect(merge.stderr).toContain('is in use by another lnsweep command (refine, pid');
    expect(merge.stderr).toContain('a merge meanwhile would summarise an older plan');
    rmSync(refining);
    const merging = holdLock(out, 'lnsweep.merge.lock', { command: 'merge' });
    const before = readFileSync(join(out, 'plan.json'));
    const refine = runCli(['refine', out, '--metric', 'final_test_loss', '--level', '0.1', '--axes', 'sigma']);
    expect(refine.code, refine.stderr).toBe(2);
    oneLine(refine);
    expect(refine.stderr).toContain('is in use by another lnsweep command (merge, pid');
    expect(readFileSync(join(out, 'plan.json'))).toEqual(before);
    expect(existsSync(merging)).toBe(true);
  });
});

describe('stale and malformed locks', () => {
  const dir = tempDir();

  it('a lock not refreshed for 10 minutes is stale whatever its pid: pid 1, 2 hours old, is taken over', () => {
    const { out, sweep } = finished(dir, 'stale');
    holdLock(out, 'lnsweep.lock', { pid: 1 }, 2 * HOUR);
    const r = runCli(['run', sweep, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'lnsweep.lock'))).toBe(false);
    // the same holder refreshed a minute ago is live (pid 1 runs on every host)
    holdLock(out, 'lnsweep.lock', { pid: 1 }, 60_000);
    const refused = runCli(['run', sweep, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`(test holder, pid 1 on ${hostname()}`);
  });

  it('a lock with pid -1 or 0, of bad JSON, or that is a folder is refused in one line naming it; a stale file is taken over', () => {
    const { out, sweep } = finished(dir, 'malformed');
    const lock = join(out, 'lnsweep.lock');
    const cases: [() => void, string][] = [
      [() => holdLock(out, 'lnsweep.lock', { pid: -1 }), 'pid -1 is not a process id'],
      [() => holdLock(out, 'lnsweep.lock', { pid: 0 }), 'pid 0 is not a process id'],
      [() => writeFileSync(lock, '{"pid": 12'), 'not JSON'],
    ];
    for (const [make, why] of cases) {
      make();
      const r = runCli(['run', sweep, '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      oneLine(r);
      expect(r.stderr).toContain(`${lock}: not a lock lnsweep wrote (${why}); if no lnsweep command is working in ${out}, delete it`);
    }
    // the last of them left alone for 10 minutes is stale like any other lock
    const old = new Date(Date.now() - 2 * HOUR);
    utimesSync(lock, old, old);
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
    // a folder is never removed, however old: it is not known what it holds
    mkdirSync(lock);
    utimesSync(lock, old, old);
    const folder = runCli(['run', sweep, '--out', out]);
    expect(folder.code, folder.stderr).toBe(2);
    oneLine(folder);
    expect(folder.stderr).toContain(`${lock}: not a lock lnsweep wrote (it is a folder)`);
    expect(existsSync(lock)).toBe(true);
  });
});

const missing = requireRedis();

describe.skipIf(missing !== null)(titled('queue commands and the folder lock', missing), () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('run --queue --fresh while a run works on the folder is refused and deletes nothing (the issue: 20 of 22 run files deleted)', async () => {
    const dir = tempDir();
    const { out } = finished(dir);
    const before = runFiles(out);
    const long = writeSweep(dir, 'locks', WITH_A_LONG_RUN);
    const run = startCli(['run', long, '--out', out, '--workers', '1', '--progress', 'plain']);
    try {
      await until(() => run.output().includes('1 to do'), run);
      run.kill('SIGSTOP'); // lock taken and plan written; stopped, it can neither finish nor let go
      const plan = statSync(join(out, 'plan.json'), { bigint: true }).ino; // written aside and renamed: a new inode if rewritten
      const fresh = runCli(['run', long, '--queue', `${redis.url}/1`, '--out', out, '--fresh']);
      expect(fresh.code, fresh.stderr).toBe(2);
      oneLine(fresh);
      expect(fresh.stderr).toContain(`is in use by another lnsweep command (run, pid ${run.pid} on ${hostname()}`);
      expect(runFiles(out)).toEqual(before);
      expect(statSync(join(out, 'plan.json'), { bigint: true }).ino).toBe(plan);
      const client = new Redis(`${redis.url}/1`);
      expect(await client.keys('*')).toEqual([]);
      client.disconnect();
    } finally {
      run.kill('SIGKILL');
      await exited(run);
    }
  });

  it('a worker is refused beside a run of the whole plan, and goes beside other workers', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const url = `${redis.url}/2`;
    expect(runCli(['run', writeSweep(dir, 'locks', SWEEP), '--queue', url, '--out', out]).code).toBe(0);
    const run = holdLock(out, 'lnsweep.lock', { command: 'run' });
    const w = runCli(['worker', '--queue', url, '--out', out, '--workers', '1']);
    expect(w.code, w.stderr).toBe(2);
    oneLine(w);
    expect(w.stderr).toContain('this worker would take its runs from the queue and it takes them from the whole plan');
    writeFileSync(run, '');
    const stale = new Date(Date.now() - 2 * HOUR);
    utimesSync(run, stale, stale);
    holdLock(out, 'lnsweep.worker-elsewhere-1.lock', { command: 'worker' });
    const beside = runCli(['worker', '--queue', url, '--out', out, '--workers', '1']);
    expect(beside.code, beside.stderr).toBe(0);
    expect(beside.stderr).toContain('4 done');
  });
});

/** Resolves once `test()` holds; rejects if the child exits first. */
async function until(test: () => boolean, child: ReturnType<typeof startCli>): Promise<void> {
  while (!test()) {
    if (child.exitCode !== null) throw new Error(`the run ended before the test could look:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
