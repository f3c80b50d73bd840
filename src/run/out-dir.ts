/**
 * What an output folder already holds, checked before a sweep (re)starts: which planned runs have a sound run file,
 * which files are corrupt or truncated (a full disk, a kill by another tool mid-write), and which temp files a kill
 * left behind. Finished runs are recognised by id, never by position, so an edited sweep keeps them.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isOrphanedTemp, isTempName, verifyArrowFile } from '../io/index.js';
import type { Plan } from '../sweep/plan.js';
import { neuronsFilePath, planPath, runFilePath, runIdOfFile, runsDir } from './layout.js';

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
    const check = await verifyArrowFile(join(dir, name));
    if (check.ok) {
      scan.finished.add(runId);
    } else {
      scan.corrupt.push({ runId, reason: check.reason });
      if (opts.repair) {
        rmSync(runFilePath(outDir, runId), { force: true });
        rmSync(neuronsFilePath(outDir, runId), { force: true });
      }
    }
  }
  return scan;
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
  // Valid JSON of another shape (`null`, `{"runs": 5}`) would fail later as a TypeError deep in status or merge.
  const p = plan as Partial<Plan> | null;
  const runsOk = Array.isArray(p?.runs) && p.runs.every((r) => typeof r?.run_id === 'string' && typeof r.params === 'object' && r.params !== null);
  if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || !runsOk) {
    throw new OutDirError(`${path}: not an lnsweep plan (expected an object with a name and a list of runs); rerun \`lnsweep run SWEEP --out ${outDir}\` to write it again`);
  }
  return p as Plan;
}

/** An output folder that is not one, or is missing: bad input (exit status 2). */
export class OutDirError extends Error {
  override name = 'OutDirError';
  constructor(message: string, options?: ErrorOptions) {
    super(`[run] ${message}`, options);
  }
}
