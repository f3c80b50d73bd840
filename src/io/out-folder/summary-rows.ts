/**
 * The summary table's rows (docs/formats.md, "Summary file"), from the two places a run's outcome can be read: the
 * outcome a worker just returned, or the run file an earlier invocation (or another shard) left on disk. Both give
 * the same row, so a summary rebuilt from files after a crash equals the one written live.
 */
import { digestRun, isCollapsed, summaryMarkers, type RunDigest } from '../../core/summarize.js';
import { theoryColumns, type ModelPrediction } from '../../core/theory.js';
import { isRunId } from '../../sweep/ids.js';
import { sweepOfRun, type Plan, type PlannedRun } from '../../sweep/plan.js';
import { journalMentions, readJournal } from '../journal.js';
import type { RunFileContents } from '../run-file.js';
import type { SummaryRow } from '../summary.js';
import type { RowHead } from '../summary-table.js';
import { existsSync } from 'node:fs';
import { journalPaths, runFilePath, summaryPath } from './paths.js';
import { paramsDiffer, plannedById } from './scan.js';

/** How a run ended, as a worker reports it (src/run/messages.ts RunOutcome) or its run file records it. */
interface Outcome {
  status: 'done' | 'diverged' | 'failed';
  error: string | null;
  steps_done: number;
  wall_s: number;
  engine: string;
}

const EMPTY_DIGEST: RunDigest = {
  final: {} as RunDigest['final'],
  lazy_escape_step: null,
  phase2_step: null,
  align_step: null,
  phase2_mean_step: null,
  phase2_step_50: null,
  phase2_step_90: null,
  lazy_escape_step_50: null,
  align_step_50: null,
  norm_decay_window_end: null,
  norm_decay_rate: null,
  window_train_loss: null,
  theta_norm_bound: null,
  late_w_norm2_mean: null,
};

function row(
  plan: Pick<Plan, 'name' | 'seed'>,
  run: PlannedRun,
  o: Outcome,
  digest: RunDigest | null,
  prediction: ModelPrediction | null,
): SummaryRow {
  const d = digest ?? EMPTY_DIGEST;
  const collapsed = digest ? isCollapsed(d, run.params.teacher_norm) : null;
  const sweep = sweepOfRun(plan, run);
  return {
    run_id: run.run_id,
    replicate: run.replicate,
    sweep: sweep.name,
    seed: sweep.seed,
    params: run.params,
    status: o.status,
    error: o.error,
    steps_done: o.steps_done,
    wall_s: o.wall_s,
    steps_per_s: o.wall_s > 0 ? o.steps_done / o.wall_s : 0,
    engine: o.engine,
    final: d.final,
    ...summaryMarkers(d, collapsed),
    // Analysis columns (nullable Float64; src/core/summarize.ts and theory.ts define them): always every key, so a
    // summary of failed runs only still has the columns.
    extra: {
      norm_decay_rate: d.norm_decay_rate,
      late_w_norm2_mean: d.late_w_norm2_mean,
      collapsed,
      ...theoryColumns(run.params, digest, prediction),
      // the `lnsweep refine` round that added the run, 0 for the sweep's own grid (src/sweep/refine.ts)
      refine_round: run.refine_round ?? 0,
    },
  };
}

/** The row of `run` (a run of `plan`, which names its sweep) from the outcome a worker returned. */
export function rowFromOutcome(
  plan: Pick<Plan, 'name' | 'seed'>,
  run: PlannedRun,
  outcome: Outcome & { digest: RunDigest | null; prediction: ModelPrediction | null },
): SummaryRow {
  return row(plan, run, outcome, outcome.digest, outcome.prediction);
}

/** A finished run's row, from its run file's columns and schema metadata (the Phase I model's predictions included). */
export function rowFromRunFile(plan: Pick<Plan, 'name' | 'seed'>, run: PlannedRun, file: RunFileContents): SummaryRow {
  const p = file.provenance;
  const status = p.status === 'diverged' ? 'diverged' : 'done';
  return row(
    plan,
    run,
    {
      status,
      error: status === 'diverged' ? p.diverge_reason || 'diverged' : null,
      steps_done: Number(p.steps_done),
      wall_s: Number(p.wall_s),
      engine: p.engine ?? '',
    },
    digestRun(file.metrics, run.params),
    file.model,
  );
}

/** A run that failed in an earlier invocation and has not been retried yet: its last recorded error. */
export function failedRow(plan: Plan, run: PlannedRun, error: string, engine: string): SummaryRow {
  return row(plan, run, { status: 'failed', error, steps_done: 0, wall_s: 0, engine }, null, null);
}

/**
 * Every row the folder can vouch for, in plan order: finished runs from their files (`finished`, by run id), and runs
 * whose last attempt failed (from the journals) and that have not finished since. The summary after a crash, a kill
 * or a shard is rebuilt from this.
 */
export function summaryRows<R extends RowHead>(outDir: string, plan: Plan, finished: ReadonlyMap<string, R>): (R | SummaryRow)[] {
  const rows: (R | SummaryRow)[] = [];
  const failures = lastFailures(journalPaths(outDir));
  for (const run of plan.runs) {
    const row = finished.get(run.run_id);
    if (row) rows.push(row);
    else {
      const f = failures.get(run.run_id);
      if (f) rows.push(failedRow(plan, run, f.error, f.engine));
    }
  }
  return rows;
}

/**
 * Reads every journal (shards and queue workers write their own), events in time order across files. A folder none
 * of whose journals mentions a failure has none, and its lines (two per run) are not parsed; otherwise only the
 * lines of failures and of runs done are.
 */
function lastFailures(paths: readonly string[]): Map<string, { error: string; engine: string }> {
  const out = new Map<string, { error: string; engine: string }>();
  if (!paths.some((p) => journalMentions(p, 'run_failed'))) return out;
  const events = paths.flatMap((p) => readJournal(p, { only: ['run_failed', 'run_done'] }).events);
  // A stable sort by ISO time: within one file the order is already the order of writing.
  events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  for (const e of events) {
    if (!isRunId(e.run_id)) continue; // a line of another form names no run of ours
    if (e.event === 'run_failed')
      out.set(e.run_id, { error: typeof e.error === 'string' ? e.error : '', engine: typeof e.engine === 'string' ? e.engine : '' });
    else if (e.event === 'run_done') out.delete(e.run_id);
  }
  return out;
}

/**
 * Why `rows`, read from the folder's summary.arrow, are not this folder's, or null when they are: every row must be a
 * run of plan.json with the plan's parameters and replicate, and a finished row must have its run file. A summary
 * copied from another sweep with the same axes fails this, and must not be drawn as this sweep's.
 */
export function foreignSummaryRow(outDir: string, plan: Plan, rows: readonly SummaryRow[]): string | null {
  const planned = plannedById(plan);
  for (const row of rows) {
    const run = planned.get(row.run_id);
    const why = !run
      ? 'which plan.json does not have'
      : paramsDiffer(row, run) !== null
        ? `with ${paramsDiffer(row, run)}`
        : row.status !== 'failed' && !existsSync(runFilePath(outDir, row.run_id))
          ? `as ${row.status}, but its run file is missing`
          : null;
    if (why) {
      return (
        `${summaryPath(outDir)} holds run ${JSON.stringify(row.run_id)} ${why}: it is not this folder's summary (copied from another sweep?); ` +
        `\`lnsweep merge ${outDir}\` rebuilds it from the run files`
      );
    }
  }
  return null;
}
