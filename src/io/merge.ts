/**
 * `metrics.arrow` (docs/formats.md#metrics-file): every run's metric rows with its parameter columns, so that one line
 * of pandas or DuckDB answers a question across the sweep. Streamed: runs are read one at a time, in run_id order, and
 * each becomes one record batch of MERGED_METRICS_SCHEMA with its parameters repeated per row, so memory stays bounded
 * by one run. Runs whose file is missing or corrupt are skipped and reported, never fatal: a merge after a partial
 * sweep or a shard is still useful.
 */
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { Schema, type DataType } from 'apache-arrow';
import { PARAM_KEYS } from '../core/params.js';
import { METRIC_NAMES, type RunParams } from '../core/types.js';
import { writeArrowFileStreamAtomic } from './arrow-file.js';
import { batchOf, float64Data, int64DataFromFloat64, repeatedInt64, repeatedUtf8, repeatedValue } from './columns.js';
import { describeCause } from './errors.js';
import { readRunFile } from './run-file.js';
import { MERGED_METRICS_SCHEMA, canonicalJson, paramToColumnValue } from './schemas.js';

export interface MergeInput {
  runId: string;
  params: RunParams;
  replicate: number;
}

export interface MergeResult {
  /** rows written to metrics.arrow */
  rows: number;
  /** runs whose rows were written */
  runs: number;
  /** runs left out, with why (`missing`, or the reader's message for a corrupt file) */
  skipped: { runId: string; reason: string }[];
  path: string;
}

const MERGED_FILE = 'metrics.arrow';

/** Writes `outDir/metrics.arrow` from `outDir/runs/<run_id>.arrow`. Rejects with ArrowFileError if it cannot write. */
export async function mergeRuns(
  outDir: string,
  runs: readonly MergeInput[],
  provenance: Record<string, string>,
): Promise<MergeResult> {
  const path = join(outDir, MERGED_FILE);
  const meta = new Map<string, string>([['lnsweep.provenance', canonicalJson(provenance)]]);
  for (const key of Object.keys(provenance).sort()) meta.set(`lnsweep.${key}`, provenance[key]);
  const schema = new Schema(MERGED_METRICS_SCHEMA.fields, meta);
  const ordered = [...runs].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  const skipped: MergeResult['skipped'] = [];
  let merged = 0;

  function* batches(): Generator<RecordBatch> {
    for (const run of ordered) {
      const batch = runBatch(schema, outDir, run, skipped);
      if (batch) {
        merged += 1;
        yield batch;
      }
    }
  }

  const written = await writeArrowFileStreamAtomic(path, schema, batches());
  return { rows: written.rows, runs: merged, skipped, path };
}

/** One run's rows as a batch of the merged schema, or null (and a `skipped` entry) if its file cannot be used. */
function runBatch(
  schema: Schema,
  outDir: string,
  run: MergeInput,
  skipped: MergeResult['skipped'],
): RecordBatch | null {
  const file = join(outDir, 'runs', `${run.runId}.arrow`);
  let contents;
  try {
    contents = readRunFile(file);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    skipped.push({ runId: run.runId, reason: code === 'ENOENT' ? 'missing' : describeCause(error) });
    return null;
  }
  if (contents.runId !== run.runId) {
    skipped.push({ runId: run.runId, reason: `${file} holds run ${contents.runId}` });
    return null;
  }
  const { metrics } = contents;
  const rows = metrics.rows;
  const paramColumns = PARAM_KEYS.map((key, i) =>
    repeatedValue(schema.fields[1 + i].type as DataType, paramToColumnValue(key, run.params[key]), rows),
  );
  return batchOf(schema, [
    repeatedUtf8(run.runId, rows),
    ...paramColumns,
    repeatedInt64(BigInt(run.replicate), rows),
    int64DataFromFloat64(metrics.step),
    ...METRIC_NAMES.map((name) => float64Data(metrics.values[name])),
  ]);
}
