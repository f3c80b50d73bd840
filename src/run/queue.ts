/**
 * Queue mode, what the producer (queue-producer.ts, `run --queue`) and the consumers (queue-consumer.ts,
 * `lnsweep worker`) share: a sweep's runs as BullMQ jobs on Redis, for workers on any number of machines that share
 * the output folder.
 *
 *   Redis                                         shared output folder
 *   lnsweep:<queue>:…  jobs `run-<run_id>`        plan.json, queue.json {"queue": "<name>.<8 hex>"}, runs/, journals
 *
 * - A job is a run id and nothing more: anyone who can write to the Redis server can write any job, so a worker
 *   takes the run's parameters from the folder's plan.json by the job's id, and does the run only when the id has
 *   the form of one, is planned, and is the hash of those parameters (queue-consumer.ts).
 * - The queue is named once per output folder (`queue.json`, created by the first `run --queue`): two sweeps, or
 *   one sweep into two folders, never share a queue, and workers find it from the folder alone, whatever path the
 *   folder is mounted at on their machine. queue.json also records the folder's inode, which every machine that
 *   mounts the folder sees alike (NFS, Lustre, a volume) but a copy of the folder does not: a worker given a copy
 *   refuses the original's queue, and `run --queue` gives the copy a queue of its own.
 * - The job id is the run id (`run-<id>`: BullMQ refuses ids that read as integers, and a hex id can be all
 *   digits), so enqueueing again adds nothing; a run whose job failed for good, or completed while its file has
 *   since gone, is put back. Finished jobs are kept, so that `status --queue` can count them and ids stay taken.
 * - Redis is checked with a PING before anything else, so a wrong URL fails in seconds with the URL in the message
 *   instead of retrying forever (ioredis's default).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { OutDirError, queueFilePath, readSmallJsonFile, writeJsonAtomic } from '../io/index.js';
import { isRunId, type RunId } from '../sweep/ids.js';

/** queue.json holds a name and a date: a few dozen bytes. */
const MAX_QUEUE_FILE_BYTES = 64 * 1024;

/** All of lnsweep's keys in Redis start with this (BullMQ's `prefix`). */
export const KEY_PREFIX = 'lnsweep';

/**
 * What a job carries: its run id, for people reading Redis. Workers trust neither this nor anything else in a job
 * but its id (runIdOfJob), and take the run itself from plan.json.
 */
export interface RunJobData {
  run_id: string;
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

const JOB_ID_PREFIX = 'run-';

export const jobIdOf = (runId: string): string => `${JOB_ID_PREFIX}${runId}`;

/** The run id a job id names (`run-<id>`), or null when it names none of the exact form (isRunId). */
export function runIdOfJob(jobId: string | undefined): RunId | null {
  if (jobId === undefined || !jobId.startsWith(JOB_ID_PREFIX)) return null;
  const id = jobId.slice(JOB_ID_PREFIX.length);
  return isRunId(id) ? id : null;
}

/** `redis://user:secret@host` → `redis://user:***@host`: what messages and printed commands show of a Redis URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^/@]*:)[^/@]*@/, '//$1***@');
  }
}

/** queue.json (docs/formats.md#queue-file). `folder_inode` is absent in folders enqueued before it was recorded. */
interface QueueFile {
  queue: string;
  created: string;
  folder_inode?: string;
}

/** The output folder's inode as a decimal string: the same on every machine that mounts it, another for a copy. */
const folderInode = (outDir: string): string => statSync(outDir, { bigint: true }).ino.toString();

function readQueueFile(path: string, outDir: string): QueueFile {
  let why = 'no queue name in it';
  try {
    const file = readSmallJsonFile(path, MAX_QUEUE_FILE_BYTES) as Partial<QueueFile> | null;
    if (typeof file?.queue === 'string' && file.queue !== '' && (file.folder_inode === undefined || typeof file.folder_inode === 'string')) {
      return file as QueueFile;
    }
  } catch (err) {
    why = (err as Error).message;
  }
  throw new OutDirError(
    `${path}: not a readable queue file (${why}); delete it and enqueue again with \`lnsweep run SWEEP --queue URL --out ${outDir}\``,
  );
}

/**
 * The folder's queue name. With `create` (the producer), a folder without one, or a copy of another folder (its
 * queue.json records another inode), gets a new one (`<sweep name>.<8 random hex>`), and `replaced` names the queue
 * the copy came with. Without it (workers, `status --queue`), a copy is refused: its queue belongs to the original.
 */
export function queueNameOf(outDir: string, opts: { create?: { sweepName: string } } = {}): { name: string; replaced?: string } {
  const path = queueFilePath(outDir);
  const enqueue = `\`lnsweep run SWEEP --queue URL --out ${outDir}\``;
  let replaced: string | undefined;
  if (existsSync(path)) {
    const file = readQueueFile(path, outDir);
    const here = folderInode(outDir);
    if (file.folder_inode === undefined || file.folder_inode === here) {
      // a folder enqueued before the inode was recorded gets it now, from the producer that owns the folder
      if (file.folder_inode === undefined && opts.create) writeJsonAtomic(path, { ...file, folder_inode: here });
      return { name: file.queue };
    }
    if (!opts.create) {
      throw new OutDirError(
        `${path} was written in another folder (${outDir} is a copy of it, or was moved to another file system): ` +
          `its queue ${file.queue} holds that folder's runs. Give this folder a queue of its own with ${enqueue}`,
      );
    }
    replaced = file.queue;
  } else if (!opts.create) {
    throw new OutDirError(`${path}: no queue for this folder; enqueue first with ${enqueue}`);
  }
  // BullMQ names may not contain ':' (its key separator); sweep names are checked by the sweep layer, but be safe.
  const name = `${opts.create.sweepName.replace(/[^A-Za-z0-9_.-]/g, '_')}.${randomBytes(4).toString('hex')}`;
  mkdirSync(outDir, { recursive: true });
  const file: QueueFile = { queue: name, created: new Date().toISOString(), folder_inode: folderInode(outDir) };
  writeJsonAtomic(path, file);
  return replaced === undefined ? { name } : { name, replaced };
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
    throw new QueueError(`--queue ${redactUrl(url)}: not a Redis URL; e.g. redis://host:6379 or redis://host:6379/2`, { cause });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueError(`--queue ${redactUrl(url)}: not a Redis URL (it must start with redis:// or rediss://)`);
  }
  const path = parsed.pathname.replace(/^\//, '');
  if (path === '') return 0;
  if (!/^[0-9]+$/.test(path)) throw new QueueError(`--queue ${redactUrl(url)}: '/${path}' is not a database number (redis://host:port/DB)`);
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
    throw new QueueError(`--queue ${redactUrl(url)}: not a Redis URL (${(cause as Error).message}); e.g. redis://host:6379`, { cause });
  }
  let lastError: Error | null = null;
  client.on('error', (err: Error) => void (lastError = err)); // the cause; connect() rejects with "Connection is closed"
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (cause) {
      const why = (lastError as Error | null)?.message ?? (cause as Error).message;
      throw new QueueError(`cannot reach Redis at ${redactUrl(url)}: ${why}`, { cause });
    }
    try {
      await client.select(db);
    } catch (cause) {
      const count = await client.config('GET', 'databases').then(
        (r) => r[1],
        () => undefined,
      );
      const valid = count ? `; this server has databases 0-${Number(count) - 1}` : '';
      throw new QueueError(`--queue ${redactUrl(url)}: Redis has no database ${db} (${(cause as Error).message})${valid}`, { cause });
    }
  } finally {
    client.disconnect();
  }
}
