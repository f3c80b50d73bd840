/**
 * One coordinator per part of a folder at a time (a part: the whole plan, or one shard): a lock file
 * `lnsweep.lock` (`lnsweep.<part>.lock` for a shard; paths.ts) records pid, host and start time. It is stale, and
 * taken over, when its pid is dead on this host or it was not refreshed for LOCK_STALE_MS (a crashed node elsewhere).
 * Shards of one sweep hold different parts' locks, so they run side by side.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { OutDirError } from '../errors.js';
import { lockPath } from './paths.js';

/** A lock not refreshed for this long belongs to a dead process, wherever it ran (refreshed every minute). */
const LOCK_STALE_MS = 10 * 60 * 1000;
const LOCK_REFRESH_MS = 60 * 1000;

export interface FolderLock {
  release(): void;
}

export interface LockRecord {
  pid: number;
  host: string;
  started_at: string;
}

/** Takes the folder's (or part's) lock, or throws OutDirError naming who holds it. */
export function lockFolder(outDir: string, part?: string): FolderLock {
  const path = lockPath(outDir, part);
  const record: LockRecord = { pid: process.pid, host: hostname(), started_at: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify(record) + '\n');
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new OutDirError(`${path}: cannot create the folder's lock (${code ?? String(err)})`, { cause: err });
      const holder = liveHolder(path);
      if (holder || attempt >= 2) {
        if (!holder) throw new OutDirError(`${path}: another lnsweep run took the lock at the same moment; try again`);
        throw new OutDirError(
          `${outDir} is in use by another lnsweep run (pid ${holder.pid} on ${holder.host}, since ${holder.started_at}); ` +
            `wait for it to end, or give this one another --out (shards of one sweep use --shard K/N). ` +
            `If that process is gone, delete ${path}`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  const timer = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // the folder went away; the run's own writes will report it
    }
  }, LOCK_REFRESH_MS);
  timer.unref();
  return {
    release() {
      clearInterval(timer);
      if (holderOf(path)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}

/** Who holds the folder's (or a part's) lock and may still be running, or null: for `serve`'s "running where". */
export function lockHolder(outDir: string, part?: string): LockRecord | null {
  return liveHolder(lockPath(outDir, part));
}

function holderOf(path: string): LockRecord | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockRecord;
  } catch {
    return null;
  }
}

/** The lock's holder if it may still be running: alive on this host, or refreshed recently elsewhere. */
function liveHolder(path: string): LockRecord | null {
  const holder = holderOf(path);
  if (!holder || typeof holder.pid !== 'number') return null;
  if (holder.host === hostname()) {
    try {
      process.kill(holder.pid, 0);
      return holder;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? holder : null;
    }
  }
  try {
    return Date.now() - statSync(path).mtimeMs < LOCK_STALE_MS ? holder : null;
  } catch {
    return null;
  }
}
