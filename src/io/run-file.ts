/**
 * A run's own files (docs/formats.md#run-file): `runs/<run_id>.arrow` (metric rows) and `runs/<run_id>.neurons.arrow`
 * (per-neuron snapshots). One record batch each, columns over the core's Float64Arrays without copies.
 *
 * Schema metadata (read by pyarrow; pandas, polars and DuckDB drop it, which is why run_id is a column too):
 *   lnsweep.run_id      the run id
 *   lnsweep.params      the resolved RunParams as canonical JSON (sorted keys)
 *   lnsweep.replicate   the replicate index, decimal
 *   lnsweep.model       the Phase I model's predictions for the run (src/core/phase-model.ts) as JSON, or null where
 *                       theory does not apply: computed once by the worker, so reading a folder never rebuilds the model
 *   lnsweep.provenance  the provenance record as canonical JSON
 *   lnsweep.<key>       each provenance entry on its own (lnsweep.tool_version, lnsweep.git_commit, …)
 */
import { readFileSync } from 'node:fs';
import { Float64, Int64, Schema, Table, util, type DataType } from 'apache-arrow';
import type { ModelPrediction } from '../core/theory.js';
import { METRIC_NAMES, type MetricColumns, type NeuronSnapshots, type RunParams } from '../core/types.js';
import { writeArrowAtomic, writeArrowTable, type ArrowWrite } from './arrow-file.js';
import { float64Values, int64ValuesAsFloat64, readIpcFile, utf8At } from './arrow-ipc-read.js';
import { batchOf, bytesOf, float64Data, int64ArrayFromFloat64, int64DataFromFloat64, repeatedBuffers, repeatedUtf8 } from './arrow-columns.js';
import { IpcFileWriter, newIpcScratch } from './arrow-ipc-write.js';
import { ArrowFileError, describeCause } from './errors.js';
import { provenanceMetadata } from './provenance.js';
import { NEURONS_SCHEMA, RUN_METRICS_SCHEMA, canonicalJson } from './schemas.js';

export interface RunFileInput {
  runId: string;
  params: RunParams;
  replicate: number;
  metrics: MetricColumns;
  /** collectProvenance() plus the run's own entries (engine, kernel, started_at, ended_at, …) */
  provenance: Record<string, string>;
  /** the Phase I model's predictions; null (the default) where theory does not apply */
  model?: ModelPrediction | null;
}

export interface RunFileContents {
  runId: string;
  params: RunParams;
  replicate: number;
  provenance: Record<string, string>;
  metrics: MetricColumns;
  model: ModelPrediction | null;
}

export interface NeuronsFileInput {
  runId: string;
  snapshots: NeuronSnapshots;
  provenance: Record<string, string>;
}

const META_PREFIX = 'lnsweep.';

/**
 * A run file is built here (bytes, flatbuffers) before it is written: a run file of a few rows is a few kB, and a
 * buffer and builder per file (the 1 MiB IpcFileWriter takes by default, or arrow-js's builders and encoders) were a
 * large share of a tiny run's cost (issue 23). One per thread (module state is per thread); writeRunFile uses it
 * synchronously, so never twice at once.
 */
const runFileScratch = newIpcScratch(64 * 1024);

/**
 * Writes `runs/<run_id>.arrow` atomically (or as `write` says): one batch of `rows` rows, none when there are none.
 * The bytes are those arrow-js's RecordBatchFileWriter writes for the same table (arrow-ipc-write.ts; tested byte for
 * byte), written from the metric columns' own bytes. Throws ArrowFileError.
 */
