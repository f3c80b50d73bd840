/**
 * Every name in an output folder (docs/formats.md, "Output folder"): where each file lives, which names are
 * lnsweep's own, and the temporary names writes go through. The only place that knows them, so that the writers, the
 * scan on start, `status`, `merge`, `run --fresh` and the analysis commands agree.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { isRunId } from '../../sweep/ids.js';
import { OutDirError } from '../errors.js';

export const RUNS_DIR = 'runs';
const RUN_FILE_SUFFIX = '.arrow';
const NEURONS_FILE_SUFFIX = '.neurons.arrow';
/** experiment realdata: the network's and its linearised model's columns (src/io/realdata-file.ts) */
const REALDATA_FILE_SUFFIX = '.realdata.arrow';

export const runsDir = (outDir: string): string => join(outDir, RUNS_DIR);

/**
 * `runs/<runId><suffix>`, only for an id of the exact form (isRunId): ids come from plan.json, journals and queue
 * jobs, which anyone who can write the folder or the Redis server can edit, and `../../x` must never become a path.
 * Checked here, in the one place run paths are made, so that no caller can forget.
 */
function runPath(outDir: string, runId: string, suffix: string): string {
  if (!isRunId(runId)) {
    throw new OutDirError(`run id ${JSON.stringify(runId)} is not one (16 lowercase hex characters); no file is read or written for it`);
  }
  // join(outDir, RUNS_DIR, name) for a name with no separator or dot segment, the folder's part joined once: a folder
  // command makes a path per run file (its stamp), 20,000 of them
  if (outDir !== lastRunsDir.outDir) lastRunsDir = { outDir, prefix: join(outDir, RUNS_DIR) + sep };
  return lastRunsDir.prefix + runId + suffix;
}

let lastRunsDir = { outDir: '', prefix: join('', RUNS_DIR) + sep };

export const runFilePath = (outDir: string, runId: string): string => runPath(outDir, runId, RUN_FILE_SUFFIX);
export const neuronsFilePath = (outDir: string, runId: string): string => runPath(outDir, runId, NEURONS_FILE_SUFFIX);
export const realDataFilePath = (outDir: string, runId: string): string => runPath(outDir, runId, REALDATA_FILE_SUFFIX);
export const planPath = (outDir: string): string => join(outDir, 'plan.json');
/** The queue's name for the folder (`run --queue` writes it once; src/run/queue.ts). */
export const queueFilePath = (outDir: string): string => join(outDir, 'queue.json');
export const summaryPath = (outDir: string): string => join(outDir, 'summary.arrow');
export const metricsPath = (outDir: string): string => join(outDir, 'metrics.arrow');
export const journalPath = (outDir: string): string => join(outDir, 'journal.jsonl');
/** `boundary-<metric>.arrow`: the level curves `lnsweep refine` found for `metric`. */
export const boundaryPath = (outDir: string, metric: string): string => join(outDir, `boundary-${metric}.arrow`);
/** `fit-<metric>.arrow`: the scaling exponents `lnsweep fit` found for `metric` (the metric is a checked column name). */
export const fitPath = (outDir: string, metric: string): string => join(outDir, `fit-${metric}.arrow`);
/** `lnsweep report DIR`'s default output. */
export const reportPath = (outDir: string): string => join(outDir, 'report.html');
/** `lnsweep phase DIR`'s default output: `z` over `x` × `y`. */
export const phasePath = (outDir: string, z: string, x: string, y: string): string => join(outDir, `phase-${z}-${x}-${y}.svg`);
/** `lnsweep compare A B`'s default output, in B's folder: `z` over `x` × `y`, against the folder named `other` (A). */
export const comparePath = (outDir: string, z: string, x: string, y: string, other: string): string =>
  join(outDir, `compare-${z}-${x}-${y}-vs-${other}.svg`);
/** The `.parquet` copy `merge --parquet` writes beside an Arrow file. */
export const parquetPathFor = (arrowPath: string): string => arrowPath.replace(/\.arrow$/, '.parquet');

/**
 * Processes that share one folder at the same time (shards of a Slurm array or a Kubernetes Indexed Job, queue
 * workers) each write a journal and a summary of their own, named by their part (`shard-2-of-8`,
 * `worker-node17-4242`): `journal.<part>.jsonl`, `summary.<part>.arrow`. One writer per file needs no lock, which
 * NFS makes unreliable (O_APPEND is not atomic across NFS clients, and a lock held by a dead node must time out);
 * `status` and `merge` read every journal, and `merge` folds everything into `summary.arrow`.
 */
export const partJournalPath = (outDir: string, part: string): string => join(outDir, `journal.${part}.jsonl`);
export const partSummaryPath = (outDir: string, part: string): string => join(outDir, `summary.${part}.arrow`);

