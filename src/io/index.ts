/**
 * The I/O layer's public API: the output folder (out-folder/), its Arrow files (docs/formats.md), the journal,
 * provenance and atomic writes. Other layers import from here only.
 */
export { ArrowFileError, FileError, JournalError, OutDirError, OutputFileError } from './errors.js';
export * from './out-folder/index.js';
export { commitArrowFiles, readArrowFile, verifyArrowFile, writeArrowFileAside, writeArrowFileAtomic, type ArrowWrite } from './arrow-file.js';
export { EVENT_STEP_COLUMNS, MERGED_METRICS_SCHEMA } from './schemas.js';
export { readRunFile, writeNeuronsFile, writeRunFile } from './run-file.js';
export { readSummary, readSummaryVerified, writeSummary, type SummaryRow } from './summary.js';
export { rowOf, type RowSource } from './summary-table.js';
export { isMarkerColumn, zValue } from './summary-value.js';
export { openJournal, readJournal } from './journal.js';
export { collectProvenance, provenanceSoon } from './provenance.js';
export { checkOutFile, discardAside, removeLiveTemps, writeFileAtomic, writeJsonAtomic, type PendingWrite } from './atomic.js';
export { readSmallJsonFile } from './json-file.js';
export { writeMetricsFile } from './metrics-file.js';
export { readBoundaryFile, writeBoundaryFile, type BoundaryFile } from './boundary-file.js';
export { writeFitFile } from './fit-file.js';
