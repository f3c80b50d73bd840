/**
 * Reading `summary.arrow` (written by summary.ts): its rows, each built only when asked for. `status` and a `run`
 * with nothing left to do look at four columns of each of 20,000 rows (id, status, error, engine) and compare its
 * parameters with the plan's; building every row's objects (75 columns) was most of their time and memory (issue 23).
 * A row asked for is built once, from the same columns, into the same object readSummary returns.
 */
import { Bool, Float64, Int64, util, type DataType, type Table, type Vector } from 'apache-arrow';
import { PARAM_KEYS, PARAM_SPECS } from '../core/params.js';
import { METRIC_NAMES, type RunParams } from '../core/types.js';
import { plainValues } from './arrow-columns.js';
import { readArrowFile } from './arrow-file.js';
import { columnEqualsAt, columnForEquals, columnIsConstant } from './column-equals.js';
import { ArrowFileError } from './errors.js';
import { EVENT_STEP_COLUMNS, SUMMARY_FIXED_NAMES, paramFromColumnValue, type SummaryStatus } from './schemas.js';
import type { SummaryRow } from './summary.js';

/** What every row has at hand without being built: the columns a folder's counts and problems start from. */
export interface RowHead {
  run_id: string;
  status: SummaryStatus;
  error: string | null;
  engine: string;
}

/** A row of a summary file, not built yet: its head, and the whole row on demand (built once). */
export interface LazyRow extends RowHead {
  row(): SummaryRow;
}

/** A summary row already built, or one to build from its file when needed. */
export type RowSource = SummaryRow | LazyRow;

/** The summary file a row was read from (readSummaryTable's path); undefined for a row built otherwise. */
export const summaryOf = (row: RowHead): string | undefined => (row instanceof SummaryTableRow ? row.from : undefined);

/** The whole row of `source`. */
export const rowOf = (source: RowSource): SummaryRow => ('row' in source && typeof source.row === 'function' ? source.row() : (source as SummaryRow));

export interface SummaryTable {
  /** every row, in file order (run-id order) */
  readonly rows: readonly LazyRow[];
  /** the analysis columns after the fixed ones (each row's `extra` keys) */
  readonly extraNames: readonly string[];
  /** the verified stamps (run id → stamp; docs/formats.md "Verified stamps"): empty when the file has none */
  readonly stamps: Map<string, string>;
  /**
   * Whether row `i` is of a run with exactly these parameters (each key's value ===, lists as the JSON text a column
   * holds them as) and this replicate: what paramsDiffer (out-folder/scan.ts) finds alike without comparing
   * canonically, read from the columns' buffers (column-equals.ts). False means "compare the built row", not "they
   * differ".
   */
  sameRun: (i: number, params: RunParams, replicate: number) => boolean;
}

/** what a column of one value has been shown to hold before any row was compared: no parameter's value */
const NOT_SHOWN: unknown = Symbol('not shown');

/** The schema metadata key of the verified stamps (summary.ts writes it). */
export const VERIFIED_KEY = 'verified';

/** Reads a summary file (checked whole, as every Arrow file is read). Throws ArrowFileError. */
export function readSummaryTable(path: string): SummaryTable {
  const table = readArrowFile(path);
  return { ...summaryColumns(path, table), stamps: stampsOf(table) };
}

/** The stamps in a summary's metadata (stampsOfText). */
const stampsOf = (table: Table): Map<string, string> => stampsOfText(table.schema.metadata.get(`lnsweep.${VERIFIED_KEY}`) ?? '{}');

/**
 * The stamps in the text of a summary's `lnsweep.verified` (run id → stamp): what JSON.parse finds, its string values;
 * none when the text is not a JSON object (then every run file is read).
 */
export function stampsOfText(text: string): Map<string, string> {
  const written = stampsAsWritten(text);
  if (written) return written;
  const stamps = new Map<string, string>();
  try {
    const raw = JSON.parse(text) as unknown;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      for (const [id, stamp] of Object.entries(raw)) if (typeof stamp === 'string') stamps.set(id, stamp);
    }
  } catch {
    // not JSON: no stamp is believed
  }
  return stamps;
}

