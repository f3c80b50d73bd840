/**
 * What a folder's summaries vouch for (live.ts's first look): the rows of `summary.arrow` and the part summaries for
 * planned runs whose files still have the stamp the summary recorded beside the row (stamps.ts, docs/formats.md
 * "Verified stamps"), and whether a summary already holds exactly the rows a writer would write (so it need not).
 */
import type { Plan, PlannedRun } from '../../sweep/plan.js';
import { readSummaryTable, summaryOf, type LazyRow, type RowHead, type SummaryTable } from '../summary-table.js';
import { summaryPaths } from './paths.js';
import { paramsDiffer } from './scan.js';
import { runStamp, type ListedNames } from './stamps.js';
import { failedRow } from './summary-rows.js';

export class SummarySeed {
  /** each summary used: how many rows it held, and its failed rows' `error\nengine` by run id */
  readonly #summaries = new Map<string, { count: number; failed: Map<string, string> }>();

  /**
   * The rows of the runs in `wanted` (planned, not read yet) that a summary of `dir` vouches for, each handed to
   * `take` with its stamp; returns how many. A summary is used only if it has stamps and its rows carry every
   * analysis column a row built now would. A run two summaries vouch for is taken from the first.
   */
  take(
    dir: string,
    plan: Plan,
    byId: ReadonlyMap<string, PlannedRun>,
    wanted: ReadonlySet<string>,
    listed: ListedNames,
    take: (row: LazyRow, stamp: string) => void,
  ): number {
    const paths = summaryPaths(dir);
    let first: string | undefined;
    for (const id of wanted) {
      if (!byId.has(id)) continue;
      first = id;
      break;
    }
    if (paths.length === 0 || first === undefined) return 0;
    // a row built now has every key of a failed run's row (they are built by one function, summary-rows.ts)
    const columns = Object.keys(failedRow(plan, byId.get(first)!, '', '').extra ?? {});
    // with part summaries beside summary.arrow, the ids taken from an earlier one (one summary: no set of 20,000 ids)
    const took = paths.length > 1 ? new Set<string>() : null;
    let count = 0;
    for (const path of paths) {
      let read: SummaryTable;
      try {
        read = readSummaryTable(path);
      } catch {
        continue; // an older layout, or replaced while read: its runs are read one by one
      }
      const { rows, stamps, extraNames } = read;
      if (stamps.size === 0 || (rows.length > 0 && !columns.every((k) => extraNames.includes(k)))) continue;
      const failed = new Map<string, string>();
      this.#summaries.set(path, { count: rows.length, failed });
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const id = row.run_id;
        if (row.status === 'failed') {
          failed.set(id, `${row.error}\n${row.engine}`);
          continue;
        }
        const run = byId.get(id);
        if (!run || !wanted.has(id) || took?.has(id)) continue;
        // a row of another sweep's summary (copied in) is not this run's: its file is read instead (foreignSummaryRow)
        if (!read.sameRun(i, run.params, run.replicate) && paramsDiffer(row.row(), run) !== null) continue;
        const stamp = stamps.get(id);
        if (stamp === undefined || stamp !== runStamp(dir, id, listed)) continue;
        take(row, stamp);
        took?.add(id);
        count++;
      }
    }
    return count;
  }

  /**
   * Whether the summary at `path` holds exactly `rows` (and their stamps): every finished row was taken from it (a
   * row the folder read from its run file since is another object), every failed row it has with the same error,
   * and nothing else. Then rewriting it would change nothing but provenance.
   */
  holds(path: string, rows: readonly RowHead[]): boolean {
    const held = this.#summaries.get(path);
    if (!held || held.count !== rows.length) return false;
    return rows.every((r) => (r.status === 'failed' ? held.failed.get(r.run_id) === `${r.error}\n${r.engine}` : summaryOf(r) === path));
  }
}
