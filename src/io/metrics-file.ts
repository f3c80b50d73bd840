/**
 * `metrics.arrow` (docs/formats.md, "Metrics file"): every run's metric rows with its parameter columns, so that one
 * line of pandas or DuckDB answers a question across the sweep. Streamed: runs come one at a time (in the order
 * given; `merge` gives them in run_id order), and each becomes one record batch of MERGED_METRICS_SCHEMA with its
 * parameters repeated per row, so memory stays bounded by one run. Which runs go in is the caller's choice
 * (src/io/out-folder/merge.ts takes the runs whose files are sound).
 */
import type { RecordBatch } from 'apache-arrow';
import { Schema, type DataType } from 'apache-arrow';
import { PARAM_KEYS } from '../core/params.js';
import { METRIC_NAMES, type MetricColumns, type RunParams } from '../core/types.js';
import { writeArrowFileStreamAtomic } from './arrow-file.js';
import { batchOf, float64Data, int64DataFromFloat64, repeatedInt64, repeatedUtf8, repeatedValue } from './arrow-columns.js';
import { provenanceMetadata } from './provenance.js';
import { MERGED_METRICS_SCHEMA, paramToColumnValue } from './schemas.js';

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
  let merged = 0;

  function* batches(): Generator<RecordBatch> {
    for (const run of runs) {
      merged += 1;
      yield runBatch(schema, run);
    }
  }

  const written = await writeArrowFileStreamAtomic(path, schema, batches());
  return { rows: written.rows, runs: merged };
}

/** One run's rows as a batch of the merged schema. */
function runBatch(schema: Schema, run: MetricsRun): RecordBatch {
  const { metrics } = run;
  const rows = metrics.rows;
  const paramColumns = PARAM_KEYS.map((key, i) =>
    repeatedValue(schema.fields[1 + i].type as DataType, paramToColumnValue(key, run.params[key]), rows),
  );
  return batchOf(schema, [
    repeatedUtf8(run.runId, rows),
    ...paramColumns,
    repeatedInt64(BigInt(run.replicate), rows),
    repeatedUtf8(run.sweep, rows),
    repeatedInt64(BigInt(run.seed), rows),
    int64DataFromFloat64(metrics.step),
    ...METRIC_NAMES.map((name) => float64Data(metrics.values[name])),
  ]);
}
