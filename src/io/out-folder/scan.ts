/**
 * What an output folder already holds, checked before a sweep (re)starts and by `status`, `merge` and the analysis
 * commands: which planned runs have sound files, which files are corrupt or truncated (a full disk, a kill by another
 * tool mid-write), and which temp files a kill left behind. Finished runs are recognised by id, never by position,
 * so an edited sweep keeps them. Each run file is read once: a check hands on what it read (checkedRuns).
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, isRunId } from '../../sweep/ids.js';
import { readPlanJson } from '../../sweep/plan-json.js';
import type { Plan, PlannedRun } from '../../sweep/plan.js';
import { readArrowFile } from '../arrow-file.js';
import { describeCause, OutDirError } from '../errors.js';
import { readRunFile, type RunFileContents } from '../run-file.js';
import {
  isOrphanedTemp,
  isTempName,
  kindOfName,
  neuronsFilePath,
  planPath,
  realDataFilePath,
  RUNS_DIR,
  runFilePath,
  runIdOfFile,
  runsDir,
} from './paths.js';
import { listedSidecars, runStamp } from './stamps.js';

export interface OutDirScan {
  /** run ids with a sound `runs/<id>.arrow` */
  finished: Set<string>;
  /** planned runs whose file failed verification (and was removed when repairing) */
  corrupt: { runId: string; reason: string }[];
  /** run files present that the current plan does not contain (kept, untouched) */
  notInPlan: string[];
}

/** A planned run with a sound run file, the file as read while checking it, and its files' stamp (stamps.ts) before. */
interface CheckedRun {
  run: PlannedRun;
  file: RunFileContents;
  stamp: string;
}

/**
 * Checks every run file in runs/, in run-id order, recording the outcome in `scan`, and yields each planned run
 * whose files are sound together with its run file's contents, so a caller that needs them (merge, the summary rows)
 * reads nothing twice. With `repair`, a corrupt run's files are removed so the run is done again.
 */
export function* checkedRuns(
  outDir: string,
  planned: ReadonlyMap<string, PlannedRun>,
  scan: OutDirScan,
  opts: { repair: boolean },
): Generator<CheckedRun> {
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return;
  const names = readdirSync(dir);
  const listed = listedSidecars(names);
  const ids = names
    .map(runIdOfFile)
    .filter((id): id is string => id !== null)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const runId of ids) {
    const run = planned.get(runId);
    if (!run) {
      scan.notInPlan.push(runId);
      continue;
    }
    const stamp = runStamp(outDir, runId, listed);
    const checked = checkRun(outDir, run);
    if (typeof checked !== 'string') {
      scan.finished.add(runId);
      yield { run, file: checked, stamp };
      continue;
    }
    scan.corrupt.push({ runId, reason: checked });
    if (opts.repair) {
      rmSync(runFilePath(outDir, runId), { force: true });
      rmSync(neuronsFilePath(outDir, runId), { force: true });
      rmSync(realDataFilePath(outDir, runId), { force: true });
    }
  }
}

export const emptyScan = (): OutDirScan => ({ finished: new Set(), corrupt: [], notInPlan: [] });

export function plannedById(plan: Plan): Map<string, PlannedRun> {
  const byId = new Map<string, PlannedRun>();
  for (const run of plan.runs) byId.set(run.run_id, run); // no [id, run] pair per run: a plan may hold a million
  return byId;
}

/**
 * A temp file this old cannot belong to a write still in progress (writes take well under a second); younger ones
 * are removed only when their writer is known dead (isOrphanedTemp), since another host's shard may be writing.
 */
const STALE_TEMP_AGE_MS = 10 * 60 * 1000;

/** Whether the file was last changed before `time`; false once it is gone (a shard renamed its temp file meanwhile). */
const olderThan = (path: string, time: number): boolean => (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < time;

/**
 * Removes the temp files of interrupted writes anywhere in the folder (runs/, the summaries, metrics.arrow, a report)
 * that no live process owns: the writer's pid is gone on this host, or the file is older than any write takes.
 * Returns the names left in runs/ ([] without one): the listing the folder's first look takes (read-out-dir.ts), so
 * that 20,000 names are not listed twice.
 */
export function removeStaleTemps(outDir: string): string[] {
  const now = Date.now();
  const runs = runsDir(outDir);
  let runNames: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // not a folder (yet): nothing to clean
    }
    const kept: string[] = [];
    // a path is made only for a folder or a temp file: join costs about a microsecond, and runs/ holds 20,000 names
    for (const e of entries) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (isTempName(e.name) && (isOrphanedTemp(e.name) || olderThan(join(dir, e.name), now - STALE_TEMP_AGE_MS))) {
        rmSync(join(dir, e.name), { force: true });
        continue;
      }
      kept.push(e.name);
    }
    if (dir === runs) runNames = kept;
  };
  walk(outDir);
  return runNames;
}

