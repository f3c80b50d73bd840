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
} from './arrow-file.js';
export { EVENT_STEP_COLUMNS, MERGED_METRICS_SCHEMA } from './schemas.js';
export { readRunFile, writeNeuronsFile, writeRunFile } from './run-file.js';
export { readSummary, writeSummary, type SummaryRow } from './summary.js';
export { JOURNAL_FILE, openJournal, readJournal } from './journal.js';
export { collectProvenance } from './provenance.js';
export {
  isOrphanedTemp,
  isTempName,
  tempPathFor,
  writeFileAtomic,
  writeJsonAtomic,
} from './atomic.js';
export { mergeRuns } from './merge.js';
export {
  boundaryFileName,
  readBoundaryFile,
  writeBoundaryFile,
  type BoundaryCurve,
  type BoundaryFile,
} from './boundary-file.js';
