/**
 * One run, start to finish, inside whichever thread executes it: derive the run's seeds, train, write its files.
 * Returns how it ended as a value; only a bug in this function itself (or a dead worker) surfaces as a rejection.
 */
import { nativeEngineName, train } from '../core/index.js';
import { predictRun } from '../core/phase-model.js';
import { digestRun } from '../core/summarize.js';
import type { TrainHooks, TrainResult } from '../core/types.js';
import { rehashedRunId } from '../sweep/ids.js';
import { runSeeds } from '../sweep/seeds.js';
import {
  discardAside,
  neuronsFilePath,
  realDataFilePath,
  runFilePath,
  writeArrowFileAside,
  writeNeuronsFile,
  writeRunFile,
  type ArrowWrite,
  type PendingWrite,
} from '../io/index.js';
import { writeRealDataFile, type RealDataColumns } from '../io/realdata-file.js';
import { faultFor, holdingProgress, injectStartFault, type Fault } from './faults.js';
import type { RunOutcome, RunProgress, RunTask } from './messages.js';

/** Progress is posted at most this often: a run's updates must cost nothing next to its steps. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * The run's files are written aside and returned in the outcome's `pending`, not yet durable nor named: the executor
 * commits them with other runs' (group-commit.ts) before it reports the run.
 */
export async function executeRun(task: RunTask, postProgress?: (p: RunProgress) => void): Promise<RunOutcome> {
  const { run, sweepSeed, outDir } = task;
  const startedAt = new Date();
  const t0 = performance.now();
  // from the run's start, not from 0: a run shorter than the interval posts no progress at all (it was one more
  // message per tiny run, in both threads), and a long one posts its first after 0.5 s
  let lastPost = t0;
  let fault: Fault | undefined;
  let engine = `${run.params.engine}/${run.params.kernel}`;
  try {
    fault = faultFor(run.run_id); // a test hook (faults.ts); undefined in normal use
  } catch (err) {
    return failed(run.run_id, err, engine, performance.now() - t0);
  }
  const hooks: TrainHooks = {
    onProgress: holdingProgress(run.run_id, fault, (stepsDone) => {
      const now = performance.now();
      if (postProgress && now - lastPost >= PROGRESS_INTERVAL_MS) {
        lastPost = now;
        postProgress({ type: 'progress', run_id: run.run_id, steps_done: stepsDone });
      }
    }),
  };

  let result: TrainResult;
  let realdata: RealDataColumns | undefined;
  // A run is filed under its id only if the id is its parameters' (plan.json may have been edited under it).
  const hashed = rehashedRunId(run, sweepSeed);
  if (hashed !== null) return failed(run.run_id, new Error(`its parameters' id is ${hashed}, not ${run.run_id}: plan.json was edited`), engine, 0);
  const seeds = runSeeds(run.params, sweepSeed, run.replicate);
  // wall_s is the training's alone (docs/formats.md): the id check and the seeds above, like the model and the files
  // below, are the run's overhead, which the per-run bench counts as such (src/bench/per-run.ts)
  const tTrain = performance.now();
  try {
    injectStartFault(run.run_id, fault);
    if (run.params.experiment === 'realdata') {
      // loaded on first use: a native sweep never pays for importing TensorFlow.js
      const { trainRealData } = await import('../engines/realdata/train.js');
      const rd = await trainRealData(run.params, seeds, hooks);
      result = rd.result;
      realdata = rd.columns;
      engine = `tfjs/${rd.backend}`;
    } else if (run.params.engine === 'tfjs') {
      const { trainTfjs } = await import('../engines/tfjs/train.js');
      const tfr = await trainTfjs(run.params, seeds, hooks);
      result = tfr;
      engine = `tfjs/${tfr.backend}`;
    } else {
      result = train(run.params, seeds, hooks);
      engine = nativeEngineName(result);
    }
  } catch (err) {
    return failed(run.run_id, err, engine, performance.now() - t0);
  }
  const wallS = (performance.now() - tTrain) / 1000;
  // here rather than in the coordinator (the model costs milliseconds per run: phase-model.ts), and before the files:
  // the run file marks the run finished, so nothing slow comes between it and the outcome
  const prediction = predictRun(run.params, seeds);

  const provenance: Record<string, string> = {
    ...task.provenance,
    engine,
    status: result.status,
    steps_done: String(result.stepsDone),
    wall_s: String(wallS),
    diverge_reason: result.divergeReason ?? '',
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
  };
  const tWrite = performance.now();
  const pending: PendingWrite[] = [];
  const aside: ArrowWrite = (path, fill) => void pending.push(writeArrowFileAside(path, fill));
  try {
    // The neurons and realdata files go first: the run file marks a run finished, so it is the last of the group (the
    // commit names it after the others).
    if (realdata) {
      writeRealDataFile(realDataFilePath(outDir, run.run_id), { runId: run.run_id, columns: realdata, provenance }, aside);
    }
    if (result.snapshots.step.length > 0) {
      writeNeuronsFile(neuronsFilePath(outDir, run.run_id), { runId: run.run_id, snapshots: result.snapshots, provenance }, aside);
    }
    writeRunFile(
      runFilePath(outDir, run.run_id),
      { runId: run.run_id, params: run.params, replicate: run.replicate, metrics: result.metrics, provenance, model: prediction },
      aside,
    );
  } catch (err) {
    // A full disk or a vanished folder: the run computed but could not be kept. It is a failed run (the error names
    // the file), not a dead worker; nothing partial stays behind (what was written aside is removed).
    discardAside(pending);
    return failed(run.run_id, err, engine, performance.now() - t0);
  }
  return {
    type: 'result',
    run_id: run.run_id,
    status: result.status,
    error: result.status === 'diverged' ? (result.divergeReason ?? 'diverged') : null,
    steps_done: result.stepsDone,
    wall_s: wallS,
    write_s: (performance.now() - tWrite) / 1000,
    engine,
    digest: digestRun(result.metrics, run.params),
    prediction,
    pending,
  };
}

function failed(runId: string, err: unknown, engine: string, elapsedMs: number): RunOutcome {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    type: 'result',
    run_id: runId,
    status: 'failed',
    error,
    steps_done: 0,
    wall_s: elapsedMs / 1000,
    write_s: 0,
    engine,
    digest: null,
    prediction: null,
  };
}
