/**
 * The I/O layer's public API: the output folder (out-folder/), its Arrow files (docs/formats.md), the journal,
 * provenance and atomic writes. Other layers import from here only.
 */
export { ArrowFileError, FileError, JournalError, OutDirError, OutputFileError } from './errors.js';
export * from './out-folder/index.js';
export {
  readArrowFile,
  verifyArrowFile,
  writeArrowFileAtomic,
  writeArrowFileStreamAtomic,
  type VerifyResult,
} from './arrow-file.js';
export {
  FINAL_COLUMNS,
  EVENT_STEP_COLUMNS,
  MERGED_METRICS_SCHEMA,
  NEURONS_SCHEMA,
  PARAM_FIELDS,
  RUN_METRICS_SCHEMA,
  SUMMARY_STATUSES,
  arrowTypeForParam,
  canonicalJson,
  summarySchema,
  type SummaryStatus,
} from './schemas.js';
export {
  readRunFile,
  writeNeuronsFile,
  writeRunFile,
  type NeuronsFileInput,
  type RunFileContents,
  type RunFileInput,
} from './run-file.js';
export { readSummary, summaryTable, writeSummary, type SummaryRow } from './summary.js';
export {
  openJournal,
  readJournal,
  type Journal,
  type JournalEvent,
  type JournalInput,
  type ReadJournalResult,
} from './journal.js';
export { collectProvenance } from './provenance.js';
export {
  removeLiveTemps,
  writeBytesAtomic,
  writeFileAtomic,
  writeFileAtomicAsync,
  writeJsonAtomic,
} from './atomic.js';
export { writeMetricsFile, type MetricsRun } from './metrics-file.js';
export {
  readBoundaryFile,
  writeBoundaryFile,
  type BoundaryCurve,
  type BoundaryFile,
} from './boundary-file.js';
