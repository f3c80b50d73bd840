/**
 * `summary.arrow` (docs/formats.md#summary-file): one row per run, rewritten whole (atomically) as runs finish. Rows
 * are sorted by run_id, so the same set of runs always gives the same bytes apart from the provenance metadata.
 * Columns: see schemas.ts; `engine_used` holds SummaryRow.engine (what really computed the run, e.g.
 * `native/subspace`), next to the `engine` parameter column (what was asked for, e.g. `native`).
 */
import { Bool, Int64, Schema, Table } from 'apache-arrow';
import { PARAM_KEYS } from '../core/params.js';
import { METRIC_NAMES, type MetricName, type RunParams } from '../core/types.js';
import { writeArrowFileAtomic } from './arrow-file.js';
import { batchOf, dataFromValues } from './arrow-columns.js';
import { ArrowFileError, describeCause } from './errors.js';
import { provenanceMetadata } from './provenance.js';
import { EVENT_STEP_COLUMNS, SUMMARY_STATUSES, paramToColumnValue, summarySchema, type SummaryStatus } from './schemas.js';
import { readSummaryTable, VERIFIED_KEY } from './summary-table.js';

export interface SummaryRow {
  run_id: string;
  replicate: number;
  /** the sweep the run belongs to (its own for a run added with `run --add`), and that sweep's seed */
  sweep: string;
  seed: number;
  params: RunParams;
  status: SummaryStatus;
  error: string | null;
  steps_done: number;
  wall_s: number;
  steps_per_s: number;
  /** what computed the run, e.g. `native/subspace`; written as the `engine_used` column */
  engine: string;
  /** last value of each metric; a missing key is written as null */
  final: Partial<Record<MetricName, number | null>>;
  lazy_escape_step: number | null;
  phase2_step: number | null;
  align_step: number | null;
  /** the other marker columns (EVENT_STEP_COLUMNS); a missing key is written as null */
  phase2_mean_step?: number | null;
  phase2_step_50?: number | null;
  phase2_step_90?: number | null;
  lazy_escape_step_50?: number | null;
  align_step_50?: number | null;
  norm_decay_window_end?: number | null;
  /** analysis results as extra nullable Float64 columns, e.g. `{ norm_decay_rate: 0.03 }` */
  extra?: Record<string, number | null>;
}

/**
 * Writes the summary atomically: one record batch, rows sorted by run_id. `stamps` (run id → stamp of its files when
 * the row was built from them) go into the metadata, so that a later command need not read those files again while
 * their stamps hold. Rejects with ArrowFileError.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- the write is synchronous; async so that every failure rejects
export async function writeSummary(
  path: string,
  rows: readonly SummaryRow[],
  provenance: Record<string, string>,
  stamps: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  let table: Table;
  try {
    table = summaryTable(rows, provenance, stamps);
  } catch (cause) {
    throw new ArrowFileError(path, `cannot build the summary: ${describeCause(cause)}`, { cause });
  }
  writeArrowFileAtomic(path, table);
}

/** The summary as a Table (exported for tests and for callers that write it elsewhere). */
function summaryTable(rows: readonly SummaryRow[], provenance: Record<string, string>, stamps: ReadonlyMap<string, string>): Table {
  const sorted = [...rows].sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0));
  const extraNames = new Set<string>();
  for (const row of sorted) {
    if (!SUMMARY_STATUSES.includes(row.status)) {
      throw new Error(`bug: run ${row.run_id} has status '${row.status}', not one of ${SUMMARY_STATUSES.join(', ')}`);
    }
    for (const name of Object.keys(row.extra ?? {})) extraNames.add(name);
  }
  // only the stamps of rows written (a failed run has none), in run-id order: the same runs give the same bytes
  const verified: Record<string, string> = {};
  for (const row of sorted) {
    const stamp = stamps.get(row.run_id);
    if (stamp && row.status !== 'failed') verified[row.run_id] = stamp;
  }
  // no entry at all when no row has a stamp (a summary of failed runs only, or written without them)
  const own: Record<string, string> = Object.keys(verified).length > 0 ? { [VERIFIED_KEY]: JSON.stringify(verified) } : {};
  const schema = new Schema(summarySchema(extraNames).fields, provenanceMetadata(provenance, own));

  const cells: Record<string, (row: SummaryRow) => unknown> = {
    run_id: (r) => r.run_id,
    replicate: (r) => BigInt(r.replicate),
    sweep: (r) => r.sweep,
    seed: (r) => BigInt(r.seed),
    status: (r) => r.status,
    error: (r) => r.error,
    steps_done: (r) => BigInt(r.steps_done),
    wall_s: (r) => r.wall_s,
    steps_per_s: (r) => r.steps_per_s,
    engine_used: (r) => r.engine,
  };
  for (const key of PARAM_KEYS) cells[key] = (r) => paramToColumnValue(key, r.params[key]);
  for (const name of METRIC_NAMES) cells[`final_${name}`] = (r) => r.final[name] ?? null;
  for (const name of EVENT_STEP_COLUMNS)
    cells[name] = (r) => {
      const v = r[name];
      return v == null ? null : BigInt(v);
    };
  for (const field of schema.fields.filter((f) => extraNames.has(f.name))) {
    const name = field.name;
    const as = field.type instanceof Bool ? (v: number) => v !== 0 : field.type instanceof Int64 ? (v: number) => BigInt(v) : (v: number) => v;
    cells[name] = (r) => {
      const v = r.extra?.[name];
      return v === null || v === undefined ? null : as(v);
    };
  }

  const columns = schema.fields.map((field) => {
    const cell = cells[field.name];
    if (!cell) throw new Error(`bug: no value for summary column '${field.name}'`);
    return dataFromValues(field.type, sorted.map(cell));
  });
  return new Table(schema, [batchOf(schema, columns)]);
}

/** Reads `summary.arrow` back into rows (the inverse of writeSummary). Throws ArrowFileError. */
export function readSummary(path: string): SummaryRow[] {
  return readSummaryTable(path).rows.map((r) => r.row());
}

/**
 * The summary's rows and its verified stamps (run id → stamp; empty for a summary written before they existed, or
 * whose metadata is not a JSON object of strings). Throws ArrowFileError. (Folder commands read rows lazily:
 * readSummaryTable.)
 */
export function readSummaryVerified(path: string): { rows: SummaryRow[]; stamps: Map<string, string> } {
  const { rows, stamps } = readSummaryTable(path);
  return { rows: rows.map((r) => r.row()), stamps };
}