/** The results lnsweep wrote in `outDir` (run files and sidecars, summaries, journals, metrics, temps of ours). */
function ourResults(outDir: string): { ours: string[]; foreign: string[] } {
  const ours: string[] = [];
  const foreign: string[] = [];
  const sort = (dir: string, name: string, isOurs: boolean) => (isOurs ? ours : foreign).push(join(dir, name));
  for (const e of existsSync(outDir) ? readdirSync(outDir, { withFileTypes: true }) : []) {
    const kind = kindOfName(e.name);
    if (kind === 'kept') continue;
    if (e.isDirectory() && e.name === RUNS_DIR) {
      for (const name of readdirSync(runsDir(outDir))) sort(runsDir(outDir), name, kindOfName(name, true) === 'result');
    } else sort(outDir, e.name, e.isFile() && kind === 'result');
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
 * The planned run's file as read, or why its files cannot be trusted. The run file must read back whole and name the
 * run of its file name (in its metadata and its run_id column: a file copied under another run's name, as a botched
 * rsync leaves it, is as wrong as a truncated one); hold at least its step-0 row; and record the parameters and
 * replicate the plan gives that id (a run computed with other parameters, by a tampered queue job, is not this run).
 * Every sidecar the run writes must read back whole and name the run too: the neurons file when a snapshot step was
 * reached, the realdata file for `experiment: realdata`.
 */
export function checkRun(outDir: string, run: PlannedRun): RunFileContents | string {
  const runId = run.run_id;
  const path = runFilePath(outDir, runId);
  let file;
  try {
    file = readRunFile(path);
  } catch (error) {
    return describeCause(error);
  }
  if (file.runId !== runId) return `${path} holds run ${file.runId}, not ${runId}`;
  if (file.metrics.rows === 0) return `${path} has no metric rows (every run has at least its step-0 row)`;
  const differs = paramsDiffer(file, run);
  if (differs) return `${path} was computed with ${differs}; it is not run ${runId} of plan.json`;
  const stepsDone = Number(file.provenance.steps_done);
  const sidecars: string[] = [];
  if ((file.params.snapshot_steps ?? []).some((s) => s <= stepsDone)) sidecars.push(neuronsFilePath(outDir, runId));
  if (file.params.experiment === 'realdata') sidecars.push(realDataFilePath(outDir, runId));
  for (const sidecar of sidecars) {
    if (!existsSync(sidecar)) return `${sidecar} is missing`;
    let owner;
    try {
      // read whole (every batch checked), then the run id every file of a run carries in its schema metadata
      owner = readArrowFile(sidecar).schema.metadata.get('lnsweep.run_id');
    } catch (error) {
      return describeCause(error);
    }
    if (owner !== runId) return `${sidecar} holds run ${owner}, not ${runId}`;
  }
  return file;
}

/**
 * `sigma 2 where plan.json has 0.5`: the first way a run's parameters or replicate, as a file records them (a run file,
 * a summary row), differ from the plan's; null when alike.
 */
export function paramsDiffer(file: Pick<RunFileContents, 'params' | 'replicate'>, run: PlannedRun): string | null {
  if (file.replicate !== run.replicate) return `replicate ${file.replicate} where plan.json has ${run.replicate}`;
  if (sameValues(file.params, run.params) || canonicalJson(file.params) === canonicalJson(run.params)) return null;
  const got = (typeof file.params === 'object' && file.params !== null ? file.params : {}) as Record<string, unknown>;
  const want = run.params as unknown as Record<string, unknown>;
  const shown = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
  for (const k of [...new Set([...Object.keys(want), ...Object.keys(got)])].sort()) {
    const a = got[k];
    const b = want[k];
    if (JSON.stringify(a) !== JSON.stringify(b)) return `${k} ${shown(a)} where plan.json has ${shown(b)}`;
  }
  return 'other parameters than plan.json';
}

/**
 * Whether two parameter objects have the same keys and each the same value (===, arrays element by element): the
 * common case of paramsDiffer without serialising both, once per run of a large folder. False means "compare them
 * canonically" (a NaN, -0, a nested object), not "they differ".
 */
function sameValues(a: unknown, b: object): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(y);
  if (Object.keys(x).length !== keys.length) return false;
  for (const k of keys) {
    const u = x[k];
    const v = y[k];
    if (u === v && (u !== undefined || k in x)) continue;
    if (!Array.isArray(u) || !Array.isArray(v) || u.length !== v.length || u.some((e, i) => e !== v[i])) return false;
  }
  return true;
}

/** The frozen plan of an output folder, as `run` wrote it. */
export function readPlan(outDir: string): Plan {
  const path = planPath(outDir);
  if (!existsSync(path)) throw new OutDirError(`${path}: no plan here; is ${outDir} the output folder of \`lnsweep run\`?`);
  let plan: unknown;
  try {
    plan = readPlanJson(path);
  } catch (err) {
    throw new OutDirError(`${path}: not a readable plan (${(err as Error).message})`, { cause: err });
  }
  const p = plan as Partial<Plan> | null;
  const sound =
    typeof p === 'object' &&
    p !== null &&
    typeof p.name === 'string' &&
    typeof p.seed === 'number' &&
    Array.isArray(p.runs) &&
    p.runs.every((r) => typeof r === 'object' && r !== null && typeof r.run_id === 'string' && typeof r.params === 'object');
  const again = `delete it and rerun \`lnsweep run SWEEP --out ${outDir}\` to write it again (finished runs are kept)`;
  if (!sound) throw new OutDirError(`${path}: not a plan lnsweep wrote (it needs name, seed and runs with run_id and params); ${again}`);
  // ids become file names (runs/<id>.arrow): one of another form is refused before any path is built from it
  const bad = p.runs!.findIndex((r) => !isRunId(r.run_id));
  if (bad >= 0) {
    throw new OutDirError(
      `${path}: runs[${bad}].run_id ${JSON.stringify(p.runs![bad].run_id)} is not a run id (16 lowercase hex characters); ${again}`,
    );
  }
  return plan as Plan;
}
