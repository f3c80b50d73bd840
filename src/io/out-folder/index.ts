/**
 * The output folder (docs/formats.md, "Output folder"): every name in it (paths.ts), what it holds (scan.ts), its
 * summary rows rebuilt from disk (summary-rows.ts), its lock (lock.ts), and `status` and `merge` (merge.ts).
 */
export {
  boundaryPath,
  boundaryPaths,
  comparePath,
  fitPath,
  isOrphanedTemp,
  isTempName,
  journalPath,
  journalPaths,
  metricsPath,
  neuronsFilePath,
  partJournalPath,
  partSummaryPath,
  phasePath,
  planPath,
  queueFilePath,
  realDataFilePath,
  reportPath,
  runFilePath,
  runsDir,
  summaryPath,
  tempPathFor,
} from './paths.js';
export { clearResults, readPlan, refuseForeignFolder } from './scan.js';
export { readOutDir, scanOutDir } from './read-out-dir.js';
export { runStamp } from './stamps.js';
export { foreignSummaryRow, rowFromOutcome } from './summary-rows.js';
export { lockFolder } from './lock.js';
export { planFileHolds, writePlanFile } from './plan-file.js';
export { LiveFolder, type LiveStatus } from './live.js';
export type { ProblemGroup } from './problems.js';
export { mergeOutDir, sweepStatus } from './merge.js';
