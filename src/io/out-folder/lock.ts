/**
 * Who writes into an output folder right now. Every command that writes there holds a lock file of its own part
 * (paths.ts): `lnsweep.lock` for a run of the whole plan (`run`, `refine`), `lnsweep.shard-K-of-N.lock` for a shard,
 * `lnsweep.worker-<host>-<pid>.lock` for a queue worker, `lnsweep.enqueue.lock` for `run --queue`,
 * `lnsweep.merge.lock` for `merge`. A lock records pid, host, start time and the command, and is refreshed every
 * minute while its holder works.
 *
 * - Two holders of one part exclude each other (the file exists). Holders of different parts may work side by side
 *   only when they split the runs the same way: shards of one N, or queue workers with their producer; a run of the
 *   whole plan beside shards, shards of another N, or queue workers would do runs twice, so the later one is refused.
 *   `merge` does no runs and goes beside anything.
 * - `--fresh` deletes the folder's results, so its lock is exclusive while it does: nothing else may hold a lock then,
 *   and nothing may take one. It becomes an ordinary lock once the deletion is done (FolderLock.share).
 * - A lock not refreshed for LOCK_STALE_MS is stale whatever its pid (the pid may have been reused, or the holder
 *   runs on a node that died); one of this host whose pid is gone is stale at once. A stale lock is taken over.
 * - A lock that is not one lnsweep wrote (a folder, bad JSON, a pid that is no process id) is refused in one line
 *   unless it is stale by age; never removed while fresh, since it is not known what it is.
 * - A new lock appears whole (written aside, then hard-linked into place, which fails if the name exists), so no
 *   reader ever sees one half-written; the check of the other parts follows the taking, so of two starters at the
 *   same moment at least one sees the other.
 * - A process may take the lock it already holds (refine takes it, then its rounds run under the coordinator's):
 *   the file stays until the last release.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { describeCause, OutDirError } from '../errors.js';
import { lockPath, lockPaths, tempPathFor } from './paths.js';

/** A lock not refreshed for this long belongs to no live process, wherever it ran (refreshed every minute). */
const LOCK_STALE_MS = 10 * 60 * 1000;
const LOCK_REFRESH_MS = 60 * 1000;

export interface FolderLock {
  /** Ends an exclusive (`--fresh`) lock's exclusivity: the deletion is over, others may join as usual. */
  share(): void;
  release(): void;
}

export interface LockOptions {
  /** what holds it, for other commands' messages: `run`, `refine`, `worker`, `merge`, … */
  command?: string;
  /** `--fresh`: nothing else may work in the folder while this lock is exclusive */
  exclusive?: boolean;
}

export interface LockRecord {
  pid: number;
  host: string;
  started_at: string;
  command: string;
  /** set while the holder deletes the folder's results (`--fresh`) */
  exclusive?: boolean;
  /** tells this holder's lock from a later holder's of the same part */
  token: string;
}

type LockState = { kind: 'live'; holder: LockRecord } | { kind: 'stale' } | { kind: 'gone' } | { kind: 'malformed'; why: string };

/** Locks this process holds, by path: taking one again only counts. */
const held = new Map<string, { record: LockRecord; count: number; timer: NodeJS.Timeout }>();

/** A command that leaves by process.exit (a second signal) takes its locks with it: nothing else would remove them. */
let exitHook = false;
function releaseAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [path, entry] of held) if (readRecord(path)?.token === entry.record.token) rmSync(path, { force: true });
  });
}

/** Takes the folder's lock for `part` (undefined: the whole plan), or throws OutDirError naming who is in the way. */
export function lockFolder(outDir: string, part?: string, opts: LockOptions = {}): FolderLock {
  const path = lockPath(outDir, part);
  const key = resolve(path);
  const mine = held.get(key);
  if (mine) {
    mine.count++;
    return handle(key);
  }
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    started_at: new Date().toISOString(),
    command: opts.command ?? (part ? part.replace(/^shard-(\d+)-of-(\d+)$/, 'run --shard $1/$2') : 'run'),
    ...(opts.exclusive ? { exclusive: true } : {}),
    token: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; !create(path, record, outDir); attempt++) {
    const state = lockState(path);
    if (state.kind === 'live') throw new OutDirError(inUse(outDir, path, state.holder, `one ${record.command} at a time in a folder`));
    if (state.kind === 'malformed') {
      throw new OutDirError(`${path}: not a lock lnsweep wrote (${state.why}); if no lnsweep command is working in ${outDir}, delete it`);
    }
    if (attempt >= 2) throw new OutDirError(`${path}: another lnsweep command took the lock at the same moment; try again`);
    if (state.kind === 'stale') rmSync(path, { force: true });
  }
  const timer = setInterval(() => refresh(path, record), LOCK_REFRESH_MS);
  timer.unref();
  held.set(key, { record, count: 1, timer });
  releaseAllOnExit();
  // Taken first, then the others looked at: of two commands starting at once, at least one sees the other.
  const conflict = conflictingHolder(outDir, path, part, record);
  if (conflict) {
    handle(key).release();
    throw new OutDirError(conflict);
  }
  return handle(key);
}

