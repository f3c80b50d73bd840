/**
 * What an output folder already holds, checked before a sweep (re)starts: which planned runs have a sound run file,
 * which files are corrupt or truncated (a full disk, a kill by another tool mid-write), and which temp files a kill
 * left behind. Finished runs are recognised by id, never by position, so an edited sweep keeps them.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeCause } from '../io/errors.js';
import { isOrphanedTemp, isTempName, readArrowFile, readRunFile, verifyArrowFile } from '../io/index.js';
import type { Plan } from '../sweep/plan.js';
import { neuronsFilePath, planPath, realDataFilePath, runFilePath, runIdOfFile, runsDir } from './layout.js';

export interface OutDirScan {
  /** run ids with a sound `runs/<id>.arrow` */
  finished: Set<string>;
  /** planned runs whose file failed verification (and was removed when repairing) */
  corrupt: { runId: string; reason: string }[];
  /** run files present that the current plan does not contain (kept, untouched) */
  notInPlan: string[];
  /** temp files of interrupted writes that were removed */
  staleTemps: number;
}

/**
 * A temp file this old cannot belong to a write still in progress (writes take well under a second); younger ones
 * are removed only when their writer is known dead (isOrphanedTemp), since another host's shard may be writing.
 */
const STALE_TEMP_AGE_MS = 10 * 60 * 1000;

export async function scanOutDir(
  outDir: string,
  plannedIds: ReadonlySet<string>,
  opts: { repair: boolean },
): Promise<OutDirScan> {
  const scan: OutDirScan = { finished: new Set(), corrupt: [], notInPlan: [], staleTemps: 0 };
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return scan;
  const now = Date.now();
  for (const name of readdirSync(dir).sort()) {
    if (isTempName(name)) {
      const path = join(dir, name);
      if (opts.repair && (isOrphanedTemp(name) || now - statSync(path).mtimeMs > STALE_TEMP_AGE_MS)) {
        rmSync(path, { force: true });
        scan.staleTemps++;
      }
      continue;
    }
    const runId = runIdOfFile(name);
    if (runId === null) continue;
    if (!plannedIds.has(runId)) {
      scan.notInPlan.push(runId);
      continue;
    }
    const problem = verifyRun(outDir, runId);
    if (problem === null) {
      scan.finished.add(runId);
    } else {
      scan.corrupt.push({ runId, reason: problem });
      if (opts.repair) {
        rmSync(runFilePath(outDir, runId), { force: true });
        rmSync(neuronsFilePath(outDir, runId), { force: true });
        rmSync(realDataFilePath(outDir, runId), { force: true });
      }
    }
  }
  return scan;
}

/**
 * Why run `runId`'s files cannot be trusted, or null when they can. The run file must read back whole and name the
 * run of its file name (in its metadata and its run_id column: a file copied under another run's name, as a botched
 * rsync leaves it, is as wrong as a truncated one); and every sidecar the run writes must read back whole and name
 * the run too: the neurons file when a snapshot step was reached, the realdata file for `experiment: realdata`.
 */
export function verifyRun(outDir: string, runId: string): string | null {
  const path = runFilePath(outDir, runId);
  let file;
  try {
    file = readRunFile(path);
  } catch (error) {
    return describeCause(error);
  }
  if (file.runId !== runId) return `${path} holds run ${file.runId}, not ${runId}`;
  const stepsDone = Number(file.provenance.steps_done);
  const sidecars: string[] = [];
  if ((file.params.snapshot_steps ?? []).some((s) => s <= stepsDone)) sidecars.push(neuronsFilePath(outDir, runId));
  if (file.params.experiment === 'realdata') sidecars.push(realDataFilePath(outDir, runId));
  for (const sidecar of sidecars) {
    if (!existsSync(sidecar)) return `${sidecar} is missing`;
    const check = verifyArrowFile(sidecar);
    if (!check.ok) return check.reason;
    const owner = runIdInFile(sidecar);
    if (owner !== runId) return `${sidecar} holds run ${owner}, not ${runId}`;
  }
  return null;
}

/** The run id a run's file records in its schema metadata (every file of a run carries it). */
function runIdInFile(path: string): string | undefined {
  return readArrowFile(path).schema.metadata.get('lnsweep.run_id');
}

/** The frozen plan of an output folder, as `run` wrote it. */
export function readPlan(outDir: string): Plan {
  const path = planPath(outDir);
  if (!existsSync(path)) throw new OutDirError(`${path}: no plan here; is ${outDir} the output folder of \`lnsweep run\`?`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (err) {
    throw new OutDirError(`${path}: not a readable plan (${(err as Error).message})`, { cause: err });
  }
}

/** An output folder that is not one, or is missing: bad input (exit status 2). */
export class OutDirError extends Error {
  override name = 'OutDirError';
  constructor(message: string, options?: ErrorOptions) {
    super(`[run] ${message}`, options);
  }
}
