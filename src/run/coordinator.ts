/**
 * Runs a frozen plan into an output folder: skips what is finished (by run id), repairs what a crash left, feeds the
 * rest to an executor a few at a time (never thousands queued up front), records every outcome in the journal and
 * the summary, and stops cleanly when asked.
 *
 * Lifecycle: `running` → (stop) `stopping`: no new dispatch, in-flight runs finish → (abort) `aborting`: in-flight
 * runs are killed; their temp files never become `.arrow` files, so a rerun simply does them again.
 */
import { mkdirSync } from 'node:fs';
import {
  clearResults,
  journalPath,
  lockFolder,
  openJournal,
  partJournalPath,
  partSummaryPath,
  planPath,
  readOutDir,
  rowFromOutcome,
  runsDir,
  runStamp,
  summaryPath,
  writePlanFile,
} from '../io/index.js';
import { dispatchOrder, type DispatchOrder } from '../sweep/dispatch-order.js';
import { checkResultsVersion, type Plan, type PlannedRun } from '../sweep/plan.js';
import type { RunExecutor } from './executor.js';
import { outcomeEvent, workerDiedOutcome, type RunOutcome } from './messages.js';
import { sweepSeedOf } from './ownership.js';
import { createProgress, type ProgressMode } from './progress.js';
import { SummaryWriter } from './summary-writer.js';

export type SweepState = 'running' | 'stopping' | 'aborting';

/** The handle the CLI wires to signals: the first Ctrl-C stops dispatch, the second aborts. */
export class SweepControl {
  state: SweepState = 'running';
  #listeners: (() => void)[] = [];

  stop(): void {
    if (this.state === 'running') this.#set('stopping');
  }
  abort(): void {
    if (this.state !== 'aborting') this.#set('aborting');
  }
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }
  #set(state: SweepState): void {
    this.state = state;
    for (const l of this.#listeners) l();
  }
}

export interface SweepOptions {
  plan: Plan;
  /** the runs this process does: the whole plan, or one shard of it */
  runs: readonly PlannedRun[];
  outDir: string;
  executor: RunExecutor;
  provenance: Record<string, string>;
  fresh?: boolean;
  /** extra attempts for a run that failed */
  retries?: number;
  progress?: ProgressMode;
  log?: (line: string) => void;
  control?: SweepControl;
  /**
   * Set when other processes write into the same folder at the same time (a shard: `shard-2-of-8`): this process
   * then keeps its own `journal.<part>.jsonl` and `summary.<part>.arrow` (its runs only), and `merge` builds
   * `summary.arrow` from everything. See src/io/out-folder/paths.ts for why per-part files rather than a lock.
   */
  part?: string;
  /** the caller holds the folder's lock already (src/run/refine-loop.ts, for all its rounds) */
  locked?: boolean;
  /** the order runs start in (src/sweep/dispatch-order.ts): `spread` (default) or `cost` */
  order?: DispatchOrder;
  /** the sweep `runs` are of, for the opening line: under `run --add`, the added sweep rather than the folder's (plan.name) */
  sweepName?: string;
}

export interface SweepReport {
  outDir: string;
  /** runs this process was given */
  total: number;
  /** of those, finished before this invocation started */
  skipped: number;
  done: number;
  diverged: number;
  failed: number;
  /** not finished: never started, or interrupted */
  pending: number;
  /** a run could not be written for lack of space (ENOSPC): dispatch stopped there */
  diskFull: boolean;
}

/**
 * Before retry k (1-based) a failed run waits 2^(k−1) s, at most 30 s: 1, 2, 4, 8, 16, 30, 30, … (the CLI caps
 * `--retries` at 10, about three minutes in all: src/cli/options.ts).
 */
const retryDelayMs = (retry: number): number => Math.min(1000 * 2 ** (retry - 1), 30_000);