/**
 * One coordinator per part of a folder (the whole plan, or one shard) holds `lnsweep.lock` (`lnsweep.<part>.lock`
 * for a shard) while it runs (lock.ts).
 */
export const lockPath = (outDir: string, part?: string): string => join(outDir, part ? `lnsweep.${part}.lock` : 'lnsweep.lock');

/** Every lock file in the folder (lock.ts), in name order. */
export const lockPaths = (outDir: string): string[] => listed(outDir, (f) => LOCK_FILE.test(f));

/** The names in `outDir` that pass `test`, in name order, as paths; none when the folder is missing. */
function listed(outDir: string, test: (name: string) => boolean): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter(test)
    .sort()
    .map((f) => join(outDir, f));
}

/** Every journal in the folder: `journal.jsonl` and the parts' journals, in name order. */
export const journalPaths = (outDir: string): string[] => listed(outDir, (f) => f === 'journal.jsonl' || /^journal\.[^/]+\.jsonl$/.test(f));

/** Every summary in the folder: `summary.arrow` and the parts' summaries, in name order. */
export const summaryPaths = (outDir: string): string[] => listed(outDir, (f) => /^summary(\.[^/]+)?\.arrow$/.test(f));

/** The boundary files `lnsweep refine` wrote (`boundary-<metric>.arrow`), in name order. */
export const boundaryPaths = (outDir: string): string[] => listed(outDir, (f) => /^boundary-[^/]+\.arrow$/.test(f));

/** `<id>.arrow` (a name in runs/) → `<id>`; null for neurons and realdata files, temp files and any other name. */
export function runIdOfFile(fileName: string): string | null {
  if (!fileName.endsWith(RUN_FILE_SUFFIX)) return null;
  const id = fileName.slice(0, -RUN_FILE_SUFFIX.length);
  return isRunId(id) ? id : null;
}

/**
 * The files lnsweep writes, by name: what `run --fresh` may delete. Anything else (a user's notes, a report they
 * edited, another tool's files) is never touched. plan.json, queue.json and the locks are ours but kept.
 */
const RESULT_FILE =
  /^(summary(\.[^/]+)?\.arrow|journal(\.[^/]+)?\.jsonl|metrics\.arrow|(summary|metrics)\.parquet|boundary-[^/]+\.(arrow|parquet)|fit-[^/]+\.arrow)$/;
const LOCK_FILE = /^lnsweep(\.[^/]+)?\.lock$/;

/** `<id>.arrow`, `<id>.neurons.arrow`, `<id>.realdata.arrow`: the names a run's files take in runs/. */
function isRunFileName(name: string): boolean {
  const m = /^(.*?)(\.neurons|\.realdata)?\.arrow$/.exec(name);
  return m !== null && isRunId(m[1]);
}

/** How `run --fresh` treats a name at the top of the folder (`inRuns`: a name inside runs/). */
export function kindOfName(name: string, inRuns = false): 'result' | 'kept' | 'foreign' {
  if (isTempName(name)) return 'result';
  if (inRuns) return isRunFileName(name) ? 'result' : 'foreign';
  if (name === 'plan.json' || name === 'queue.json' || LOCK_FILE.test(name)) return 'kept';
  return RESULT_FILE.test(name) ? 'result' : 'foreign';
}

/**
 * Temporary names. Every output file appears only when complete: its bytes go to a temporary name in the same
 * folder that never matches `*.arrow` (a leading dot, a `.tmp-` infix) and is then renamed over the final name
 * (src/io/atomic.ts). The name records who writes it, `.<name>.tmp-<rand>-<pid>-<host>`, so that a later start on the
 * same host can tell a kill's leftovers (that pid is gone) from a write in progress by a concurrent shard.
 */
const TEMP_NAME = /^\..+\.tmp-[0-9a-f]{8}-(\d+)-(.+)$/;

/**
 * The temporary name a write of `path` goes through: same folder (so rename is atomic), not ending in `.arrow`. The
 * random part is a v4 UUID's first 8 hex digits (32 random bits), drawn from Node's pooled entropy: randomBytes(4)
 * asked the system for entropy on every call, a tenth of a millisecond of every tiny run (issue 23).
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomUUID().slice(0, 8)}-${process.pid}-${hostname()}`);
}

/** `.<name>.tmp-<rand>-<pid>-<host>`: a name only tempPathFor makes (other dot files are not ours). */
export function isTempName(fileName: string): boolean {
  return TEMP_NAME.test(fileName);
}

/** A temp file left by a process of this host that no longer runs: safe to delete whatever its age. */
export function isOrphanedTemp(fileName: string): boolean {
  const m = TEMP_NAME.exec(fileName);
  if (!m || m[2] !== hostname()) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