export function writeRunFile(path: string, run: RunFileInput, write: ArrowWrite = writeArrowAtomic): void {
  const { metrics } = run;
  const rows = metrics.rows;
  let schema: Schema;
  let columns: Uint8Array[][];
  try {
    schema = new Schema(
      RUN_METRICS_SCHEMA.fields,
      provenanceMetadata(run.provenance, {
        run_id: run.runId,
        params: canonicalJson(run.params),
        replicate: String(run.replicate),
        model: JSON.stringify(run.model ?? null),
      }),
    );
    columns = [
      repeatedBuffers(RUN_METRICS_SCHEMA.fields[0].type as DataType, run.runId, rows),
      [bytesOf(int64ArrayFromFloat64(trimmed(metrics.step, rows, 'step')))],
      ...METRIC_NAMES.map((name) => [bytesOf(trimmed(metrics.values[name], rows, name))]),
    ];
  } catch (cause) {
    throw new ArrowFileError(path, describeCause(cause), { cause });
  }
  write(path, (fd) => {
    const writer = new IpcFileWriter(fd, schema, runFileScratch);
    // arrow-js writes no batch for a table without rows
    if (rows > 0) writer.writeBatch(rows, columns);
    writer.finish();
  });
}

/** Writes `runs/<run_id>.neurons.arrow` atomically: one row per (snapshot step, neuron). Throws ArrowFileError. */
export function writeNeuronsFile(path: string, run: NeuronsFileInput, write: ArrowWrite = writeArrowAtomic): void {
  const { snapshots: s } = run;
  const rows = s.step.length;
  let batch;
  try {
    const schema = new Schema(NEURONS_SCHEMA.fields, provenanceMetadata(run.provenance, { run_id: run.runId }));
    batch = batchOf(schema, [
      repeatedUtf8(run.runId, rows),
      int64DataFromFloat64(s.step),
      int64DataFromFloat64(s.neuron),
      float64Data(s.w_norm2),
      float64Data(s.w_theta_ip),
      float64Data(s.a),
    ]);
  } catch (cause) {
    throw new ArrowFileError(path, describeCause(cause), { cause });
  }
  writeArrowTable(path, new Table(batch.schema, [batch]), write);
}

/** The schema metadata a reader of run files needs (the rest repeats the provenance entry by entry). */
const READ_KEYS: ReadonlySet<string> = new Set(['run_id', 'params', 'replicate', 'model', 'provenance'].map((k) => `${META_PREFIX}${k}`));

/**
 * Reads a run file back: the inverse of writeRunFile (metrics as fresh Float64Arrays). Its columns must be exactly
 * RUN_METRICS_SCHEMA's, in one record batch (none for a file without rows). Throws ArrowFileError.
 */
export function readRunFile(path: string): RunFileContents {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ArrowFileError(path, `cannot read: ${describeCause(cause)}`, { cause });
  }
  let file;
  try {
    file = readIpcFile(bytes, RUN_METRICS_SCHEMA, READ_KEYS);
  } catch (cause) {
    throw new ArrowFileError(path, describeCause(cause), { cause });
  }
  if (file.batches.length > 1) throw new ArrowFileError(path, `not a run file: ${file.batches.length} record batches, where a run file has one`);
  const get = (key: string): string => {
    const value = file.metadata.get(`${META_PREFIX}${key}`);
    if (value === undefined) throw new ArrowFileError(path, `not a run file: no '${META_PREFIX}${key}' metadata`);
    return value;
  };
  let params: RunParams;
  let provenance: Record<string, string>;
  let model: ModelPrediction | null;
  try {
    params = JSON.parse(get('params')) as RunParams;
    provenance = JSON.parse(get('provenance')) as Record<string, string>;
    model = modelPrediction(path, JSON.parse(get('model')));
  } catch (cause) {
    if (cause instanceof ArrowFileError) throw cause;
    throw new ArrowFileError(path, 'run file metadata is not valid JSON', { cause });
  }
  const batch = file.batches[0] ?? { rows: 0, columns: RUN_METRICS_SCHEMA.fields.map(() => []) };
  const rows = batch.rows;
  const runId = get('run_id');
  // The column and the metadata are written together; a disagreement means the file was edited or spliced. The
  // first and last rows suffice (a run's rows are one batch of one repeated value) and keep a status of a large
  // sweep from decoding every row's string.
  for (const i of rows > 0 ? [0, rows - 1] : []) {
    const id = utf8At(batch.columns[0], i);
    if (id !== runId) throw new ArrowFileError(path, `row ${i} is of run ${id}, the metadata says ${runId}`);
  }
  const values = {} as MetricColumns['values'];
  // columns in RUN_METRICS_SCHEMA's order: run_id, step, then the metrics
  METRIC_NAMES.forEach((name, i) => (values[name] = float64Values(batch.columns[2 + i], rows)));
  return {
    runId,
    params,
    replicate: Number(get('replicate')),
    provenance,
    metrics: { rows, step: int64ValuesAsFloat64(batch.columns[1], rows), values },
    model,
  };
}

