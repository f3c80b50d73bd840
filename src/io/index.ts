/**
 * The I/O layer's public API: Arrow files (docs/formats.md), the journal, provenance and merge. Other layers import
 * from here only.
 */
export { ArrowFileError } from './errors.js';
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
  JOURNAL_FILE,
  openJournal,
  readJournal,
  type Journal,
  type JournalEvent,
  type JournalInput,
  type ReadJournalResult,
} from './journal.js';
export { collectProvenance } from './provenance.js';
export {
  isOrphanedTemp,
  isTempName,
  tempPathFor,
  writeBytesAtomic,
  writeFileAtomic,
  writeFileAtomicAsync,
  writeJsonAtomic,
} from './atomic.js';
export { MERGED_FILE, mergeRuns, type MergeInput, type MergeResult } from './merge.js';
export {
  boundaryFileName,
  readBoundaryFile,
  writeBoundaryFile,
  type BoundaryCurve,
  type BoundaryFile,
} from './boundary-file.js';
