/**
 * Where each file of a sweep lives inside its output folder (SPEC §6). One place, so that writers, the resume
 * scan, `status` and `merge` agree.
 */
import { join } from 'node:path';

export const RUNS_DIR = 'runs';
export const RUN_FILE_SUFFIX = '.arrow';
export const NEURONS_FILE_SUFFIX = '.neurons.arrow';

export const runsDir = (outDir: string): string => join(outDir, RUNS_DIR);
export const runFilePath = (outDir: string, runId: string): string => join(outDir, RUNS_DIR, runId + RUN_FILE_SUFFIX);
export const neuronsFilePath = (outDir: string, runId: string): string =>
  join(outDir, RUNS_DIR, runId + NEURONS_FILE_SUFFIX);
export const planPath = (outDir: string): string => join(outDir, 'plan.json');
export const summaryPath = (outDir: string): string => join(outDir, 'summary.arrow');
export const metricsPath = (outDir: string): string => join(outDir, 'metrics.arrow');
export const journalPath = (outDir: string): string => join(outDir, 'journal.jsonl');

/** `runs/<id>.arrow` → `<id>`; null for neurons files, temp files and strangers. */
export function runIdOfFile(fileName: string): string | null {
  if (!fileName.endsWith(RUN_FILE_SUFFIX) || fileName.endsWith(NEURONS_FILE_SUFFIX)) return null;
  if (fileName.startsWith('.')) return null;
  return fileName.slice(0, -RUN_FILE_SUFFIX.length);
}
