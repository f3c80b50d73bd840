/**
 * Queue mode, the producer's side: a sweep's runs as BullMQ jobs on Redis, for workers on any number of machines
 * that share the output folder (`queue-worker.ts` takes them).
 *
 *   Redis                                         shared output folder
 *   lnsweep:<queue>:…  jobs `run-<run_id>`        plan.json, queue.json {"queue": "<name>.<8 hex>"}, runs/, journals
 *
 * - The queue is named once per output folder (`queue.json`, created by the first `run --queue`): two sweeps, or
 *   one sweep into two folders, never share a queue, and workers find it from the folder alone, whatever path the
 *   folder is mounted at on their machine.
 * - The job id is the run id (`run-<id>`: BullMQ refuses ids that read as integers, and a hex id can be all
 *   digits), so enqueueing again adds nothing; a run whose job failed for good, or completed while its file has
 *   since gone, is put back. Finished jobs are kept, so that `status --queue` can count them and ids stay taken.
 * - Redis is checked with a PING before anything else, so a wrong URL fails in seconds with the URL in the message
 *   instead of retrying forever (ioredis's default).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { writeJsonAtomic } from '../io/index.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';
import { OutDirError } from './out-dir.js';
import { runsDir } from './layout.js';
import { sweepSeedOf } from './ownership.js';

/** All of lnsweep's keys in Redis start with this (BullMQ's `prefix`). */
export const KEY_PREFIX = 'lnsweep';

/** What a job carries: enough to do the run on any machine (`outDir` is the producer's path, for the record). */
export interface RunJobData {
  run: PlannedRun;
  sweepSeed: number;
  outDir: string;
}

/** What a finished job returns (kept in Redis with the job). */
export interface RunJobResult {
  status: 'done' | 'diverged' | 'already-done';
  wall_s: number;
  engine: string;
  worker: string;
}

/** Redis unreachable, or a queue that is not there: the message is the whole story (the CLI exits 2). */
export class QueueError extends Error {
  override name = 'QueueError';
  constructor(message: string, options?: ErrorOptions) {
    super(`[queue] ${message}`, options);
  }
}

export const jobIdOf = (runId: string): string => `run-${runId}`;
export const queueFilePath = (outDir: string): string => join(outDir, 'queue.json');

/** The folder's queue name, created (`<sweep name>.<8 random hex>`) when `create` and there is none yet. */
export function queueNameOf(outDir: string, opts: { create?: { sweepName: string } } = {}): string {
  const path = queueFilePath(outDir);
  if (existsSync(path)) {
    try {
      const name = (JSON.parse(readFileSync(path, 'utf8')) as { queue?: unknown }).queue;
      if (typeof name === 'string' && name !== '') return name;
    } catch {
      // reported below
    }
    throw new OutDirError(`${path}: not a readable queue file; delete it and enqueue again with \`lnsweep run SWEEP --queue URL --out ${outDir}\``);
  }
  if (!opts.create) {
    throw new OutDirError(`${path}: no queue for this folder; enqueue first with \`lnsweep run SWEEP --queue URL --out ${outDir}\``);
  }
  // BullMQ names may not contain ':' (its key separator); sweep names are checked by the sweep layer, but be safe.
  const name = `${opts.create.sweepName.replace(/[^A-Za-z0-9_.-]/g, '_')}.${randomBytes(4).toString('hex')}`;
  mkdirSync(outDir, { recursive: true });
  writeJsonAtomic(path, { queue: name, created: new Date().toISOString() });
  return name;
}

/** Connection options for BullMQ. Workers need `maxRetriesPerRequest: null` (BullMQ requires it for blocking calls). */
export function connectionFor(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}

/** The database index of a Redis URL (`redis://host:6379/3` → 3; none → 0), or a QueueError naming the URL. */
export function redisDbOf(url: string): number {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new QueueError(`--queue ${url}: not a Redis URL; e.g. redis://host:6379 or redis://host:6379/2`, { cause });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueError(`--queue ${url}: not a Redis URL (it must start with redis:// or rediss://)`);
  }
  const path = parsed.pathname.replace(/^\//, '');
  if (path === '') return 0;
  if (!/^[0-9]+$/.test(path)) throw new QueueError(`--queue ${url}: '/${path}' is not a database number (redis://host:port/DB)`);
  return Number(path);
}