/** The model entry's fields: numbers, except the step times, which are null where the model says "never". */
const MODEL_NUMBERS = ['k0', 'w_norm2_end', 'sigma_trace', 'sigma_along', 'phase2_frac_final'] as const;
const MODEL_STEPS = ['phase1_steps', 'align_steps'] as const;
/** Numbers older run files do not have: the terminal state (before results version 4: theoryColumns falls back to the
 * end point) and the late window (before 5). */
const MODEL_OPTIONAL = ['w_norm2_final', 'a_norm2_final', 'w_norm2_late'] as const;

/** The `lnsweep.model` entry checked for its shape: read from disk, so it is not trusted to be what we wrote. */
function modelPrediction(path: string, value: unknown): ModelPrediction | null {
  if (value === null) return null;
  const entry = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const bad =
    entry === null
      ? 'not an object'
      : (MODEL_NUMBERS.find((k) => typeof entry[k] !== 'number') ??
        MODEL_STEPS.find((k) => entry[k] !== null && typeof entry[k] !== 'number') ??
        MODEL_OPTIONAL.find((k) => entry[k] !== undefined && typeof entry[k] !== 'number'));
  if (bad !== undefined) {
    const field = entry === null ? bad : `field '${bad}' is ${JSON.stringify(entry[bad]) ?? 'missing'}`;
    throw new ArrowFileError(
      path,
      `the '${META_PREFIX}model' metadata is not a model prediction (${field}; numbers ${MODEL_NUMBERS.join(', ')}, ${MODEL_STEPS.join(', ')} a number or null, ${MODEL_OPTIONAL.join(', ')} a number or absent)`,
    );
  }
  return value as ModelPrediction;
}

/** A Float64 column of `table` as one Float64Array (copied out of the file's buffer, so callers may keep it). */
export function float64Column(path: string, table: Table, name: string): Float64Array {
  const column = table.getChild(name);
  if (!column || !util.compareTypes(column.type, new Float64())) {
    throw new ArrowFileError(path, `column '${name}' missing or not Float64`);
  }
  const out = new Float64Array(table.numRows);
  let offset = 0;
  for (const chunk of column.data) {
    out.set((chunk.values as Float64Array).subarray(0, chunk.length), offset);
    offset += chunk.length;
  }
  return out;
}

/** An Int64 column of `table` as doubles (exact for |v| < 2^53: steps and indices). */
export function int64ColumnAsFloat64(path: string, table: Table, name: string): Float64Array {
  const column = table.getChild(name);
  if (!column || !util.compareTypes(column.type, new Int64())) {
    throw new ArrowFileError(path, `column '${name}' missing or not Int64`);
  }
  const out = new Float64Array(table.numRows);
  let offset = 0;
  for (const chunk of column.data) {
    const values = chunk.values as BigInt64Array;
    for (let i = 0; i < chunk.length; i++) out[offset + i] = Number(values[i]);
    offset += chunk.length;
  }
  return out;
}

function trimmed(values: Float64Array, rows: number, name: string): Float64Array {
  if (values.length < rows) throw new Error(`bug: metric '${name}' has ${values.length} values for ${rows} rows`);
  return values.length === rows ? values : values.subarray(0, rows);
}
