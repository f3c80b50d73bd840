/**
 * An output folder watched while others write into it (`serve`, `status --watch`): whoever writes it, this process,
 * shards, Slurm tasks or queue workers, the folder itself says what is done (run files), what failed (journals) and
 * what is running where (journals and locks). Each refresh reads only what changed since the last: new names in
 * runs/ (each run file read and checked once, as `run` checks it), the bytes appended to each journal, plan.json when
 * it was rewritten (refine adds rounds). So a folder of 10,000 runs costs one listing of runs/ per refresh once read,
 * and a refresh can stop after a time budget while a large folder is first read, to keep a server answering.
 *
 * A folder's first look takes the rows of its summaries (`summary.arrow`, the parts' `summary.<part>.arrow`) for the
 * run files written before them, as `report` does, rather than reading thousands of run files: a summary row is built
 * by the same function as a row read from the run file (summary-rows.ts). A summary written by an older version (a
 * column missing) is not used; run files newer than every summary are read.
 *
 * A run counts as running while its part (the journal that started it) has started it and not ended it, and the
 * part's process may still be alive: its lock is held (a coordinator or shard), or its pid lives on this host (a
 * queue worker named `worker-<host>-<pid>`; one on another host counts as alive until its journal says it ended).
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { Plan, PlannedRun } from '../../sweep/plan.js';
import { lockHolder } from './lock.js';
import type { StatusCounts } from './merge.js';
import { readSummary, type SummaryRow } from '../summary.js';
import { journalPaths, planPath, runFilePath, runIdOfFile, runsDir, summaryPaths } from './paths.js';
import { groupProblems, type ProblemGroup } from './problems.js';
import { checkRun, readPlan } from './scan.js';
import { failedRow, rowFromRunFile } from './summary-rows.js';

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

/** `status`'s counts and problems (`corrupt`: run files that fail the check, pending until redone), and what runs. */
export interface LiveStatus extends StatusCounts {
  /** estimated multiply-adds (plan.json `cost`): the whole plan, the runs with an outcome, the rest */
  cost: { total: number; finished: number; pending: number };
  /** cost finished per second over the last minutes, while something runs; null otherwise */
  rate: number | null;
  /** seconds left at that rate; null when nothing runs or nothing has finished lately */
  eta_s: number | null;
  running: RunningPart[];
  /** refinement rounds (0: the sweep's grid): runs planned and finished in each */
  rounds: { round: number; runs: number; finished: number }[];
  /** while a large folder is first read: run files read so far of those listed */
  loading: { read: number; of: number } | null;
}

interface PartState {
  startedAt: string | null;
  ended: boolean;
  /** run id → time its run_start was written */
  running: Map<string, string>;
}

/** How far a journal has been read: up to the end of its last whole line (a line still being written waits). */
interface JournalTail {
  offset: number;
}

export class LiveFolder {
  readonly dir: string;
  #plan: Plan;
  #planStamp = '';
  #byId = new Map<string, PlannedRun>();
  /** finished runs' rows, from their run files */
  readonly #finished = new Map<string, SummaryRow>();
  /** run files that failed the check, with the size they had (checked again when it changes) */
  readonly #corrupt = new Map<string, number>();
  /** ids listed in runs/ and not read yet */
  #unread: string[] = [];
  readonly #queued = new Set<string>();
  readonly #tails = new Map<string, JournalTail>();
  readonly #parts = new Map<string, PartState>();
  /** a run's last failure (journals); a run file later wins */
  readonly #failures = new Map<string, { error: string; engine: string }>();
  /** outcomes written lately: time and run id, for the rate */
  #ended: { t: number; runId: string }[] = [];
  /** bumped by every refresh that changed something */
  version = 0;
  /** whether the summaries have been looked at (the first look only) */
  #seeded = false;
  /** what status() derives from the rows, kept until the next change */
  #derived: { version: number; rows: SummaryRow[]; problems: ProblemGroup[] } | null = null;

  /**
   * Throws OutDirError when `dir` holds no readable plan.json and no `plan` is given (a sweep about to start knows its
   * plan before writing it; plan.json is read once it appears).
   */
  constructor(dir: string, plan?: Plan) {
    this.dir = dir;
    this.#plan = plan ?? readPlan(dir);
    this.#setPlan(this.#plan);
    if (!plan) this.#planStamp = stampOf(planPath(dir));
  }

  get plan(): Plan {
    return this.#plan;
  }

