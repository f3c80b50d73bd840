/**
 * Read-only views of an output folder for `status`, and `merge`, which rebuilds its tables. They trust only what is
 * on disk (run files and the journals), so they are right after shards, crashes and kills.
 */
import type { Plan } from '../../sweep/plan.js';
import { writeMetricsFile, type MetricsRun } from '../metrics-file.js';
import { writeSummary, type SummaryRow } from '../summary.js';
import { lockFolder } from './lock.js';
import { boundaryPaths, metricsPath, parquetPathFor, summaryPath } from './paths.js';
import { groupProblems, type ProblemGroup } from './problems.js';
import { checkedRuns, emptyScan, plannedById, readPlan, removeStaleTemps } from './scan.js';
import { readOutDir } from './read-out-dir.js';
import { rowFromRunFile, summaryRows } from './summary-rows.js';

export interface StatusCounts {
  name: string;
  total: number;
  done: number;
  diverged: number;
  failed: number;
  pending: number;
  corrupt: number;
  /** the diverged and failed runs grouped by reason (problems.ts) */
  problems: ProblemGroup[];
}

export function sweepStatus(outDir: string): StatusCounts {
  const plan = readPlan(outDir);
  const { scan, sources: rows } = readOutDir(outDir, plan, { repair: false });
  const counts = { done: 0, diverged: 0, failed: 0 };
  for (const r of rows) counts[r.status]++;
  const { done, diverged, failed } = counts;
  return {
    name: plan.name,
    total: plan.runs.length,
    done,
    diverged,
    failed,
    pending: plan.runs.length - done - diverged - failed,
    corrupt: scan.corrupt.length,
    problems: groupProblems(rows, plan),
  };
}

export interface MergeReport {
  plan: Plan;
  summaryRows: number;
  metricsRows: number;
  /** planned runs whose files failed verification: in neither table */
  skipped: { runId: string; reason: string }[];
  /** the Parquet copies written (`--parquet`), else empty */
  parquet: string[];
}

/**
 * Writes metrics.arrow and refreshes summary.arrow from every run file (after shards, in queue mode), reading each run
 * file once: its check, its summary row and its metric rows come from the same read. With `parquet`, also writes
 * summary.parquet and metrics.parquet beside them (for DuckDB without its arrow extension), and a Parquet copy of
 * each boundary file `lnsweep refine` wrote.
 */
export async function mergeOutDir(
  outDir: string,
  provenance: Record<string, string>,
  opts: {
    parquet?: boolean;
    /** called with the count of runs written into metrics.arrow's temp file so far, after each (a test hook's seam) */
    onRunWritten?: (runsWritten: number) => void;
    /** plan.json as the caller just read it (for the provenance): a plan of 20,000 runs takes 0.2 s to read again */
    plan?: Plan;
  } = {},
): Promise<MergeReport> {
  const plan = opts.plan ?? readPlan(outDir);
  // beside runs, shards and workers (it reads only sound files), not beside --fresh or another merge (lock.ts)
  const lock = lockFolder(outDir, 'merge', { command: 'merge' });
  try {
    return await mergeLocked(outDir, plan, provenance, opts);
  } finally {
    lock.release();
  }
}

async function mergeLocked(
  outDir: string,
  plan: Plan,
  provenance: Record<string, string>,
  opts: { parquet?: boolean; onRunWritten?: (runsWritten: number) => void },
): Promise<MergeReport> {
  // a merge or run killed mid-write left its temp files (of a dead pid, or old): they go before new ones appear
  removeStaleTemps(outDir);
  const scan = emptyScan();
  const finished = new Map<string, SummaryRow>();
  const stamps = new Map<string, string>();
  function* metricsRuns(): Generator<MetricsRun> {
    let written = 0;
    for (const { run, file, stamp } of checkedRuns(outDir, plannedById(plan), scan, { repair: false })) {
      const row = rowFromRunFile(plan, run, file);
      finished.set(run.run_id, row);
      stamps.set(run.run_id, stamp);
      yield { runId: run.run_id, params: run.params, replicate: run.replicate, sweep: row.sweep, seed: row.seed, metrics: file.metrics };
      // asked for the next run: this one's batch is in the file
      opts.onRunWritten?.(++written);
    }
  }
  const metrics = await writeMetricsFile(metricsPath(outDir), metricsRuns(), provenance);
  const rows = summaryRows(outDir, plan, finished);
  await writeSummary(summaryPath(outDir), rows, provenance, stamps);
  const parquet: string[] = [];
  if (opts.parquet) {
    // parquet-wasm is loaded only here, so `status` and a plain merge do not pay for it
    const { arrowFileToParquet } = await import('../parquet.js');
    for (const arrow of [summaryPath(outDir), metricsPath(outDir), ...boundaryPaths(outDir)]) {
      const target = parquetPathFor(arrow);
      await arrowFileToParquet(arrow, target);
      parquet.push(target);
    }
  }
  // A planned run whose file failed verification has no row in either table; it is named, and the merge fails.
  return { plan, summaryRows: rows.length, metricsRows: metrics.rows, skipped: scan.corrupt, parquet };
}
