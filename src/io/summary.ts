/**
 * `summary.arrow` (docs/formats.md#summary-file): one row per run, rewritten whole (atomically) as runs finish. Rows
 * are sorted by run_id, so the same set of runs always gives the same bytes apart from the provenance metadata.
 * Columns: see schemas.ts; `engine_used` holds SummaryRow.engine (what really computed the run, e.g.
 * `native/subspace`), next to the `engine` parameter column (what was asked for, e.g. `native`).
 */
import { Bool, DataType, Float64, Int64, Schema, Table, util } from 'apache-arrow';
import { PARAM_KEYS } from '../core/params.js';
import { METRIC_NAMES, type MetricName, type RunParams } from '../core/types.js';
import { readArrowFile, writeArrowFileAtomic } from './arrow-file.js';
import { batchOf, dataFromValues } from './arrow-columns.js';
import { ArrowFileError, describeCause } from './errors.js';
import { provenanceMetadata } from './provenance.js';
import {
  EVENT_STEP_COLUMNS,
  SUMMARY_FIXED_NAMES,
  SUMMARY_STATUSES,
  paramFromColumnValue,
  paramToColumnValue,
  summarySchema,
  type SummaryStatus,
} from './schemas.js';

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

/** The schema metadata key of the verified stamps (docs/formats.md, "Verified stamps"; src/io/out-folder/stamps.ts). */
const VERIFIED_KEY = 'verified';

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
  return rowsOf(path, readArrowFile(path));
}

/**
 * The summary's rows and its verified stamps (run id → stamp; empty for a summary written before they existed, or
 * whose metadata is not a JSON object of strings). Throws ArrowFileError.
 */
export function readSummaryVerified(path: string): { rows: SummaryRow[]; stamps: Map<string, string> } {
  const table = readArrowFile(path);
  const stamps = new Map<string, string>();
  try {
    const raw = JSON.parse(table.schema.metadata.get(`lnsweep.${VERIFIED_KEY}`) ?? '{}') as unknown;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      for (const [id, stamp] of Object.entries(raw)) if (typeof stamp === 'string') stamps.set(id, stamp);
    }
  } catch {
    // not JSON: no stamp is believed, every run file is read
  }
  return { rows: rowsOf(path, table), stamps };
}

function rowsOf(path: string, table: Table): SummaryRow[] {
  const column = (name: string): ArrayLike<unknown> => {
    const vector = table.getChild(name);
    if (!vector) throw new ArrowFileError(path, `not a summary file: no column '${name}'`);
    // numbers come as one typed array (iterating a vector of 20,000 rows value by value is most of a summary's read),
    // which holds 0 where a value is null: those are put back as null
    const values = vector.toArray() as ArrayLike<unknown>;
    if (Array.isArray(values) || vector.nullCount === 0) return values;
    return Array.from(values, (v, i) => (vector.isValid(i) ? v : null));
  };
  const num = (v: unknown): number => Number(v);
  const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

  const runIds = column('run_id') as string[];
  const params = PARAM_KEYS.map((key) => [key, column(key)] as const);
  const replicate = column('replicate');
  // a summary written before these columns existed has none: its rows say so with '' and NaN (`lnsweep merge` adds them)
  const sweeps = table.getChild('sweep') ? column('sweep') : null;
  const seeds = table.getChild('seed') ? column('seed') : null;
  const status = column('status');
  const error = column('error');
  const stepsDone = column('steps_done');
  const wall = column('wall_s');
  const speed = column('steps_per_s');
  const engineUsed = column('engine_used');
  const finals = METRIC_NAMES.map((name) => [name, column(`final_${name}`)] as const);
  const events = EVENT_STEP_COLUMNS.map((name) => [name, column(name)] as const);
  const extras = table.schema.fields
    .filter((f) => !SUMMARY_FIXED_NAMES.has(f.name) && isExtraType(f.type as DataType))
    .map((f) => [f.name, column(f.name)] as const);

  return runIds.map((run_id, i) => {
    const p = {} as Record<string, unknown>;
    for (const [key, values] of params) p[key] = paramFromColumnValue(key, values[i]);
    const final: SummaryRow['final'] = {};
    for (const [name, values] of finals) final[name] = numOrNull(values[i]);
    const row: SummaryRow = {
      run_id,
      replicate: num(replicate[i]),
      sweep: sweeps ? String(sweeps[i]) : '',
      seed: seeds ? num(seeds[i]) : Number.NaN,
      params: p as unknown as RunParams,
      status: status[i] as SummaryStatus,
      error: (error[i] ?? null) as string | null,
      steps_done: num(stepsDone[i]),
      wall_s: num(wall[i]),
      steps_per_s: num(speed[i]),
      engine: String(engineUsed[i]),
      final,
      lazy_escape_step: null,
      phase2_step: null,
      align_step: null,
    };
    for (const [name, values] of events) row[name] = numOrNull(values[i]);
    if (extras.length > 0) {
      row.extra = {};
      for (const [name, values] of extras) row.extra[name] = numOrNull(values[i]);
    }
    return row;
  });
}

/** Extra columns are Float64, Int64 or Bool (schemas.ts, extraField); older files have Float64 throughout. */
function isExtraType(type: DataType): boolean {
  return [new Float64(), new Int64(), new Bool()].some((t) => util.compareTypes(type, t));
}
