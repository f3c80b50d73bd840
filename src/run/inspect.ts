/**
 * Read-only views of an output folder for `status` and `merge`: what is done, and the merged tables. They trust
 * only what is on disk (run files and the journal), so they are right after shards, crashes and kills.
 */
import { writeSummary, mergeRuns } from '../io/index.js';
import type { Plan } from '../sweep/plan.js';
import { arrowFileToParquet } from '../io/parquet.js';
import { boundaryPaths, metricsPath, summaryPath } from './layout.js';
import { readPlan, removeStaleTemps, scanOutDir } from './out-dir.js';
import { rowsFromDisk } from './summary-rows.js';

export interface StatusCounts {
  name: string;
  total: number;
  done: number;
  diverged: number;
  failed: number;
  pending: number;
  corrupt: number;
}

export async function sweepStatus(outDir: string): Promise<StatusCounts> {
  const plan = readPlan(outDir);
  const scan = await scanOutDir(outDir, new Set(plan.runs.map((r) => r.run_id)), { repair: false });
  const rows = await rowsFromDisk(outDir, plan, scan.finished);
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const done = count('done');
  const diverged = count('diverged');
  const failed = count('failed');
  return {
    name: plan.name,
    total: plan.runs.length,
    done,
    diverged,
    failed,
    pending: plan.runs.length - done - diverged - failed,
    corrupt: scan.corrupt.length,
  };
}

export interface MergeReport {
  plan: Plan;
  summaryRows: number;
  metricsRows: number;
  skipped: { runId: string; reason: string }[];
  /** the Parquet copies written (`--parquet`), else empty */
  parquet: string[];
}

/**
 * Refreshes summary.arrow from every run file (after shards) and writes metrics.arrow; with `parquet`, also
 * summary.parquet and metrics.parquet beside them (for DuckDB without its arrow extension), and a Parquet copy of
 * each boundary file `lnsweep refine` wrote.
 */
export async function mergeOutDir(
  outDir: string,
  provenance: Record<string, string>,
  opts: { parquet?: boolean } = {},
): Promise<MergeReport> {
  const plan = readPlan(outDir);
  // a merge or run killed mid-write left its temp files (of a dead pid, or old): they go before new ones appear
  removeStaleTemps(outDir);
  const scan = await scanOutDir(outDir, new Set(plan.runs.map((r) => r.run_id)), { repair: false });
  const rows = await rowsFromDisk(outDir, plan, scan.finished);
  await writeSummary(summaryPath(outDir), rows, provenance);
  const finished = plan.runs.filter((r) => scan.finished.has(r.run_id));
  const merged = await mergeRuns(
    outDir,
    finished.map((r) => ({ runId: r.run_id, params: r.params, replicate: r.replicate })),
    provenance,
  );
  const parquet: string[] = [];
  if (opts.parquet) {
    for (const arrow of [summaryPath(outDir), metricsPath(outDir), ...boundaryPaths(outDir)]) {
      const target = arrow.replace(/\.arrow$/, '.parquet');
      await arrowFileToParquet(arrow, target);
      parquet.push(target);
    }
  }
  // A planned run whose file failed verification has no row in either table; it is named, and the merge fails.
  const skipped = [...scan.corrupt, ...merged.skipped];
  return { plan, summaryRows: rows.length, metricsRows: merged.rows, skipped, parquet };
}

