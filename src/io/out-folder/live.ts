/**
 * An output folder watched while others write into it (`serve`, `status --watch`): whoever writes it, this process,
 * shards, Slurm tasks or queue workers, the folder itself says what is done (run files), what failed (journals) and
 * what is running where (journals and locks). Each refresh reads only what changed since the last: new names in
 * runs/ (each run file read and checked once, as `run` checks it), the bytes appended to each journal, plan.json when
 * it was rewritten (refine adds rounds). So a folder of 10,000 runs costs one listing of runs/ per refresh once read,
 * and a refresh can stop after a time budget while a large folder is first read, to keep a server answering.
 *
 * A folder's first look takes the rows of its summaries (`summary.arrow`, the parts' `summary.<part>.arrow`) for the
 * runs whose files still have the stamp the summary recorded when it built the row from them (stamps.ts), rather
 * than reading thousands of run files: a summary row is built by the same function as a row read from the run file
 * (summary-rows.ts). Every other run file (new, changed, or unknown to the summaries) is read and checked as `run`
 * checks it. A summary written by an older version (a column missing, no stamps) is not used. The one-shot commands
 * (`status`, `run`, `merge`) take their view of the folder from here too (read-out-dir.ts).
 *
 * What runs where, and what failed, come from the journals (journal-watch.ts).
 */
import { readdirSync } from 'node:fs';
import type { Plan, PlannedRun } from '../../sweep/plan.js';
import type { SummaryRow } from '../summary.js';
import { rowOf, type RowHead, type RowSource } from '../summary-table.js';
import { JournalWatch, stampOf, type RunningPart } from './journal-watch.js';
import type { StatusCounts } from './merge.js';
import { planPath, runIdOfFile, runsDir } from './paths.js';
import { groupProblems, type ProblemGroup } from './problems.js';
import { checkRun, plannedById, readPlan, type OutDirScan } from './scan.js';
import { listedSidecars, runStamp, type ListedNames } from './stamps.js';
import { failedRow, rowFromRunFile } from './summary-rows.js';
import { SummarySeed } from './summary-seed.js';

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

export class LiveFolder {
  readonly dir: string;
  #plan: Plan;
  #planStamp = '';
  #byId = new Map<string, PlannedRun>();
  /** finished runs' rows, from their run files (read here, or by whoever wrote a summary with their stamps: built when needed) */
  readonly #finished = new Map<string, RowSource>();
  /** the stamp (stamps.ts) of each finished run's files when they were verified */
  readonly #stamps = new Map<string, string>();
  /** run files that failed the check, with their stamp then and why (checked again when the stamp changes) */
  readonly #corrupt = new Map<string, { stamp: string; reason: string }>();
  /** the sidecars in runs/ at the last listing (stamps look only at those) */
  #listed: ListedNames = new Map();
  /** a one-shot view (read-out-dir.ts): its plan is the one given, and it reads the journals itself */
  readonly #once: boolean;
  /** the rows the summaries vouch for, taken on the first look */
  readonly #seed = new SummarySeed();
  /** ids listed in runs/ and not read yet */
  #unread: string[] = [];
  readonly #queued = new Set<string>();
  readonly #journals: JournalWatch;
  /** bumped by every refresh that changed something */
  version = 0;
  /** whether the summaries have been looked at (the first look only) */
  #seeded = false;
  /** what status() derives from the rows, kept until the next change */
  #derived: { version: number; rows: RowSource[]; problems: ProblemGroup[]; built?: SummaryRow[] } | null = null;

  /** the names in runs/ as the caller just listed them, for the first look (then runs/ is listed at each refresh) */
  #listing: readonly string[] | null;

