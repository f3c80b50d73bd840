/**
 * Queue workers trust nothing in Redis but a job's id (issue 22, severe 1 and item 8): the run is taken from the
 * folder's plan.json by that id, which must have the exact form of one, be planned, and be the hash of the planned
 * parameters. Anything else fails for good in one line naming the job, and nothing is computed or written for it.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFile, verifyArrowFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { startRedis, type TestRedis } from '../cluster/redis.js';
import { requireRedis, titled } from '../support/components.js';

const SWEEP = `name: qtrust
seed: 3
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 300, log_every: 100 }
grid: { sigma: [0.5, 1, 2] }
`;

const missing = requireRedis();

interface StoredPlan {
  runs: { run_id: string; params: { sigma: number } }[];
}
const planOf = (out: string) => JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as StoredPlan;
const queueOf = (out: string) => (JSON.parse(readFileSync(join(out, 'queue.json'), 'utf8')) as { queue: string }).queue;
const runFiles = (out: string) => (existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')).sort() : []);

describe.skipIf(missing !== null)(titled('a queue job is an id, nothing more to trust', missing), () => {
  let redis: TestRedis & { port: number };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** A queue of this test's own (database `db`), the sweep enqueued into `out`. */
  function enqueue(dir: string, db: number, out = join(dir, 'a', 'b', 'out')): { out: string; url: string } {
    const url = `${redis.url}/${db}`;
    const r = runCli(['run', writeSweep(dir, 'qtrust', SWEEP), '--queue', url, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    return { out, url };
  }

  /** Rewrites the stored data of one job, as anyone who can write to Redis can. */
  async function tamper(url: string, out: string, runId: string, edit: (data: Record<string, unknown>) => void): Promise<void> {
    const client = new Redis(url);
    try {
      const key = `lnsweep:${queueOf(out)}:run-${runId}`;
      const data = JSON.parse((await client.hget(key, 'data'))!) as Record<string, unknown>;
      edit(data);
      await client.hset(key, 'data', JSON.stringify(data));
    } finally {
      client.disconnect();
    }
  }

  /**
   * One folder, every tampering at once, one worker: run X's job carries params.sigma 2 for its planned 0.5, run Y's
   * job carries run_id `../../evil_target/pwned`, run Z's parameters are edited in plan.json under its id, and two
   * jobs are added whose ids are of another form or not planned.
   */
  describe('one worker on a queue tampered with every way', () => {
    let dir: string;
    let out: string;
    let worker: ReturnType<typeof runCli>;
    let x: StoredPlan['runs'][number];
    let y: StoredPlan['runs'][number];
    let z: StoredPlan['runs'][number];
    const refusals = () => worker.stderr.split('\n').filter((l) => l.includes(' refused: '));
    beforeAll(async () => {
      dir = tempDir();
      const enqueued = enqueue(dir, 1);
      out = enqueued.out;
      const url = enqueued.url;
      mkdirSync(join(dir, 'a', 'evil_target')); // where the worker wrote pwned.arrow
      const plan = planOf(out);
      [x, y, z] = [0.5, 1, 2].map((sigma) => plan.runs.find((r) => r.params.sigma === sigma)!);
      // job data in the shape workers used to trust: the whole run, and the id to file it under
      await tamper(url, out, x.run_id, (data) => void (data.run = { ...x, params: { ...x.params, sigma: 2 } }));
      await tamper(url, out, y.run_id, (data) => void (data.run = { ...y, run_id: '../../evil_target/pwned' }));
      z.params.sigma = 4;
      writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
      const queue = new Queue(queueOf(out), { connection: { url }, prefix: 'lnsweep' });
      try {
        await queue.add('run', { run: { ...y, run_id: '../../evil_target/pwned' } }, { jobId: 'run-../../evil_target/pwned' });
        await queue.add('run', { run: y }, { jobId: 'run-0123456789abcdef' });
      } finally {
        await queue.close();
      }
      worker = runCli(['worker', '--queue', url, '--out', out, '--workers', '1']);
    });

    it("writes nothing outside the folder for a job whose run.run_id is ../../evil_target/pwned; its run is done under the job's id", () => {
      expect(readdirSync(join(dir, 'a', 'evil_target'))).toEqual([]);
      expect(readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('pwned'))).toEqual([]);
      expect(verifyArrowFile(join(out, 'runs', `${y.run_id}.arrow`)).ok).toBe(true);
    });

    it('fails a job whose id is of another form, or names a run plan.json lacks, for good in one line naming it', () => {
      expect(worker.code, worker.stderr).toBe(1); // jobs failed for good
      expect(refusals()).toHaveLength(3); // these two and run Z's (below), in the order the worker took them
      expect(refusals()).toEqual(
        expect.arrayContaining([
          '[lnsweep] job "run-../../evil_target/pwned" refused: its id is not run-<run id> (16 lowercase hex characters)',
          `[lnsweep] job "run-0123456789abcdef" refused: run 0123456789abcdef is not in ${join(out, 'plan.json')}`,
        ]),
      );
      expect(worker.stderr).toContain('2 done, 0 diverged, 0 already finished, 0 failed attempt(s) here, 3 job(s) refused');
      expect(worker.stderr).toContain('0 pending, 3 failed for good');
      expect(runFiles(out)).toEqual([x.run_id, y.run_id].map((id) => `${id}.arrow`).sort());
    });

    it('refuses a run whose parameters were edited in plan.json under its id: it fails for good, one line, no run file', () => {
      const line = refusals().filter((l) => l.includes(`job "run-${z.run_id}"`));
      expect(line).toHaveLength(1);
      expect(line[0]).toMatch(
        new RegExp(
          `^\\[lnsweep\\] job "run-${z.run_id}" refused: .*plan\\.json gives run ${z.run_id} parameters whose id is [0-9a-f]{16}; plan\\.json was edited$`,
        ),
      );
      expect(existsSync(join(out, 'runs', `${z.run_id}.arrow`))).toBe(false);
      expect(runCli(['status', out]).stdout).toContain('3 runs: 2 done, 0 diverged, 1 failed, 0 pending');
    });

    it("computes a job whose params.sigma says 2 with plan.json's σ = 0.5, bit for bit as a local run does", () => {
      const local = join(dir, 'local');
      expect(runCli(['run', writeSweep(dir, 'qtrust', SWEEP), '--out', local]).code).toBe(0);
      const queued = readRunFile(join(out, 'runs', `${x.run_id}.arrow`));
      const reference = readRunFile(join(local, 'runs', `${x.run_id}.arrow`));
      expect(queued.params.sigma).toBe(0.5);
      expect(queued.metrics.rows).toBe(reference.metrics.rows);
      for (const [name, column] of Object.entries(reference.metrics.values)) {
        const got = queued.metrics.values[name as keyof typeof reference.metrics.values];
        expect(Buffer.from(got.buffer).equals(Buffer.from(column.buffer)), name).toBe(true);
      }
    });
  });

  it("a copied folder cannot take the original's jobs: its worker is refused, and run --queue gives the copy a queue of its own", () => {
    const dir = tempDir();
    const { out, url } = enqueue(dir, 2, join(dir, 'original'));
    const copy = join(dir, 'copy');
    cpSync(out, copy, { recursive: true });

    const stolen = runCli(['worker', '--queue', url, '--out', copy, '--workers', '1']);
    expect(stolen.code, stolen.stderr).toBe(2);
    expect(stolen.stderr.trim().split('\n')).toHaveLength(1);
    expect(stolen.stderr).toContain(`${join(copy, 'queue.json')} was written in another folder (${copy} is a copy of it`);
    expect(runFiles(copy)).toEqual([]);
    const counts = runCli(['status', copy, '--queue', url]);
    expect(counts.code, counts.stderr).toBe(2);
    expect(counts.stderr).toContain('was written in another folder');

    const own = runCli(['worker', '--queue', url, '--out', out, '--workers', '1']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toContain('3 done, 0 diverged, 0 already finished');

    const requeue = runCli(['run', writeSweep(dir, 'qtrust', SWEEP), '--queue', url, '--out', copy]);
    expect(requeue.code, requeue.stderr).toBe(0);
    expect(requeue.stderr).toContain(`queue ${queueOf(out)} stays that folder's, this one gets ${queueOf(copy)}`);
    expect(queueOf(copy)).not.toBe(queueOf(out));
    const copyWorker = runCli(['worker', '--queue', url, '--out', copy, '--workers', '1']);
    expect(copyWorker.code, copyWorker.stderr).toBe(0);
    expect(copyWorker.stderr).toContain('3 done, 0 diverged, 0 already finished');
    expect(runCli(['status', copy]).stdout).toContain('3 runs: 3 done');
  });

  it('a Redis password is never printed: the worker command and the log show *** in its place', async () => {
    const dir = tempDir();
    const admin = new Redis(redis.url);
    await admin.config('SET', 'requirepass', 'sesame-7');
    try {
      const url = `redis://:sesame-7@127.0.0.1:${redis.port}/3`;
      const out = join(dir, 'out');
      const r = runCli(['run', writeSweep(dir, 'qtrust', SWEEP), '--queue', url, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`npx lnsweep worker --queue redis://:***@127.0.0.1:${redis.port}/3 --out ${out}`);
      const w = runCli(['worker', '--queue', url, '--out', out, '--workers', '1']);
      expect(w.code, w.stderr).toBe(0);
      expect(w.stderr).toContain(`at redis://:***@127.0.0.1:${redis.port}/3`);
      const wrong = runCli(['status', out, '--queue', `redis://:wrong-pass@127.0.0.1:${redis.port}/3`]);
      expect(wrong.code).toBe(2);
      for (const text of [r.stdout, r.stderr, w.stdout, w.stderr, wrong.stderr]) {
        expect(text).not.toContain('sesame-7');
        expect(text).not.toContain('wrong-pass');
      }
    } finally {
      await admin.auth('sesame-7');
      await admin.config('SET', 'requirepass', '');
      admin.disconnect();
    }
  });
});
