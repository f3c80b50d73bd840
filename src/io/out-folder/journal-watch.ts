/**
 * The journals of a folder followed as they grow (live.ts): each look reads the bytes appended since the last, whole
 * lines only, and keeps per part (the journal's writer: `journal.jsonl` a whole-plan run, `journal.<part>.jsonl` a
 * shard or queue worker) what it started and has not ended, each run's last failure, and when outcomes were written.
 *
 * A run counts as running while its part has started it and not ended it, and the part's process may still be alive:
 * its lock is held (a coordinator or shard), or its pid lives on this host (a queue worker named `worker-<host>-<pid>`;
 * one on another host counts as alive until its journal says it ended). A new `sweep_start` or `worker_start` of a part
 * drops what its last process left in flight.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { lockHolder } from './lock.js';
import { journalPaths } from './paths.js';

/** The finishing rate behind the ETA is measured over the runs that ended in this window. */
const RATE_WINDOW_MS = 10 * 60 * 1000;

export interface RunningPart {
  /** `run` (a whole-plan run), `shard-2-of-8`, `worker-node17-4242` */
  part: string;
  host: string;
  pid: number | null;
  /** when its sweep_start or worker_start was written */
  since: string | null;
  runs: { run_id: string; since: string }[];
}

interface PartState {
  startedAt: string | null;
  ended: boolean;
  /** run id → time its run_start was written */
  running: Map<string, string>;
}

export class JournalWatch {
  readonly #dir: string;
  /** how far each journal has been read: up to the end of its last whole line */
  readonly #offsets = new Map<string, number>();
  readonly #parts = new Map<string, PartState>();
  /** a run's last failure; a run file, or a later run_done, wins */
  readonly failures = new Map<string, { error: string; engine: string }>();
  /** outcomes written lately: time and run id, for the rate */
  #ended: { t: number; runId: string }[] = [];

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Reads what the journals gained; true when an event changed something. */
  refresh(): boolean {
    let changed = false;
    for (const path of journalPaths(this.#dir)) {
      let offset = this.#offsets.get(path) ?? 0;
      const size = sizeOfPath(path);
      if (size < offset) {
        // rewritten from scratch (`run --fresh`): read it again
        offset = 0;
        this.#parts.delete(partOfJournal(path));
      }
      if (size === offset) continue;
      const bytes = readBytes(path, offset, size - offset);
      // whole lines only, decoded as whole: a line (or a character) cut by a write in progress waits for the next read
      const end = bytes.lastIndexOf(0x0a) + 1;
      this.#offsets.set(path, offset + end);
      for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
        if (line) changed = this.#onEvent(partOfJournal(path), line) || changed;
      }
    }
    return changed;
  }

  #onEvent(part: string, line: string): boolean {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return false; // a line cut by a crash: readJournal reports those
    }
    const state = this.#parts.get(part) ?? this.#parts.set(part, { startedAt: null, ended: false, running: new Map() }).get(part)!;
    const t = typeof e.t === 'string' ? e.t : '';
    const runId = typeof e.run_id === 'string' ? e.run_id : null;
    switch (e.event) {
      case 'sweep_start':
      case 'worker_start':
        // a new process of this part: whatever the last one left in flight died with it
        state.startedAt = t;
        state.ended = false;
        state.running.clear();
        return true;
      case 'sweep_end':
      case 'worker_end':
        state.ended = true;
        state.running.clear();
        return true;
      case 'run_start':
        if (runId) state.running.set(runId, t);
        return true;
      case 'run_retry':
        if (runId) state.running.delete(runId);
        return true;
      case 'run_done':
      case 'run_failed':
        if (!runId) return false;
        state.running.delete(runId);
        this.#ended.push({ t: Date.parse(t), runId });
        if (e.event === 'run_failed') {
          this.failures.set(runId, { error: typeof e.error === 'string' ? e.error : '', engine: typeof e.engine === 'string' ? e.engine : '' });
        } else this.failures.delete(runId);
        return true;
      default:
        return false;
    }
  }

  /** The parts whose process may be alive, with their runs in flight (those without a run file, `finished` says). */
  running(finished: (runId: string) => boolean): RunningPart[] {
    const out: RunningPart[] = [];
    for (const [part, state] of this.#parts) {
      if (state.ended) continue;
      const who = processOf(this.#dir, part);
      if (!who) continue;
      const runs = [...state.running]
        .filter(([id]) => !finished(id))
        .map(([run_id, since]) => ({ run_id, since }))
        .sort((a, b) => (a.since < b.since ? -1 : 1));
      out.push({ part: part || 'run', host: who.host, pid: who.pid, since: state.startedAt, runs });
    }
    return out.sort((a, b) => (a.part < b.part ? -1 : 1));
  }

  /** Cost finished per second since the oldest live part started, or over the last RATE_WINDOW_MS. */
  rate(now: number, running: readonly RunningPart[], costOf: (runId: string) => number): number | null {
    const starts = running.map((p) => (p.since ? Date.parse(p.since) : NaN)).filter(Number.isFinite);
    if (starts.length === 0) return null;
    const from = Math.max(now - RATE_WINDOW_MS, Math.min(...starts));
    this.#ended = this.#ended.filter((e) => e.t >= now - RATE_WINDOW_MS);
    let cost = 0;
    for (const e of this.#ended) if (e.t >= from) cost += costOf(e.runId);
    const seconds = (now - from) / 1000;
    return seconds > 0 && cost > 0 ? cost / seconds : null;
  }
}

/** `journal.jsonl` → '' (a whole-plan run), `journal.<part>.jsonl` → part. */
function partOfJournal(path: string): string {
  const name = basename(path);
  return name === 'journal.jsonl' ? '' : name.slice('journal.'.length, -'.jsonl'.length);
}

/** The process behind a part, if it may still be running (see the module comment). */
function processOf(dir: string, part: string): { host: string; pid: number | null } | null {
  const worker = /^worker-(.+)-(\d+)$/.exec(part);
  if (!worker) {
    const holder = lockHolder(dir, part || undefined);
    return holder ? { host: holder.host, pid: holder.pid } : null;
  }
  const [, host, pidText] = worker;
  const pid = Number(pidText);
  if (host !== hostname().replace(/[^A-Za-z0-9_-]/g, '_')) return { host, pid };
  try {
    process.kill(pid, 0);
    return { host, pid };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? { host, pid } : null;
  }
}

export function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return '';
  }
}

function sizeOfPath(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readBytes(path: string, offset: number, length: number): Buffer {
  if (!existsSync(path)) return Buffer.alloc(0);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