  /**
   * Throws OutDirError when `dir` holds no readable plan.json and no `plan` is given (a sweep about to start knows its
   * plan before writing it; plan.json is read once it appears). `runsListing`: see #listing.
   */
  constructor(dir: string, plan?: Plan, opts: { once?: boolean; runsListing?: readonly string[] } = {}) {
    this.dir = dir;
    this.#once = opts.once ?? false;
    this.#listing = opts.runsListing ?? null;
    this.#journals = new JournalWatch(dir);
    this.#plan = plan ?? readPlan(dir);
    this.#setPlan(this.#plan);
    if (!plan || this.#once) this.#planStamp = stampOf(planPath(dir));
  }

  get plan(): Plan {
    return this.#plan;
  }

  /**
   * Reads what changed. With a budget, stops reading run files after `budgetMs` (one file at least) and says there
   * is `more`; call again. Returns whether anything changed.
   */
  refresh(budgetMs = Infinity): { changed: boolean; more: boolean } {
    const t0 = performance.now();
    let changed = this.#once ? false : this.#refreshPlan();
    changed = this.#listRuns() || changed;
    if (!this.#seeded) {
      this.#seeded = true;
      changed = this.#seedFromSummaries() || changed;
    }
    if (!this.#once) changed = this.#journals.refresh() || changed;
    // at least one run file a call, whatever the budget, so that calls in a row always get through the folder
    for (let first = true; this.#unread.length > 0 && (first || performance.now() - t0 < budgetMs); first = false) {
      const id = this.#unread.pop()!;
      this.#queued.delete(id);
      changed = this.#readRun(id) || changed;
    }
    if (changed) this.version++;
    return { changed, more: this.#unread.length > 0 };
  }

  /**
   * What `run` and `status` need of the folder once every run file is read (refresh() said no `more`): the finished
   * runs, the corrupt ones (why, in run-id order) and the files not in the plan (run-id order).
   */
  scan(): OutDirScan {
    const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return {
      finished: new Set(this.#finished.keys()),
      corrupt: [...this.#corrupt.keys()]
        .filter((id) => this.#byId.has(id))
        .sort(byId)
        .map((runId) => ({ runId, reason: this.#corrupt.get(runId)!.reason })),
      notInPlan: [...this.#strangers].sort(byId),
    };
  }

  /** The finished runs' rows, by run id, and the stamps of their files when verified (for a summary's metadata). */
  get finished(): ReadonlyMap<string, RowSource> {
    return this.#finished;
  }

  get stamps(): ReadonlyMap<string, string> {
    return this.#stamps;
  }

  /** Whether the summary at `path` holds exactly `rows` already (SummarySeed.holds). */
  summaryHolds(path: string, rows: readonly RowHead[]): boolean {
    return this.#seed.holds(path, rows);
  }

  /** Every planned run with an outcome, in plan order: finished ones from their files, failed ones from journals. */
  rows(): SummaryRow[] {
    const derived = this.#derive();
    return (derived.built ??= derived.rows.map(rowOf));
  }

  /** The rows and the problems among them, computed once per version. */
  #derive(): { rows: RowSource[]; problems: ProblemGroup[]; built?: SummaryRow[] } {
    if (this.#derived?.version !== this.version) {
      const rows = this.#rowsNow();
      this.#derived = { version: this.version, rows, problems: groupProblems(rows, this.#plan) };
    }
    return this.#derived;
  }

  #rowsNow(): RowSource[] {
    const running = this.#runningIds();
    const rows: RowSource[] = [];
    for (const run of this.#plan.runs) {
      const row = this.#finished.get(run.run_id);
      if (row) rows.push(row);
      else {
        const f = this.#journals.failures.get(run.run_id);
        if (f && !running.has(run.run_id)) rows.push(failedRow(this.#plan, run, f.error, f.engine));
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
    const rate = running.length > 0 ? this.#journals.rate(now, running, (id) => this.#byId.get(id)?.cost ?? 0) : null;
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

  /** Takes the rows the summaries vouch for, for the runs listed and not read yet (see the module comment). */
  #seedFromSummaries(): boolean {
    const taken = this.#seed.take(this.dir, this.#plan, this.#byId, this.#queued, this.#listed, (row, stamp) => {
      this.#finished.set(row.run_id, row);
      this.#stamps.set(row.run_id, stamp);
      this.#queued.delete(row.run_id);
    });
    if (taken > 0) this.#unread = this.#queued.size === 0 ? [] : this.#unread.filter((id) => this.#queued.has(id));
    return taken > 0;
  }

  #setPlan(plan: Plan): void {
    this.#plan = plan;
    this.#byId = plannedById(plan);
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
    let names: readonly string[];
    try {
      names = this.#listing ?? readdirSync(runsDir(this.dir));
    } catch {
      names = [];
    }
    this.#listing = null;
    this.#listed = listedSidecars(names);
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
        this.#stamps.delete(id);
        changed = true;
      }
    }
    for (const id of [...this.#corrupt.keys()]) if (!onDisk.has(id)) this.#corrupt.delete(id);
    for (const id of onDisk) {
      if (this.#finished.has(id) || this.#strangers.has(id)) continue;
      const corrupt = this.#corrupt.get(id);
      if (corrupt !== undefined && corrupt.stamp === runStamp(this.dir, id, this.#listed)) continue;
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
    // stamped before it is read: a write while it is read changes the stamp, and it is read again next time
    const stamp = runStamp(this.dir, id, this.#listed);
    const checked = checkRun(this.dir, run);
    if (typeof checked === 'string') {
      this.#corrupt.set(id, { stamp, reason: checked });
      return false;
    }
    this.#corrupt.delete(id);
    this.#finished.set(id, rowFromRunFile(this.#plan, run, checked));
    this.#stamps.set(id, stamp);
    return true;
  }

  #runningParts(): RunningPart[] {
    return this.#journals.running((id) => this.#finished.has(id));
  }

  #runningIds(): Set<string> {
    const ids = new Set<string>();
    for (const p of this.#runningParts()) for (const r of p.runs) ids.add(r.run_id);
    return ids;
  }
}