const STAMP_ID = /^[0-9a-f]{16}$/;
const STAMP = /^[0-9:|nr]+$/;

/**
 * The stamps read as summary.ts writes them, `{"<run id>":"<stamp>",…}` (ids and stamps need no escapes), without
 * JSON.parse making an object of 20,000 keys first; null when the text is anything else (then JSON.parse judges it).
 */
function stampsAsWritten(text: string): Map<string, string> | null {
  if (text === '{}') return new Map();
  if (!text.startsWith('{"') || !text.endsWith('"}')) return null;
  const stamps = new Map<string, string>();
  for (const entry of text.slice(2, -2).split('","')) {
    const colon = entry.indexOf('":"');
    const id = entry.slice(0, colon);
    const stamp = entry.slice(colon + 3);
    if (colon < 0 || !STAMP_ID.test(id) || !STAMP.test(stamp) || stamps.has(id)) return null;
    stamps.set(id, stamp);
  }
  return stamps;
}

function summaryColumns(path: string, table: Table): Omit<SummaryTable, 'stamps'> {
  const vectorOf = (name: string): Vector => {
    const vector = table.getChild(name);
    if (!vector) throw new ArrowFileError(path, `not a summary file: no column '${name}'`);
    return vector;
  };
  const column = (name: string): ArrayLike<unknown> => plainValues(vectorOf(name));
  const num = (v: unknown): number => Number(v);
  const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

  // read now: the heads and what sameRun compares
  const runIds = column('run_id') as string[];
  // compared in place (column-equals.ts), decoded only when a row is built
  const paramVectors = PARAM_KEYS.map((key) => [key, vectorOf(key)] as const);
  const replicate = column('replicate');
  const status = column('status');
  const error = column('error');
  const engineUsed = column('engine_used');
  const extraNames = table.schema.fields.filter((f) => !SUMMARY_FIXED_NAMES.has(f.name) && isExtraType(f.type as DataType)).map((f) => f.name);
  // read when a first row is built
  let rest: ReturnType<typeof restColumns> | null = null;
  const restColumns = () => ({
    // a summary written before these columns existed has none: its rows say so with '' and NaN (`lnsweep merge` adds them)
    sweeps: table.getChild('sweep') ? column('sweep') : null,
    seeds: table.getChild('seed') ? column('seed') : null,
    params: paramVectors.map(([key, vector]) => [key, plainValues(vector)] as const),
    stepsDone: column('steps_done'),
    wall: column('wall_s'),
    speed: column('steps_per_s'),
    finals: METRIC_NAMES.map((name) => [name, column(`final_${name}`)] as const),
    events: EVENT_STEP_COLUMNS.map((name) => [name, column(name)] as const),
    extras: extraNames.map((name) => [name, column(name)] as const),
  });

  // Each row's objects are cloned from one template of their keys: built key by key, objects of this many keys fall
  // into V8's slow dictionary mode, which costs time and, above all, garbage collection.
  const newParams = shaped(PARAM_KEYS);
  const newFinal = shaped(METRIC_NAMES);
  const newExtra = shaped(extraNames);
  const newRow = shaped([...ROW_KEYS, ...EVENT_STEP_COLUMNS, ...(extraNames.length > 0 ? ['extra'] : [])]);
  const build = (i: number): SummaryRow => {
    rest ??= restColumns();
    const p = newParams();
    for (const [key, values] of rest.params) p[key] = paramFromColumnValue(key, values[i]);
    const final = newFinal();
    for (const [name, values] of rest.finals) final[name] = numOrNull(values[i]);
    const row = newRow() as unknown as SummaryRow;
    row.run_id = runIds[i];
    row.replicate = num(replicate[i]);
    row.sweep = rest.sweeps ? String(rest.sweeps[i]) : '';
    row.seed = rest.seeds ? num(rest.seeds[i]) : Number.NaN;
    row.params = p as unknown as RunParams;
    row.status = status[i] as SummaryStatus;
    row.error = (error[i] ?? null) as string | null;
    row.steps_done = num(rest.stepsDone[i]);
    row.wall_s = num(rest.wall[i]);
    row.steps_per_s = num(rest.speed[i]);
    row.engine = String(engineUsed[i]);
    row.final = final;
    for (const [name, values] of rest.events) row[name] = numOrNull(values[i]);
    if (rest.extras.length > 0) {
      const extra = newExtra() as Record<string, number | null>;
      for (const [name, values] of rest.extras) extra[name] = numOrNull(values[i]);
      row.extra = extra;
    }
    return row;
  };

  const built: (SummaryRow | undefined)[] = [];
  const rowAt = (i: number): SummaryRow => (built[i] ??= build(i));
  const rows: LazyRow[] = new Array<LazyRow>(runIds.length);
  for (let i = 0; i < runIds.length; i++) {
    rows[i] = new SummaryTableRow(path, runIds[i], status[i] as SummaryStatus, (error[i] ?? null) as string | null, String(engineUsed[i]), i, rowAt);
  }

  // lists are held as their JSON text: compared as the text the plan's list is written as
  const compared = paramVectors.map(([key, vector]) => {
    const column = columnForEquals(vector);
    // `shown`: a value a column of one value throughout was shown to hold (at row 0), so at every row
    return { key, column, list: PARAM_SPECS[key].kind.kind === 'int_list', constant: columnIsConstant(column, runIds.length), shown: NOT_SHOWN };
  });
  const sameRun = (i: number, want: RunParams, rep: number): boolean => {
    if (num(replicate[i]) !== rep) return false;
    let keys = 0;
    for (const key in want) if (Object.hasOwn(want, key)) keys++;
    if (keys !== compared.length) return false;
    // Most parameters of a sweep are one value in every row: such a column is compared once, and each later row's
    // value by === with the value it was shown to hold, not in the column's bytes (20,000 rows × 25 columns, run
    // once each, before V8 has optimised this loop).
    for (const c of compared) {
      const v = want[c.key];
      if (v === undefined) return false;
      const value = c.list ? (Array.isArray(v) ? (v.length === 0 ? '[]' : JSON.stringify(v)) : undefined) : v;
      if (c.constant && value === c.shown) continue;
      if (!columnEqualsAt(c.column, c.constant ? 0 : i, value)) return false;
      if (c.constant) c.shown = value;
    }
    return true;
  };
  return { rows, sameRun, extraNames };
}

