/**
 * The metric's value of each finished run, as refinement reads it from the summary rows (README "Refining phase
 * boundaries"):
 *   diverged    1 for a run that diverged or failed, 0 for one that finished: the boundary of divergence
 *   collapsed   the `collapsed` column (0/1) of the finished runs
 *   a marker    (`*_step`) the step of the finished runs, +∞ for one that never reached it (censored, as the diagrams)
 *   any other   the summary column of the finished runs, finite values only
 * and, for the metrics where divergence has a side (DIVERGED_SIDE: alignment, laziness), a diverged run's side as ±∞.
 * A run with no value gives no sample.
 */
import { isMarkerColumn, zValue, type SummaryRow } from '../io/index.js';
import type { RunSample } from '../sweep/refine/points.js';
import { DIVERGED_SIDE } from '../sweep/refine/request.js';

/** One run's value of the metric, or null where it has none. */
export function runValue(row: SummaryRow, metric: string): number | null {
  if (metric === 'diverged') return row.status === 'done' ? 0 : 1;
  if (row.status === 'diverged' && metric in DIVERGED_SIDE) return DIVERGED_SIDE[metric];
  if (row.status !== 'done') return null;
  const v = metric === 'collapsed' ? (row.extra?.collapsed ?? null) : zValue(row, metric);
  if (v === null && isMarkerColumn(metric)) return Infinity;
  return v !== null && Number.isFinite(v) ? v : null;
}

/** The samples of every run that has a value. */
export function runSamples(rows: readonly SummaryRow[], metric: string): RunSample[] {
  return rows.flatMap((row) => {
    const value = runValue(row, metric);
    return value === null ? [] : [{ params: row.params, replicate: row.replicate, value }];
  });
}