  /**
   * Reads what changed. With a budget, stops reading run files after `budgetMs` and says there is `more`; call
   * again. Returns whether anything changed.
   */
  refresh(budgetMs = Infinity): { changed: boolean; more: boolean } {
    const t0 = performance.now();
    let changed = this.#refreshPlan();
    changed = this.#listRuns() || changed;
    if (!this.#seeded) {
      this.#seeded = true;
      changed = this.#seedFromSummaries() || changed;
    }
    changed = this.#readJournals() || changed;
    while (this.#unread.length > 0 && performance.now() - t0 < budgetMs) {
      const id = this.#unread.pop()!;
      this.#queued.delete(id);
      changed = this.#readRun(id) || changed;
    }
    if (changed) this.version++;
    return { changed, more: this.#unread.length > 0 };
  }

  /** The planned run `id`, if the plan has it. */
  planned(id: string): PlannedRun | undefined {
    return this.#byId.get(id);
  }

  /** Every planned run with an outcome, in plan order: finished ones from their files, failed ones from journals. */
  rows(): SummaryRow[] {
    return this.#derive().rows;
  }

  /** The rows and the problems among them, computed once per version. */
  #derive(): { rows: SummaryRow[]; problems: ProblemGroup[] } {
    if (this.#derived?.version !== this.version) {
      const rows = this.#rowsNow();
      this.#derived = { version: this.version, rows, problems: groupProblems(rows, this.#plan) };
    }
    return this.#derived;
  }

