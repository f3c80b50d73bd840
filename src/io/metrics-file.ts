/**
 * `metrics.arrow` (docs/formats.md, "Metrics file"): every run's metric rows with its parameter columns, so that one
 * line of pandas or DuckDB answers a question across the sweep. Streamed: runs come one at a time (in the order
 * given; `merge` gives them in run_id order), and each becomes one record batch of MERGED_METRICS_SCHEMA with its
 * parameters repeated per row, so memory stays bounded by one run. Which runs go in is the caller's choice
 * (src/io/out-folder/merge.ts takes the runs whose files are sound).
 */
import { statSync } from 'node:fs';
import { RecordBatch, Schema, type DataType } from 'apache-arrow';
import { PARAM_KEYS } from '../core/params.js';
import { METRIC_NAMES, type MetricColumns, type RunParams } from '../core/types.js';
import { readArrowFile, writeArrowFileStreamAtomic } from './arrow-file.js';
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

/** A run's batch as an earlier metrics.arrow holds it (readMetricsVerified), written again as it is. */
export interface KeptBatch {
  runId: string;
  batch: RecordBatch;
}

/** The schema metadata key of the verified stamps (docs/formats.md, "Verified stamps"), as in the summary. */
const VERIFIED_KEY = 'verified';

/**
 * Writes `path` (an output folder's metrics.arrow) from `runs`, with `stamps` (run id → stamp of the files its rows
 * were read from, src/io/out-folder/stamps.ts) in its metadata. Rejects with ArrowFileError if it cannot write.
 */
export async function writeMetricsFile(
  path: string,
  runs: Iterable<MetricsRun | KeptBatch>,
  provenance: Record<string, string>,
  stamps: ReadonlyMap<string, string> = new Map(),
): Promise<{ rows: number; runs: number }> {
  let merged = 0;
  // the stamps are known before the first batch (the schema, metadata included, is written first): those of runs
  // not written after all are dropped by the reader, which only believes a stamp beside its run's batch
  const verified = Object.fromEntries([...stamps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const own: Record<string, string> = stamps.size > 0 ? { [VERIFIED_KEY]: JSON.stringify(verified) } : {};
  const schema = new Schema(MERGED_METRICS_SCHEMA.fields, provenanceMetadata(provenance, own));

  function* batches(): Generator<RecordBatch> {
    for (const run of runs) {
      merged += 1;
      yield 'batch' in run ? new RecordBatch(schema, run.batch.data) : runBatch(schema, run);
    }
  }

  const written = await writeArrowFileStreamAtomic(path, schema, batches());
  return { rows: written.rows, runs: merged };
}

/** Above this size an earlier metrics.arrow is not read back whole to reuse its batches: merge reads run files. */
const REUSE_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * An earlier metrics.arrow's batches by run id, with the stamps of the run files each was read from; null when there is
 * none, it is larger than REUSE_LIMIT_BYTES, does not read back whole, or has another schema (an older version).
 */
export function readMetricsVerified(path: string): { batches: Map<string, RecordBatch>; stamps: Map<string, string> } | null {
  try {
    if (statSync(path).size > REUSE_LIMIT_BYTES) return null;
    const table = readArrowFile(path);
    const want = MERGED_METRICS_SCHEMA.fields;
    const got = table.schema.fields;
    if (got.length !== want.length || got.some((f, i) => f.name !== want[i].name || String(f.type) !== String(want[i].type))) return null;
    const raw = JSON.parse(table.schema.metadata.get(`lnsweep.${VERIFIED_KEY}`) ?? '{}') as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
    const batches = new Map<string, RecordBatch>();
    for (const batch of table.batches) {
      const id = batch.numRows > 0 ? (batch.getChild('run_id')?.get(0) as unknown) : null;
      // one batch per run (a second one for an id, or one of no rows, is not a batch this module wrote)
      if (typeof id !== 'string' || batches.has(id)) return null;
      batches.set(id, batch);
    }
    const stamps = new Map<string, string>();
    for (const [id, stamp] of Object.entries(raw)) if (typeof stamp === 'string' && batches.has(id)) stamps.set(id, stamp);
    return { batches, stamps };
  } catch {
    return null; // none yet, or damaged: the run files are read
  }
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