/**
 * Resolves when Redis answers a PING in the URL's database; rejects with a QueueError naming the URL after
 * `timeoutMs` or an error. The database is selected explicitly: ioredis reports a SELECT of an index the server
 * lacks only as an 'error' event and then works in database 0, so a typo would enqueue into the wrong place.
 */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const db = redisDbOf(url);
  const server = new URL(url);
  server.pathname = ''; // connect to database 0, then SELECT the URL's, to see its error
  let client: Redis;
  try {
    client = new Redis(server.toString(), { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  } catch (cause) {
    throw new QueueError(`--queue ${url}: not a Redis URL (${(cause as Error).message}); e.g. redis://host:6379`, { cause });
  }
  let lastError: Error | null = null;
  client.on('error', (err: Error) => void (lastError = err)); // the cause; connect() rejects with "Connection is closed"
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (cause) {
      const why = (lastError as Error | null)?.message ?? (cause as Error).message;
      throw new QueueError(`cannot reach Redis at ${url}: ${why}`, { cause });
    }
    try {
      await client.select(db);
    } catch (cause) {
      const count = await client.config('GET', 'databases').then((r) => (r as string[])[1], () => undefined);
      const valid = count ? `; this server has databases 0-${Number(count) - 1}` : '';
      throw new QueueError(`--queue ${url}: Redis has no database ${db} (${(cause as Error).message})${valid}`, { cause });
    }
  } finally {
    client.disconnect();
  }
}

export interface EnqueueOptions {
  url: string;
  plan: Plan;
  /** the runs without a sound run file in the folder */
  todo: readonly PlannedRun[];
  outDir: string;
  /** attempts per run before its job fails for good (BullMQ `attempts`); retries back off exponentially */
  attempts: number;
  /** first retry delay; then doubled each time */
  backoffMs?: number;
  /** drop every job of this folder's queue first (with `run --fresh`) */
  fresh?: boolean;
}

export interface EnqueueReport {
  queue: string;
  added: number;
  /** jobs that had failed for good, or completed without leaving a run file, put back to wait */
  requeued: number;
  /** jobs already waiting, delayed or active: left alone */
  alreadyQueued: number;
}

/** Enqueues `todo` (see the module header for what enqueueing twice does). */
export async function enqueueRuns(opts: EnqueueOptions): Promise<EnqueueReport> {
  await checkRedis(opts.url);
  const name = queueNameOf(opts.outDir, { create: { sweepName: opts.plan.name } });
  mkdirSync(runsDir(opts.outDir), { recursive: true });
  const jobOpts: JobsOptions = {
    attempts: opts.attempts,
    backoff: { type: 'exponential', delay: opts.backoffMs ?? 10_000 },
    removeOnComplete: false,
    removeOnFail: false,
  };
  const queue = new Queue<RunJobData, RunJobResult>(name, { connection: connectionFor(opts.url), prefix: KEY_PREFIX });
  const report: EnqueueReport = { queue: name, added: 0, requeued: 0, alreadyQueued: 0 };
  try {
    if (opts.fresh) await queue.obliterate({ force: true });
    const CHUNK = 500;
    for (let i = 0; i < opts.todo.length; i += CHUNK) {
      const chunk = opts.todo.slice(i, i + CHUNK);
      const jobs = await Promise.all(chunk.map((r) => queue.getJob(jobIdOf(r.run_id))));
      const toAdd: PlannedRun[] = [];
      await Promise.all(
        chunk.map(async (run, j) => {
          const job = jobs[j];
          if (!job) {
            toAdd.push(run);
            report.added++;
            return;
          }
          const state = await job.getState();
          if (state === 'failed') {
            await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
            report.requeued++;
          } else if (state === 'completed' || state === 'unknown') {
            // completed, yet the run has no file (deleted, or found corrupt and removed): do it again
            await job.remove();
            toAdd.push(run);
            report.requeued++;
          } else {
            report.alreadyQueued++;
          }
        }),
      );
      // Largest first, as the local coordinator does, so the long runs do not start last (BullMQ is FIFO).
      toAdd.sort((a, b) => b.cost - a.cost || (a.run_id < b.run_id ? -1 : 1));
      await queue.addBulk(
        toAdd.map((run) => ({
          name: 'run',
          data: { run, sweepSeed: sweepSeedOf(opts.plan, run), outDir: opts.outDir },
          opts: { ...jobOpts, jobId: jobIdOf(run.run_id) },
        })),
      );
    }
  } finally {
    await queue.close();
  }
  return report;
}

export interface QueueCounts {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** The job counts of the folder's queue. */
export async function queueCounts(url: string, outDir: string): Promise<QueueCounts> {
  await checkRedis(url);
  const name = queueNameOf(outDir);
  const queue = new Queue(name, { connection: connectionFor(url), prefix: KEY_PREFIX });
  try {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return {
      queue: name,
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  } finally {
    await queue.close();
  }
}
