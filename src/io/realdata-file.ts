/**
 * `runs/<run_id>.realdata.arrow`: a realdata run's network-beside-linearised-model columns (src/engines/realdata), one
 * row per logged step. A file of its own rather than extra columns in the run file, so that every run file keeps
 * exactly the schema of docs/formats.md#run-file whatever the experiment. Written before the run file (which marks the
 * run finished), through the same atomic writer; one batch.
 *
 *   columns   run_id (Utf8), step (Int64), then REALDATA_METRICS (Float64), in that order
 *   metadata  lnsweep.run_id and the provenance (provenanceMetadata), as in the neurons file
 */
import { Field, Float64, Int64, Schema, Table, Utf8 } from 'apache-arrow';
import { REALDATA_METRICS, type RealDataColumns } from '../engines/realdata/columns.js';
import { readArrowFile, writeArrowAtomic, writeArrowTable, type ArrowWrite } from './arrow-file.js';
import { batchOf, float64Data, int64DataFromFloat64, repeatedUtf8 } from './arrow-columns.js';
import { ArrowFileError, describeCause } from './errors.js';
import { float64Column, int64ColumnAsFloat64 } from './run-file.js';
import { provenanceMetadata } from './provenance.js';

export type { RealDataColumns };

const REALDATA_SCHEMA = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('step', new Int64(), false),
  ...REALDATA_METRICS.map((name) => new Field(name, new Float64(), false)),
]);

export interface RealDataFileInput {
  runId: string;
  columns: RealDataColumns;
  provenance: Record<string, string>;
}

/** Throws ArrowFileError. */
export function writeRealDataFile(path: string, input: RealDataFileInput, write: ArrowWrite = writeArrowAtomic): void {
  const { columns: c } = input;
  let batch;
  try {
    const meta = provenanceMetadata(input.provenance, { run_id: input.runId });
    batch = batchOf(new Schema(REALDATA_SCHEMA.fields, meta), [
      repeatedUtf8(input.runId, c.rows),
      int64DataFromFloat64(c.step),
      ...REALDATA_METRICS.map((name) => float64Data(c.values[name])),
    ]);
  } catch (cause) {
    throw new ArrowFileError(path, describeCause(cause), { cause });
  }
  writeArrowTable(path, new Table(batch.schema, [batch]), write);
}

/** The inverse of writeRealDataFile. Throws ArrowFileError. */
export function readRealDataFile(path: string): { runId: string; columns: RealDataColumns } {
  const table = readArrowFile(path);
  const runId = table.schema.metadata.get('lnsweep.run_id');
  if (runId === undefined) throw new ArrowFileError(path, "not a realdata file: no 'lnsweep.run_id' metadata");
  const values = {} as RealDataColumns['values'];
  for (const name of REALDATA_METRICS) values[name] = float64Column(path, table, name);
  return { runId, columns: { rows: table.numRows, step: int64ColumnAsFloat64(path, table, 'step'), values } };
}
