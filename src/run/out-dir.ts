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
import { neuronsFilePath, planPath, realDataFilePath, RUNS_DIR, runFilePath, runIdOfFile, runsDir } from './layout.js';

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
  if (opts.repair) scan.staleTemps = removeStaleTemps(outDir);
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return scan;
  for (const name of readdirSync(dir).sort()) {
    if (isTempName(name)) continue;
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
 * Removes the temp files of interrupted writes anywhere in the folder (runs/, the summaries, metrics.arrow, a report)
 * that no live process owns: the writer's pid is gone on this host, or the file is older than any write takes.
 * Returns how many it removed.
 */
export function removeStaleTemps(outDir: string): number {
  let removed = 0;
  const now = Date.now();
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // not a folder (yet): nothing to clean
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (isTempName(e.name) && (isOrphanedTemp(e.name) || now - statSync(path).mtimeMs > STALE_TEMP_AGE_MS)) {
        rmSync(path, { force: true });
        removed++;
      }
    }
  };
  walk(outDir);
  return removed;
}

/**
 * The files lnsweep writes, by name, relative to the output folder: what `run --fresh` may delete. Anything else
 * (a user's notes, a report they edited, another tool's files) is never touched.
 */
const OUR_TOP_FILES = /^(summary(\.[^/]+)?\.arrow|journal(\.[^/]+)?\.jsonl|metrics\.arrow|(summary|metrics)\.parquet)$/;
const LOCK_FILE = /^lnsweep(\.[^/]+)?\.lock$/;
const OUR_RUN_FILES = /^[0-9a-f]{16}(\.neurons|\.realdata)?\.arrow$/;

/** The results lnsweep wrote in `outDir` (run files and sidecars, summaries, journals, metrics, temps of ours). */
function ourResults(outDir: string): { ours: string[]; foreign: string[] } {
  const ours: string[] = [];
  const foreign: string[] = [];
  const sort = (dir: string, name: string, isOurs: boolean) => (isOurs ? ours : foreign).push(join(dir, name));
  for (const e of existsSync(outDir) ? readdirSync(outDir, { withFileTypes: true }) : []) {
    if (e.name === 'plan.json' || e.name === 'queue.json' || LOCK_FILE.test(e.name)) continue;
    if (e.isDirectory() && e.name === RUNS_DIR) {
      for (const name of readdirSync(runsDir(outDir))) sort(runsDir(outDir), name, OUR_RUN_FILES.test(name) || isTempName(name));
    } else sort(outDir, e.name, e.isFile() && (OUR_TOP_FILES.test(e.name) || isTempName(e.name)));
  }
  return { ours, foreign };
}

/**
 * `--fresh`: deletes every result lnsweep wrote in the folder and nothing else; keeps plan.json and queue.json. A
 * folder without plan.json that holds anything lnsweep did not write is refused (OutDirError): it is most likely
 * not an output folder at all, and `--out` was mistyped.
 */
export function clearResults(outDir: string): void {
  refuseForeignFolder(outDir);
  for (const path of ourResults(outDir).ours) rmSync(path, { force: true });
  // runs/ goes too when only our files were in it, so a fresh folder looks like a new one
  if (existsSync(runsDir(outDir)) && readdirSync(runsDir(outDir)).length === 0) rmSync(runsDir(outDir), { recursive: true });
}

/** Throws OutDirError when `outDir` has no plan.json yet holds files lnsweep did not write (see clearResults). */
export function refuseForeignFolder(outDir: string): void {
  const { foreign } = ourResults(outDir);
  if (foreign.length > 0 && !existsSync(planPath(outDir))) {
    throw new OutDirError(
      `--fresh: ${outDir} holds no plan.json but holds ${foreign.length} file(s) lnsweep did not write ` +
        `(${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); nothing was deleted. ` +
        `Give --out a new folder or an lnsweep output folder`,
    );
  }
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
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new OutDirError(`${path}: not a readable plan (${(err as Error).message})`, { cause: err });
  }
  const p = plan as Partial<Plan> | null;
  const sound =
    typeof p === 'object' && p !== null && typeof p.name === 'string' && typeof p.seed === 'number' && Array.isArray(p.runs) &&
    p.runs.every((r) => typeof r === 'object' && r !== null && typeof r.run_id === 'string' && typeof r.params === 'object');
  if (!sound) throw new OutDirError(`${path}: not a plan lnsweep wrote (it needs name, seed and runs with run_id and params); rerun \`lnsweep run SWEEP --out ${outDir}\` to write it again`);
  return plan as Plan;
}

/** An output folder that is not one, or is missing: bad input (exit status 2). */
export class OutDirError extends Error {
  override name = 'OutDirError';
  constructor(message: string, options?: ErrorOptions) {
    super(`[run] ${message}`, options);
  }
}