function handle(key: string): FolderLock {
  let released = false;
  return {
    share() {
      const entry = held.get(key);
      if (!entry?.record.exclusive) return;
      delete entry.record.exclusive;
      const tmp = tempPathFor(key);
      writeFileSync(tmp, JSON.stringify(entry.record) + '\n');
      renameSync(tmp, key);
    },
    release() {
      const entry = held.get(key);
      if (released || !entry) return;
      released = true;
      if (--entry.count > 0) return;
      clearInterval(entry.timer);
      held.delete(key);
      if (readRecord(key)?.token === entry.record.token) rmSync(key, { force: true });
    },
  };
}

/** Who holds the folder's (or a part's) lock and may still be running, or null: for `serve`'s "running where". */
export function lockHolder(outDir: string, part?: string): LockRecord | null {
  const state = lockState(lockPath(outDir, part));
  return state.kind === 'live' ? state.holder : null;
}

/** Writes `record` at `path` whole, unless something is there already (false). */
function create(path: string, record: LockRecord, outDir: string): boolean {
  const text = JSON.stringify(record) + '\n';
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createInPlace(path, text, outDir);
    throw new OutDirError(`cannot write in ${outDir} (${systemReason(err)}); nothing was changed`, { cause: err });
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** For file systems without hard links: exclusive create, then the record (a reader may briefly see it empty). */
function createInPlace(path: string, text: string, outDir: string): boolean {
  try {
    writeFileSync(path, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new OutDirError(`cannot write in ${outDir} (${systemReason(err)}); nothing was changed`, { cause: err });
  }
}

/** `EROFS: read-only file system`: a system error without the temp file's name Node appends. */
const systemReason = (err: unknown): string => describeCause(err).replace(/, \w+ '[^']*'( -> '[^']*')?$/, '');

function refresh(path: string, record: LockRecord): void {
  try {
    // a lock taken over (this process was thought dead) is the new holder's to refresh
    if (readRecord(path)?.token !== record.token) return;
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // the folder went away; the command's own writes will report it
  }
}

function readRecord(path: string): LockRecord | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockRecord;
  } catch {
    return null;
  }
}

/** What the lock at `path` is: a live holder's, stale (taken over), gone, or not one lnsweep wrote. */
function lockState(path: string): LockState {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return { kind: 'gone' };
  }
  if (!st.isFile()) return { kind: 'malformed', why: st.isDirectory() ? 'it is a folder' : 'it is not a regular file' };
  if (Date.now() - st.mtimeMs > LOCK_STALE_MS) return { kind: 'stale' };
  let holder: unknown;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { kind: 'malformed', why: 'not JSON' };
  }
  const h = holder as Partial<LockRecord> | null;
  if (typeof h !== 'object' || h === null) return { kind: 'malformed', why: 'not a JSON object' };
  if (!Number.isSafeInteger(h.pid) || (h.pid as number) < 1) return { kind: 'malformed', why: `pid ${JSON.stringify(h.pid)} is not a process id` };
  if (typeof h.host !== 'string' || typeof h.started_at !== 'string') return { kind: 'malformed', why: 'no host or start time' };
  if (h.host === hostname()) {
    try {
      process.kill(h.pid as number, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') return { kind: 'stale' };
    }
  }
  return { kind: 'live', holder: { command: 'lnsweep', token: '', ...h } as LockRecord };
}

/** How a part splits the runs: the whole plan, shards of N, or the queue; null for a part that does no runs. */
function splitOf(part: string | undefined): string | null {
  if (part === undefined) return 'the whole plan';
  const shard = /^shard-\d+-of-(\d+)$/.exec(part);
  if (shard) return `shards of ${shard[1]}`;
  if (part === 'enqueue' || part.startsWith('worker-')) return 'the queue';
  return null;
}

/** The part a lock file is for (`lnsweep.shard-1-of-2.lock` → `shard-1-of-2`; `lnsweep.lock` → undefined). */
const partOfLock = (path: string): string | undefined => /^lnsweep\.(.+)\.lock$/.exec(basename(path))?.[1];

/** Why this lock may not be held beside another live one in the folder, or null when it may. */
function conflictingHolder(outDir: string, own: string, part: string | undefined, record: LockRecord): string | null {
  for (const other of lockPaths(outDir)) {
    if (resolve(other) === resolve(own)) continue;
    const state = lockState(other);
    if (state.kind !== 'live') continue;
    const { holder } = state;
    if (record.exclusive) return inUse(outDir, other, holder, `--fresh deletes the folder's results, so nothing else may work in it meanwhile`);
    if (holder.exclusive) return inUse(outDir, other, holder, `it is deleting the folder's results (--fresh)`);
    const pair = [record.command, holder.command].sort().join(' ');
    if (pair === 'merge refine') {
      return inUse(outDir, other, holder, `refine adds rounds to plan.json, so a merge meanwhile would summarise an older plan over the newer one`);
    }
    const mineSplit = splitOf(part);
    const theirs = splitOf(partOfLock(other));
    if (mineSplit && theirs && mineSplit !== theirs) {
      return inUse(
        outDir,
        other,
        holder,
        `this ${record.command} would take its runs from ${mineSplit} and it takes them from ${theirs}, so runs would be done twice` +
          (mineSplit.startsWith('shards') && theirs.startsWith('shards') ? ` (shards of one sweep share one N)` : ''),
      );
    }
  }
  return null;
}

function inUse(outDir: string, path: string, holder: LockRecord, why: string): string {
  return (
    `${outDir} is in use by another lnsweep command (${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.started_at}; ` +
    `${basename(path)}): ${why}. Wait for it to end; if that process is gone, delete ${path}`
  );
}
