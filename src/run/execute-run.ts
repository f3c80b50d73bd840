/**
 * One run, start to finish, inside whichever thread executes it: derive the run's seeds, train, write its files.
 * Returns how it ended as a value; only a bug in this function itself (or a dead worker) surfaces as a rejection.
 */
import { existsSync } from 'node:fs';
import { train } from '../core/index.js';
import { digestRun } from '../core/summarize.js';
import type { TrainHooks, TrainResult } from '../core/types.js';
import { runSeeds } from '../sweep/seeds.js';
import { neuronsFilePath, realDataFilePath, runFilePath, writeNeuronsFile, writeRunFile } from '../io/index.js';
import { writeRealDataFile, type RealDataColumns } from '../io/realdata-file.js';
import type { RunOutcome, RunTask } from './messages.js';

/** Progress is posted at most this often: a run's updates must cost nothing next to its steps. */
const PROGRESS_INTERVAL_MS = 500;

export async function executeRun(task: RunTask): Promise<RunOutcome> {
  const { run, sweepSeed, outDir, progressPort } = task;
  const startedAt = new Date();
  const t0 = performance.now();
  let lastPost = 0;
  const hooks: TrainHooks = {
    onProgress: (stepsDone) => {
      const now = performance.now();
      if (progressPort && now - lastPost >= PROGRESS_INTERVAL_MS) {
        lastPost = now;
        progressPort.postMessage({ type: 'progress', run_id: run.run_id, steps_done: stepsDone });
      }
    },
  };

  let result: TrainResult;
  let realdata: RealDataColumns | undefined;
  let engine = `${run.params.engine}/${run.params.kernel}`;
  try {
    await injectFaultForTests(run.run_id);
    const seeds = runSeeds(run.params, sweepSeed, run.replicate);
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
      engine = `native/${result.kernel}${result.wasm ? '-wasm' : ''}`;
    }
  } catch (err) {
    return failed(run.run_id, err, engine, performance.now() - t0);
  }
  const wallS = (performance.now() - t0) / 1000;

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
  try {
    // The neurons and realdata files go first: the run file marks a run finished, so it is the last thing written.
    if (realdata) {
      writeRealDataFile(realDataFilePath(outDir, run.run_id), { runId: run.run_id, columns: realdata, provenance });
    }
    if (result.snapshots.step.length > 0) {
      writeNeuronsFile(neuronsFilePath(outDir, run.run_id), {
        runId: run.run_id,
        snapshots: result.snapshots,
        provenance,
      });
    }
    writeRunFile(runFilePath(outDir, run.run_id), {
      runId: run.run_id,
      params: run.params,
      replicate: run.replicate,
      metrics: result.metrics,
      provenance,
    });
  } catch (err) {
    // A full disk or a vanished folder: the run computed but could not be kept. It is a failed run (the error names
    // the file), not a dead worker; nothing partial stays behind (writes go aside, then rename).
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
    digest: digestRun(result.metrics, run.params.lr),
  };
}

function failed(runId: string, err: unknown, engine: string, elapsedMs: number): RunOutcome {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { type: 'result', run_id: runId, status: 'failed', error, steps_done: 0, wall_s: elapsedMs / 1000, write_s: 0, engine, digest: null };
}

/**
 * Test hook: LNSWEEP_FAULTS='{"<run_id>":"throw"|"exit"|"hold:<path>"}' makes that run throw, kill its worker
 * thread, or wait before training until the file <path> exists, so that failures, and a sweep caught at a known
 * point (a live page, `status --watch`), can be tested end to end on real processes without racing them. Unset in
 * normal use; read once per run.
 */
async function injectFaultForTests(runId: string): Promise<void> {
  const spec = process.env.LNSWEEP_FAULTS;
  if (!spec) return;
  const fault = (JSON.parse(spec) as Record<string, string>)[runId];
  if (fault === 'throw') throw new Error(`injected fault for ${runId}`);
  if (fault === 'exit') process.exit(70);
  if (fault?.startsWith('hold:')) while (!existsSync(fault.slice(5))) await new Promise((r) => setTimeout(r, 50));
}
