/**
 * `fit-<metric>.arrow` (`lnsweep fit`, docs/formats.md#fit-file): one row per fitted parameter (schema FIT_SCHEMA in
 * schemas.ts), the fit's run count, R², intercept, resamples, seed and filter in the schema metadata beside the
 * provenance. pandas drops schema metadata: `pyarrow.feather.read_table(path).schema.metadata` keeps it.
 */
import { Schema, Table } from 'apache-arrow';
import { writeArrowFileAtomic } from './arrow-file.js';
import { batchOf, dataFromValues } from './arrow-columns.js';
import { provenanceMetadata } from './provenance.js';
import { FIT_SCHEMA } from './schemas.js';

interface FitFileRow {
  param: string;
  exponent: number;
  ci_lo: number;
  ci_hi: number;
  /** the theory's exponent for this parameter, null where the paper gives none */
  theory_exponent: number | null;
}

export interface FitFile {
  rows: readonly FitFileRow[];
  /** written as `lnsweep.<key>`: metric, n_runs, r2, intercept, resamples, seed, where, excluded counts */
  meta: Record<string, string>;
  provenance: Record<string, string>;
}

export function writeFitFile(path: string, f: FitFile): void {
  const schema = new Schema(FIT_SCHEMA.fields, provenanceMetadata(f.provenance, f.meta));
  const columns = FIT_SCHEMA.fields.map((field) =>
    dataFromValues(
      field.type,
      f.rows.map((r) => r[field.name as keyof FitFileRow]),
    ),
  );
  writeArrowFileAtomic(path, new Table(schema, [batchOf(schema, columns)]));
}
