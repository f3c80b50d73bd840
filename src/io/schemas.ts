/**
 * One Arrow schema per output table (docs/formats.md), with explicit types: a column's type never depends on the values
 * that happen to be in it. Strings are plain Utf8, never dictionaries (the file writer throws on a second batch with
 * a dictionary). Parameter columns take their type from PARAM_SPECS:
 *
 *   int → Int64 · float → Float64 · enum → Utf8 · int_list → Utf8 holding JSON (`"[0,1000]"`)
 *
 * Column order, by table:
 *   runs/<id>.arrow          run_id, step, <METRIC_NAMES…>
 *   runs/<id>.neurons.arrow  run_id, step, neuron, w_norm2, w_theta_ip, a
 *   summary.arrow            run_id, <PARAM_KEYS…>, replicate, sweep, seed, status, error, steps_done, wall_s, steps_per_s,
 *                            engine_used, final_<metric…>, lazy_escape_step, phase2_step, align_step,
 *                            phase2_mean_step, phase2_step_50, phase2_step_90, lazy_escape_step_50,
 *                            align_step_50, norm_decay_window_end, <extra…, sorted by name: Float64, except
 *                            collapsed (Bool) and refine_round (Int64)>
 *   metrics.arrow            run_id, <PARAM_KEYS…>, replicate, sweep, seed, step, <METRIC_NAMES…>
 *   boundary-<metric>.arrow  <axis parameters…>, <facet parameters…>, metric, level, curve, segment
 *   fit-<metric>.arrow       param, exponent, ci_lo, ci_hi, theory_exponent
 * `engine` is a parameter (RunParams.engine: what was asked for, `native`), so the summary's `engine` column is the
 * parameter column; what really computed the run (`native/subspace`, SummaryRow.engine) is `engine_used`.
 */
import { Bool, DataType, Field, Float64, Int64, Schema, Utf8 } from 'apache-arrow';
import { PARAM_KEYS, PARAM_SPECS, type ParamKind } from '../core/params.js';
import { MARKER_NAMES } from '../core/summarize.js';
import { METRIC_NAMES, type RunParams } from '../core/types.js';

/** Field constructors: explicit type and nullability. */
const utf8 = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
const int64 = (name: string, nullable = false) => new Field(name, new Int64(), nullable);
const float64 = (name: string, nullable = false) => new Field(name, new Float64(), nullable);

function arrowTypeForParam(kind: ParamKind): DataType {
  switch (kind.kind) {
    case 'int':
      return new Int64();
    case 'float':
      return new Float64();
    case 'enum':
    case 'int_list':
      return new Utf8();
  }
}

/** One column per RunParams key, in PARAM_KEYS order. */
const PARAM_FIELDS: readonly Field[] = PARAM_KEYS.map((key) => new Field(key, arrowTypeForParam(PARAM_SPECS[key].kind), false));

const METRIC_FIELDS: readonly Field[] = METRIC_NAMES.map((name) => float64(name));

export const RUN_METRICS_SCHEMA = new Schema([utf8('run_id'), int64('step'), ...METRIC_FIELDS]);

export const NEURONS_SCHEMA = new Schema([utf8('run_id'), int64('step'), int64('neuron'), float64('w_norm2'), float64('w_theta_ip'), float64('a')]);

/**
 * Which sweep a run belongs to, beside its replicate: its sweep's `name` and `seed` (its own sweep's for a run added
 * with `run --add`), so that two sweeps' replicates in one folder can be told apart where the metadata is dropped.
 */
const SWEEP_FIELDS: readonly Field[] = [utf8('sweep'), int64('seed')];

export const MERGED_METRICS_SCHEMA = new Schema([
  utf8('run_id'),
  ...PARAM_FIELDS,
  int64('replicate'),
  ...SWEEP_FIELDS,
  int64('step'),
  ...METRIC_FIELDS,
]);

export const SUMMARY_STATUSES = ['done', 'diverged', 'failed'] as const;
export type SummaryStatus = (typeof SUMMARY_STATUSES)[number];

/** `final_<metric>` for every metric, in METRIC_NAMES order. */
const FINAL_COLUMNS = METRIC_NAMES.map((name) => `final_${name}` as const);

/**
 * Steps at which a threshold was first reached, null where never: lazy_escape_step, phase2_step and align_step, then
 * the ones that discriminate where those are never reached (src/core/summarize.ts defines them all).
 */
export const EVENT_STEP_COLUMNS = MARKER_NAMES;

