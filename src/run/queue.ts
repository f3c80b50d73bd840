/**
 * Queue mode, what the producer (queue-producer.ts, `run --queue`) and the consumers (queue-consumer.ts,
 * `lnsweep worker`) share: a sweep's runs as BullMQ jobs on Redis, for workers on any number of machines that share
 * the output folder.
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
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { OutDirError, queueFilePath, readSmallJsonFile, writeJsonAtomic } from '../io/index.js';
import type { PlannedRun } from '../sweep/plan.js';

/** queue.json holds a name and a date: a few dozen bytes. */
const MAX_QUEUE_FILE_BYTES = 64 * 1024;

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

/** The folder's queue name, created (`<sweep name>.<8 random hex>`) when `create` and there is none yet. */
export function queueNameOf(outDir: string, opts: { create?: { sweepName: string } } = {}): string {
  const path = queueFilePath(outDir);
  if (existsSync(path)) {
    let why = 'no queue name in it';
    try {
      const name = (readSmallJsonFile(path, MAX_QUEUE_FILE_BYTES) as { queue?: unknown } | null)?.queue;
      if (typeof name === 'string' && name !== '') return name;
    } catch (err) {
      why = (err as Error).message;
    }
    throw new OutDirError(
      `${path}: not a readable queue file (${why}); delete it and enqueue again with \`lnsweep run SWEEP --queue URL --out ${outDir}\``,
    );
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
function redisDbOf(url: string): number {
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
      const count = await client.config('GET', 'databases').then(
        (r) => r[1],
        () => undefined,
      );
      const valid = count ? `; this server has databases 0-${Number(count) - 1}` : '';
      throw new QueueError(`--queue ${url}: Redis has no database ${db} (${(cause as Error).message})${valid}`, { cause });
    }
  } finally {
    client.disconnect();
  }
}