  #rowsNow(): SummaryRow[] {
    const running = this.#runningIds();
    const rows: SummaryRow[] = [];
    for (const run of this.#plan.runs) {
      const row = this.#finished.get(run.run_id);
      if (row) rows.push(row);
      else {
        const f = this.#failures.get(run.run_id);
        if (f && !running.has(run.run_id)) rows.push(failedRow(run, f.error, f.engine));
      }
    }
    return rows;
  }

  status(now = Date.now()): LiveStatus {
    const { rows, problems } = this.#derive();
    const counts = { done: 0, diverged: 0, failed: 0 };
    const cost = { total: 0, finished: 0, pending: 0 };
    const finishedIds = new Set<string>();
    for (const r of rows) {
      counts[r.status]++;
      finishedIds.add(r.run_id);
    }
    const rounds = new Map<number, { runs: number; finished: number }>();
    for (const run of this.#plan.runs) {
      const done = finishedIds.has(run.run_id);
      cost.total += run.cost;
      if (done) cost.finished += run.cost;
      else cost.pending += run.cost;
      const k = run.refine_round ?? 0;
      const round = rounds.get(k) ?? rounds.set(k, { runs: 0, finished: 0 }).get(k)!;
      round.runs++;
      if (done) round.finished++;
    }
    const running = this.#runningParts();
    const rate = running.length > 0 ? this.#rate(now, running) : null;
    const total = this.#plan.runs.length;
    return {
      name: this.#plan.name,
      total,
      ...counts,
      pending: total - counts.done - counts.diverged - counts.failed,
      corrupt: [...this.#corrupt.keys()].filter((id) => this.#byId.has(id)).length,
      cost,
      rate,
      eta_s: rate !== null && rate > 0 ? cost.pending / rate : null,
      running,
      problems,
      rounds: [...rounds].sort(([a], [b]) => a - b).map(([round, r]) => ({ round, ...r })),
      loading:
        this.#unread.length > 0
          ? { read: this.#finished.size + this.#corrupt.size, of: this.#finished.size + this.#corrupt.size + this.#unread.length }
          : null,
    };
  }

  /**
   * Takes the rows of the folder's summaries for the queued run files older than the summary (see the module comment).
   * A summary is used only if its rows carry every column a row read now would (the reference: one run file read).
   */
  #seedFromSummaries(): boolean {
    const paths = summaryPaths(this.dir);
    if (paths.length === 0 || this.#unread.length === 0) return false;
    const reference = this.#unread.find((id) => this.#byId.has(id));
    if (reference === undefined || !this.#readRun(reference)) return false;
    this.#queued.delete(reference);
    this.#unread = this.#unread.filter((id) => id !== reference);
    const wanted = Object.keys(this.#finished.get(reference)!.extra ?? {});
    const queued = new Set(this.#unread);
    let taken = 0;
    for (const path of paths) {
      let rows: SummaryRow[];
      let writtenAt: number;
      try {
        writtenAt = statSync(path).mtimeMs;
        rows = readSummary(path);
      } catch {
        continue; // an older layout, or replaced while read: its runs are read one by one
      }
      if (rows.length > 0 && !wanted.every((k) => k in (rows[0].extra ?? {}))) continue;
      for (const row of rows) {
        if (row.status === 'failed' || !queued.has(row.run_id) || !this.#byId.has(row.run_id)) continue;
        let fileAt: number;
        try {
          fileAt = statSync(runFilePath(this.dir, row.run_id)).mtimeMs;
        } catch {
          continue;
        }
        if (fileAt > writtenAt) continue;
        this.#finished.set(row.run_id, row);
        queued.delete(row.run_id);
        this.#queued.delete(row.run_id);
        taken++;
      }
    }
    this.#unread = this.#unread.filter((id) => queued.has(id));
    return taken > 0;
  }

  #setPlan(plan: Plan): void {
    this.#plan = plan;
    this.#byId = new Map(plan.runs.map((r) => [r.run_id, r]));
  }

  #refreshPlan(): boolean {
    const stamp = stampOf(planPath(this.dir));
    if (stamp === this.#planStamp || stamp === '') return false;
    let plan: Plan;
    try {
      plan = readPlan(this.dir);
    } catch {
      return false; // being rewritten (it is renamed into place whole, so this is rare): next time
    }
    this.#planStamp = stamp;
    this.#setPlan(plan);
    // run files read before their runs were planned (refine appends rounds) are read again
    for (const id of this.#strangers) this.#queue(id);
    this.#strangers.clear();
    return true;
  }

  /** ids on disk that the plan did not have when they were read */
  readonly #strangers = new Set<string>();

  #queue(id: string): void {
    if (this.#queued.has(id)) return;
    this.#queued.add(id);
    this.#unread.push(id);
  }

  #listRuns(): boolean {
    let names: string[];
    try {
      names = readdirSync(runsDir(this.dir));
    } catch {
      names = [];
    }
    const onDisk = new Set<string>();
    for (const name of names) {
      const id = runIdOfFile(name);
      if (id !== null) onDisk.add(id);
    }
    let changed = false;
    // gone: `run --fresh`, or a corrupt file removed by a run that will redo it
    for (const id of [...this.#finished.keys()]) {
      if (!onDisk.has(id)) {
        this.#finished.delete(id);
        changed = true;
      }
    }
    for (const id of [...this.#corrupt.keys()]) if (!onDisk.has(id)) this.#corrupt.delete(id);
    for (const id of onDisk) {
      if (this.#finished.has(id) || this.#strangers.has(id)) continue;
      const size = this.#corrupt.get(id);
      if (size !== undefined && size === sizeOf(this.dir, id)) continue;
      this.#queue(id);
    }
    return changed;
  }

  /** Reads and checks one run file; true when it added a finished run. */
  #readRun(id: string): boolean {
    const run = this.#byId.get(id);
    if (!run) {
      this.#strangers.add(id);
      return false;
    }
    const checked = checkRun(this.dir, id);
    if (typeof checked === 'string') {
      this.#corrupt.set(id, sizeOf(this.dir, id));
      return false;
    }
    this.#corrupt.delete(id);
    this.#finished.set(id, rowFromRunFile(run, checked));
    return true;
  }

  #readJournals(): boolean {
    let changed = false;
    for (const path of journalPaths(this.dir)) {
      const tail = this.#tails.get(path) ?? this.#tails.set(path, { offset: 0 }).get(path)!;
      const size = sizeOfPath(path);
      if (size < tail.offset) {
        // rewritten from scratch (`run --fresh`): read it again
        tail.offset = 0;
        this.#parts.delete(partOfJournal(path));
      }
      if (size === tail.offset) continue;
      const bytes = readBytes(path, tail.offset, size - tail.offset);
      // whole lines only, decoded as whole: a line (or a character) cut by a write in progress waits for the next read
      const end = bytes.lastIndexOf(0x0a) + 1;
      tail.offset += end;
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
          this.#failures.set(runId, { error: typeof e.error === 'string' ? e.error : '', engine: typeof e.engine === 'string' ? e.engine : '' });
        } else this.#failures.delete(runId);
        return true;
      default:
        return false;
    }
  }

  #runningParts(): RunningPart[] {
    const out: RunningPart[] = [];
    for (const [part, state] of this.#parts) {
      if (state.ended) continue;
      const who = processOf(this.dir, part);
      if (!who) continue;
      const runs = [...state.running]
        .filter(([id]) => !this.#finished.has(id))
        .map(([run_id, since]) => ({ run_id, since }))
        .sort((a, b) => (a.since < b.since ? -1 : 1));
      out.push({ part: part || 'run', host: who.host, pid: who.pid, since: state.startedAt, runs });
    }
    return out.sort((a, b) => (a.part < b.part ? -1 : 1));
  }

  #runningIds(): Set<string> {
    const ids = new Set<string>();
    for (const p of this.#runningParts()) for (const r of p.runs) ids.add(r.run_id);
    return ids;
  }

  /** Cost finished per second since the oldest live part started, or over the last RATE_WINDOW_MS. */
  #rate(now: number, running: readonly RunningPart[]): number | null {
    const starts = running.map((p) => (p.since ? Date.parse(p.since) : NaN)).filter(Number.isFinite);
    if (starts.length === 0) return null;
    const from = Math.max(now - RATE_WINDOW_MS, Math.min(...starts));
    this.#ended = this.#ended.filter((e) => e.t >= now - RATE_WINDOW_MS);
    let cost = 0;
    for (const e of this.#ended) if (e.t >= from) cost += this.#byId.get(e.runId)?.cost ?? 0;
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

function stampOf(path: string): string {
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

const sizeOf = (dir: string, id: string): number => sizeOfPath(runFilePath(dir, id));

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
