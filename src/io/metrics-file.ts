/**
 * `metrics.arrow` (docs/formats.md, "Metrics file"): every run's metric rows with its parameter columns, so that one
 * line of pandas or DuckDB answers a question across the sweep. Streamed: runs come one at a time (in the order
 * given; `merge` gives them in run_id order), and each becomes one record batch of MERGED_METRICS_SCHEMA with its
 * parameters repeated per row, so memory stays bounded by one run. The batches are written as bytes
 * (arrow-ipc-write.ts): the metric columns are the run's own Float64Arrays, byte for byte. Which runs go in is the
 * caller's choice (src/io/out-folder/merge.ts takes the runs whose files are sound).
 */
import { closeSync, openSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Schema, type DataType } from 'apache-arrow';
import { PARAM_KEYS } from '../core/params.js';
import { METRIC_NAMES, type MetricColumns, type RunParams } from '../core/types.js';
import { IpcFileWriter } from './arrow-ipc-write.js';
import { bytesOf, int64ArrayFromFloat64, repeatedBuffers } from './arrow-columns.js';
import { writeFileAtomicAsync } from './atomic.js';
import { ArrowFileError } from './errors.js';
import { provenanceMetadata } from './provenance.js';
import { MERGED_METRICS_SCHEMA, paramToColumnValue } from './schemas.js';

/**
 * How long the merge may run without looking at its event loop: a signal (Ctrl-C) is handled at the next look, and
 * any pause longer than this (a fault hook's hold, src/run/faults.ts) is followed by one before the next batch.
 */
const LOOK_EVERY_MS = 10;

/** One run's rows, as its run file holds them, and the parameters to repeat beside them. */
export interface MetricsRun {
  runId: string;
  params: RunParams;
  replicate: number;
  /** the sweep the run belongs to (its own for a run added with `run --add`) and that sweep's seed */
  sweep: string;
  seed: number;
  metrics: MetricColumns;
}

/** Writes `path` (an output folder's metrics.arrow) from `runs`. Rejects with ArrowFileError if it cannot write. */
export async function writeMetricsFile(
  path: string,
  runs: Iterable<MetricsRun>,
  provenance: Record<string, string>,
): Promise<{ rows: number; runs: number }> {
  const schema = new Schema(MERGED_METRICS_SCHEMA.fields, provenanceMetadata(provenance));
  let rows = 0;
  let merged = 0;
  await writeFileAtomicAsync(
    path,
    async (tmp) => {
      const fd = openSync(tmp, 'wx');
      try {
        const writer = new IpcFileWriter(fd, schema);
        const repeated = repeatedColumns(schema);
        let looked = performance.now();
        for (const run of runs) {
          writer.writeBatch(run.metrics.rows, runColumns(run, repeated));
          merged += 1;
          if (performance.now() - looked > LOOK_EVERY_MS) {
            await nextTurn();
            looked = performance.now();
          }
        }
        writer.finish();
        rows = writer.rows;
      } finally {
        closeSync(fd);
      }
    },
    ArrowFileError,
  );
  return { rows, runs: merged };
}

/**
 * The buffers of column `i` of `schema` holding one value on every row, kept from one run to the next while the value
 * and the row count are the same: most parameters are the same for every run of a sweep.
 */
function repeatedColumns(schema: Schema): (i: number, value: bigint | number | string, rows: number) => Uint8Array[] {
  const last: { value: bigint | number | string; rows: number; buffers: Uint8Array[] }[] = [];
  return (i, value, rows) => {
    const kept = last[i];
    if (kept && kept.rows === rows && Object.is(kept.value, value)) return kept.buffers;
    const buffers = repeatedBuffers(schema.fields[i].type as DataType, value, rows);
    last[i] = { value, rows, buffers };
    return buffers;
  };
}

/** One run's rows as the columns of a batch of the merged schema (arrow-ipc-write.ts's buffers). */
function runColumns(run: MetricsRun, repeated: ReturnType<typeof repeatedColumns>): Uint8Array[][] {
  const { metrics } = run;
  const rows = metrics.rows;
  const exactly = (values: Float64Array, name: string) => {
    if (values.length < rows) throw new Error(`bug: metric '${name}' has ${values.length} values for ${rows} rows`);
    return values.subarray(0, rows);
  };
  return [
    repeated(0, run.runId, rows),
    ...PARAM_KEYS.map((key, i) => repeated(1 + i, paramToColumnValue(key, run.params[key]), rows)),
    repeated(1 + PARAM_KEYS.length, BigInt(run.replicate), rows),
    repeated(2 + PARAM_KEYS.length, run.sweep, rows),
    repeated(3 + PARAM_KEYS.length, BigInt(run.seed), rows),
    [bytesOf(int64ArrayFromFloat64(exactly(metrics.step, 'step')))],
    ...METRIC_NAMES.map((name) => [bytesOf(exactly(metrics.values[name], name))]),
  ];
}