/** A row of a summary table: one object of one shape per row (a closure per row was 20,000 more, for the collector). */
class SummaryTableRow implements LazyRow {
  constructor(
    /** the summary file it was read from */
    readonly from: string,
    readonly run_id: string,
    readonly status: SummaryStatus,
    readonly error: string | null,
    readonly engine: string,
    private readonly index: number,
    private readonly rowAt: (i: number) => SummaryRow,
  ) {}

  row(): SummaryRow {
    return this.rowAt(this.index);
  }
}

/** A row's own keys before its marker columns, in the order a row built in summary-rows.ts has them. */
const ROW_KEYS = ['run_id', 'replicate', 'sweep', 'seed', 'params', 'status', 'error', 'steps_done', 'wall_s', 'steps_per_s', 'engine', 'final'];

/** A maker of objects with `keys` (each null until set), all of one shape: clones of one template. */
function shaped(keys: readonly string[]): () => Record<string, unknown> {
  const template = Object.fromEntries(keys.map((k) => [k, null])) as Record<string, unknown>;
  return () => ({ ...template });
}

/** Extra columns are Float64, Int64 or Bool (schemas.ts, extraField); older files have Float64 throughout. */
function isExtraType(type: DataType): boolean {
  return [new Float64(), new Int64(), new Bool()].some((t) => util.compareTypes(type, t));
}
