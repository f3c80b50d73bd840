/**
 * The one-shot views of an output folder (`run` before it starts, `status`, `refine`, the analysis commands when
 * they rebuild the summary): a LiveFolder read once, so each takes the summary's rows for the runs whose files are
 * unchanged since they were verified (stamps.ts) and reads and checks every other run file, as `serve` does.
 */
import { rmSync } from 'node:fs';
import type { Plan } from '../../sweep/plan.js';
import type { SummaryRow } from '../summary.js';
import { rowOf, type RowHead, type RowSource } from '../summary-table.js';
import { LiveFolder } from './live.js';
import { neuronsFilePath, realDataFilePath, runFilePath } from './paths.js';
import { removeStaleTemps, type OutDirScan } from './scan.js';
import { summaryRows } from './summary-rows.js';

export interface OutDirView {
  scan: OutDirScan;
  /** every row the folder can vouch for, in plan order (summaryRows); a summary's rows are built when first read */
  readonly rows: SummaryRow[];
  /** the same rows, those taken from a summary not built yet (what `status` and a resumed `run` need: summary-table.ts) */
  sources: RowSource[];
  /** the stamps of the finished runs' files when verified, for the next summary written */
  stamps: ReadonlyMap<string, string>;
  /** whether the summary at `path` already holds exactly `rows` (LiveFolder.summaryHolds): no need to rewrite it */
  summaryHolds: (path: string, rows: readonly RowHead[]) => boolean;
}

/**
 * The folder checked against `plan` and its summary rows. With `repair` (a run about to start), corrupt run files
 * (and their sidecars) and stale temp files are removed, so the runs are done again.
 */
export function readOutDir(outDir: string, plan: Plan, opts: { repair: boolean }): OutDirView {
  const runsListing = opts.repair ? removeStaleTemps(outDir) : undefined;
  const live = new LiveFolder(outDir, plan, { once: true, runsListing });
  live.refresh();
  const scan = live.scan();
  if (opts.repair) {
    for (const { runId } of scan.corrupt) {
      rmSync(runFilePath(outDir, runId), { force: true });
      rmSync(neuronsFilePath(outDir, runId), { force: true });
      rmSync(realDataFilePath(outDir, runId), { force: true });
    }
  }
  const sources = summaryRows(outDir, plan, live.finished);
  let rows: SummaryRow[] | null = null;
  return {
    scan,
    get rows() {
      return (rows ??= sources.map(rowOf));
    },
    sources,
    stamps: live.stamps,
    summaryHolds: (path, rows) => scan.corrupt.length === 0 && live.summaryHolds(path, rows),
  };
}

/** The folder's runs checked against `plan` (see readOutDir). */
export function scanOutDir(outDir: string, plan: Plan, opts: { repair: boolean }): OutDirScan {
  return readOutDir(outDir, plan, opts).scan;
}
