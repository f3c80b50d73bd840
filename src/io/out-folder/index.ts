/**
 * The output folder (docs/formats.md, "Output folder"): every name in it (paths.ts), what it holds (scan.ts), its
 * summary rows rebuilt from disk (summary-rows.ts), its lock (lock.ts), and `status` and `merge` (merge.ts).
 */
export * from './paths.js';
export { checkRun, checkedRuns, clearResults, readPlan, refuseForeignFolder, removeStaleTemps, scanOutDir, type CheckedRun, type OutDirScan } from './scan.js';
export { readOutDir, rowFromOutcome, rowFromRunFile, summaryRows } from './summary-rows.js';
export { lockFolder, type FolderLock } from './lock.js';
export { mergeOutDir, sweepStatus, type MergeReport, type StatusCounts } from './merge.js';