/** Runs the plan under the folder's lock (src/io/out-folder/lock.ts): a second coordinator of the same part is refused. */
export async function runSweep(opts: SweepOptions): Promise<SweepReport> {
  const { outDir } = opts;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const control = opts.control ?? new SweepControl();
  // before anything is written: results of another RESULTS_VERSION must not mix with this one's
  if (!opts.fresh) checkResultsVersion(planPath(outDir), outDir);
  mkdirSync(outDir, { recursive: true });
  // --fresh deletes under an exclusive lock: no shard, worker or merge may work in the folder meanwhile. A caller that
  // holds the folder's lock already (the refine loop) has taken it exclusively for --fresh itself.
  const lock = opts.locked ? null : lockFolder(outDir, opts.part, opts.fresh ? { exclusive: true, command: 'run --fresh' } : {});
  try {
    if (opts.fresh) clearResults(outDir);
    lock?.share();
    return await runLocked(opts, log, control);
  } finally {
    lock?.release();
  }
}

async function runLocked(opts: SweepOptions, log: (line: string) => void, control: SweepControl): Promise<SweepReport> {
  const { plan, outDir, executor } = opts;
  // the plan first: a folder whose plan.json could not be written (a full disk) gets no runs/ either
  writePlanFile(outDir, { ...plan, provenance: opts.provenance });
  mkdirSync(runsDir(outDir), { recursive: true });

  const { scan, sources: rows, stamps, summaryHolds } = readOutDir(outDir, plan, { repair: true });
  for (const c of scan.corrupt) log(`[lnsweep] run ${c.runId}: unreadable run file (${c.reason}); it will be redone`);
  if (scan.notInPlan.length > 0) {
    log(`[lnsweep] ${scan.notInPlan.length} file(s) in ${runsDir(outDir)} named as runs this plan does not have; kept as they are`);
  }

  const ownSummary = opts.part ? partSummaryPath(outDir, opts.part) : summaryPath(outDir);
  const summary = new SummaryWriter(ownSummary, opts.provenance);
  // the rows are the plan's (readOutDir): all of them this process's own unless it runs a share of the plan
  const own = opts.runs === plan.runs ? null : new Set(opts.runs.map((r) => r.run_id));
  const ownRows = own ? rows.filter((row) => own.has(row.run_id)) : rows;
  summary.seed(ownRows, stamps);
  // a resumed sweep whose summary is current (nothing finished or failed since, nothing corrupt) does not rewrite it
  if (summaryHolds(ownSummary, ownRows)) summary.markWritten();

  const todo = opts.runs.filter((r) => !scan.finished.has(r.run_id));
  const skipped = opts.runs.length - todo.length;
  const journal = openJournal(opts.part ? partJournalPath(outDir, opts.part) : journalPath(outDir));
  journal.append({ event: 'sweep_start', name: plan.name, runs: opts.runs.length, skipped, todo: todo.length });
  log(
    `[lnsweep] ${opts.sweepName ?? plan.name}: ${opts.runs.length} runs, ${skipped} already finished, ${todo.length} to do, ` +
      `${executor.concurrency} worker(s) → ${outDir}`,
  );

  const report: SweepReport = {
    outDir,
    total: opts.runs.length,
    skipped,
    done: 0,
    diverged: 0,
    failed: 0,
    pending: todo.length,
    diskFull: false,
  };
  // One run of every cell first, spread over the grid, then the rest; the tail largest first (dispatch-order.ts).
  const finished = todo.length > 0 ? plan.runs.filter((r) => scan.finished.has(r.run_id)) : [];
  const queue = dispatchOrder(todo, { order: opts.order ?? 'spread', workers: executor.concurrency, finished });
  const totalCost = todo.reduce((s, r) => s + r.cost, 0);
  let costDone = 0;
  const inFlight = new Map<string, { run: PlannedRun; stepsDone: number }>();
  const attempts = new Map<string, number>();
  /** failed runs waiting out their retry delay, by id */
  const backingOff = new Map<string, NodeJS.Timeout>();
  let pumpLater = () => {};
  const progress = createProgress({ mode: opts.progress ?? 'auto', total: todo.length, totalCost });
  const counts = () => {
    let partial = 0;
    for (const f of inFlight.values()) partial += (f.run.cost * f.stepsDone) / f.run.params.steps;
    return { done: report.done, diverged: report.diverged, failed: report.failed, costDone: costDone + partial };
  };

  const record = (run: PlannedRun, outcome: RunOutcome) => {
    if (outcome.status === 'failed' && outcome.error?.includes('ENOSPC') && !report.diskFull) {
      // Every later run would compute for nothing and fail its write too: start no more, let the running ones end.
      report.diskFull = true;
      progress.log(`[lnsweep] the disk is full (${outcome.error}); starting no new runs, finishing the ${inFlight.size - 1} running`);
      control.stop();
    }
    const tries = (attempts.get(run.run_id) ?? 0) + 1;
    attempts.set(run.run_id, tries);
    if (outcome.status === 'failed' && tries <= (opts.retries ?? 0) && control.state === 'running') {
      // Not at once: a failure that is not a passing glitch would fail again as fast as it can, and each attempt is
      // a journal line. The run waits aside while the others go on; a stop drops it (it stays pending).
      const delayMs = retryDelayMs(tries);
      journal.append({ event: 'run_retry', run_id: run.run_id, attempt: tries, error: outcome.error, delay_s: delayMs / 1000 });
      progress.log(`[lnsweep] run ${run.run_id} failed (${outcome.error}); retrying in ${delayMs / 1000} s (${tries}/${opts.retries})`);
      backingOff.set(
        run.run_id,
        setTimeout(() => {
          backingOff.delete(run.run_id);
          queue.unshift(run);
          pumpLater();
        }, delayMs),
      );
      return;
    }
    journal.append(outcomeEvent(outcome));
    if (outcome.status === 'failed') progress.log(`[lnsweep] run ${run.run_id} failed: ${outcome.error}`);
    report[outcome.status]++;
    report.pending--;
    costDone += run.cost;
    // reported only once its files are durable under their names (the executor's group commit): stamped as written
    summary.set(rowFromOutcome(plan, run, outcome), outcome.status === 'failed' ? undefined : runStamp(outDir, run.run_id));
  };

  // the runs whose thread is still computing them; the others in flight are computed and wait for their group commit
  // (the executor's), during which their threads already compute the next runs
  const computing = new Set<string>();
  await new Promise<void>((allSettled) => {
    const pump = () => {
      while (control.state === 'running' && computing.size < executor.concurrency && queue.length > 0) {
        launch(queue.shift()!);
      }
      if (inFlight.size === 0 && backingOff.size === 0) allSettled();
    };
    pumpLater = pump;
    const launch = (run: PlannedRun) => {
      inFlight.set(run.run_id, { run, stepsDone: 0 });
      computing.add(run.run_id);
      journal.append({ event: 'run_start', run_id: run.run_id });
      const computed = () => {
        computing.delete(run.run_id);
        pump();
      };
      executor
        .run(
          { type: 'run', run, sweepSeed: sweepSeedOf(plan, run), outDir, provenance: opts.provenance },
          (p) => {
            const f = inFlight.get(p.run_id);
            if (f) f.stepsDone = p.steps_done;
            progress.update(counts());
          },
          computed,
        )
        .then(
          (outcome) => record(run, outcome),
          (err: Error) => {
            // A rejection means the thread died (a crash, process.exit, out of memory) or was killed by an abort.
            if (control.state === 'aborting') return;
            record(run, workerDiedOutcome(run, err));
          },
        )
        .finally(() => {
          inFlight.delete(run.run_id);
          computing.delete(run.run_id);
          progress.update(counts());
          pump();
        });
    };
    control.onChange(() => {
      // runs waiting to retry are not started any more: they stay pending, for the next `run`
      for (const timer of backingOff.values()) clearTimeout(timer);
      backingOff.clear();
      if (control.state === 'stopping' && !report.diskFull) {
        progress.log(
          `[lnsweep] stopping: finishing the runs in progress (${inFlight.size}), starting no new ones; ` + `Ctrl-C (or SIGTERM) again aborts them`,
        );
      } else if (control.state === 'aborting') {
        progress.log(`[lnsweep] aborting ${inFlight.size} running run(s); finished runs are kept`);
        void executor.destroy();
      }
      pump();
    });
    pump();
  });

  progress.stop();
  if (report.pending > 0) journal.append({ event: 'interrupted', pending: report.pending, state: control.state });
  journal.append({ event: 'sweep_end', done: report.done, diverged: report.diverged, failed: report.failed });
  journal.close();
  await summary.flush();
  return report;
}