const SUMMARY_FIXED_FIELDS: readonly Field[] = [
  utf8('run_id'),
  ...PARAM_FIELDS,
  int64('replicate'),
  ...SWEEP_FIELDS,
  utf8('status'),
  utf8('error', true),
  int64('steps_done'),
  float64('wall_s'),
  float64('steps_per_s'),
  utf8('engine_used'),
  ...FINAL_COLUMNS.map((name) => float64(name, true)),
  ...EVENT_STEP_COLUMNS.map((name) => int64(name, true)),
];

/** Names the summary's fixed columns take; an extra column may not reuse one. */
export const SUMMARY_FIXED_NAMES: ReadonlySet<string> = new Set(SUMMARY_FIXED_FIELDS.map((f) => f.name));

/**
 * Extra summary columns that are not reals, by name: what pandas, polars and DuckDB should read them as. Every other
 * extra column is a nullable Float64. In memory (SummaryRow.extra) all are numbers: a Bool reads back as 1 or 0.
 */
const EXTRA_TYPES: Readonly<Record<string, () => DataType>> = {
  collapsed: () => new Bool(), // true/false; null when the last row is not finite
  refine_round: () => new Int64(), // 0 for the sweep's grid
};

/** An extra summary column's field: its type from EXTRA_TYPES, else Float64; always nullable. */
const extraField = (name: string): Field => new Field(name, EXTRA_TYPES[name]?.() ?? new Float64(), true);

/**
 * The summary schema: the fixed columns, then one nullable column per extra name (analysis results such as
 * `norm_decay_rate`; typed by extraField), sorted so the same rows always give the same file.
 */
export function summarySchema(extraNames: Iterable<string> = []): Schema {
  const extras = [...new Set(extraNames)].sort();
  for (const name of extras) {
    if (SUMMARY_FIXED_NAMES.has(name)) {
      throw new Error(`bug: extra summary column '${name}' collides with a fixed column`);
    }
  }
  return new Schema([...SUMMARY_FIXED_FIELDS, ...extras.map(extraField)]);
}

/**
 * `boundary-<metric>.arrow` (`lnsweep refine`): one row per point of a level curve, the axis and facet parameters
 * under their own names, then the metric's name, the level, which curve the point is on (`curve`: `median`, the
 * band's edges `lo` and `hi`, or a `band` polygon) and its polyline (`segment`, unique across the file). Axis columns
 * are Float64 whatever the parameter's type: a crossing lies between grid values (width 100 → 141.4…).
 */
export function boundarySchema(axes: readonly (keyof RunParams)[], facets: readonly (keyof RunParams)[]): Schema {
  const param = (key: keyof RunParams) => new Field(key, arrowTypeForParam(PARAM_SPECS[key].kind), false);
  return new Schema([...axes.map((key) => float64(key)), ...facets.map(param), utf8('metric'), float64('level'), utf8('curve'), int64('segment')]);
}

/**
 * `fit-<metric>.arrow` (`lnsweep fit`): one row per fitted parameter, its exponent in log M = c + Σ β·log p, the 95%
 * bootstrap interval, and the theory's exponent where the paper gives one (null elsewhere). The fit's run count, R²,
 * intercept, resamples and seed are in the schema metadata (`lnsweep.*`).
 */
export const FIT_SCHEMA = new Schema([utf8('param'), float64('exponent'), float64('ci_lo'), float64('ci_hi'), float64('theory_exponent', true)]);

/** A parameter's value as stored in its column (Int64 columns take BigInt). */
export function paramToColumnValue(key: keyof RunParams, value: unknown): bigint | number | string {
  const kind = PARAM_SPECS[key].kind.kind;
  switch (kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw new Error(`bug: parameter '${key}' should be an integer, got ${JSON.stringify(value)}`);
      }
      return BigInt(value);
    case 'float':
      if (typeof value !== 'number') {
        throw new Error(`bug: parameter '${key}' should be a number, got ${JSON.stringify(value)}`);
      }
      return value;
    case 'enum':
      return String(value);
    case 'int_list':
      return JSON.stringify(value);
  }
}

/** The inverse of paramToColumnValue, for a value read back from a column. */
export function paramFromColumnValue(key: keyof RunParams, value: unknown): RunParams[keyof RunParams] {
  const kind = PARAM_SPECS[key].kind.kind;
  switch (kind) {
    case 'int':
    case 'float':
      return Number(value);
    case 'enum':
      return String(value) as RunParams[keyof RunParams];
    case 'int_list':
      return JSON.parse(String(value)) as number[];
  }
}

/** One canonical form for every JSON this tool writes (sorted keys): the run ids' own (src/sweep/ids.ts). */
export { canonicalJson } from '../sweep/ids.js';
