/**
 * Where each file of a sweep lives inside its output folder (docs/formats.md#output-folder). One place, so that
 * writers, the resume scan, `status` and `merge` agree.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const RUNS_DIR = 'runs';
export const RUN_FILE_SUFFIX = '.arrow';
export const NEURONS_FILE_SUFFIX = '.neurons.arrow';
/** experiment realdata: the network's and its linearised model's columns (src/io/realdata-file.ts) */
export const REALDATA_FILE_SUFFIX = '.realdata.arrow';

export const runsDir = (outDir: string): string => join(outDir, RUNS_DIR);
export const runFilePath = (outDir: string, runId: string): string => join(outDir, RUNS_DIR, runId + RUN_FILE_SUFFIX);
export const neuronsFilePath = (outDir: string, runId: string): string =>
  join(outDir, RUNS_DIR, runId + NEURONS_FILE_SUFFIX);
export const realDataFilePath = (outDir: string, runId: string): string =>
  join(outDir, RUNS_DIR, runId + REALDATA_FILE_SUFFIX);
export const planPath = (outDir: string): string => join(outDir, 'plan.json');
export const summaryPath = (outDir: string): string => join(outDir, 'summary.arrow');
export const metricsPath = (outDir: string): string => join(outDir, 'metrics.arrow');
export const journalPath = (outDir: string): string => join(outDir, 'journal.jsonl');

/**
 * Processes that share one folder at the same time (shards of a Slurm array or a Kubernetes Indexed Job, queue
 * workers) each write a journal and a summary of their own, named by their part (`shard-2-of-8`,
 * `worker-node17-4242`): `journal.<part>.jsonl`, `summary.<part>.arrow`. One writer per file needs no lock, which
 * NFS makes unreliable (O_APPEND is not atomic across NFS clients, and a lock held by a dead node must time out);
 * `status` and `merge` read every journal, and `merge` folds everything into `summary.arrow`.
 */
export const partJournalPath = (outDir: string, part: string): string => join(outDir, `journal.${part}.jsonl`);
export const partSummaryPath = (outDir: string, part: string): string => join(outDir, `summary.${part}.arrow`);

/** Every journal in the folder: `journal.jsonl` and the parts' journals, in name order. */
export function journalPaths(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((f) => f === 'journal.jsonl' || /^journal\.[^/]+\.jsonl$/.test(f))
    .sort()
    .map((f) => join(outDir, f));
}

/** The parts' summaries (`summary.<part>.arrow`): deleted with the rest by `run --fresh`. */
export function partSummaryPaths(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((f) => /^summary\.[^/]+\.arrow$/.test(f))
    .sort()
    .map((f) => join(outDir, f));
}

/** `runs/<id>.arrow` → `<id>`; null for neurons and realdata files, temp files and strangers. */
export function runIdOfFile(fileName: string): string | null {
  if (!fileName.endsWith(RUN_FILE_SUFFIX) || fileName.endsWith(NEURONS_FILE_SUFFIX) || fileName.endsWith(REALDATA_FILE_SUFFIX)) return null;
  if (fileName.startsWith('.')) return null;
  return fileName.slice(0, -RUN_FILE_SUFFIX.length);
}

/** The boundary files `lnsweep refine` wrote (`boundary-<metric>.arrow`), in name order. */
export function boundaryPaths(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((f) => /^boundary-[^/]+\.arrow$/.test(f))
    .sort()
    .map((f) => join(outDir, f));
}
