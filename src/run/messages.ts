/**
 * Everything that crosses the thread boundary between the coordinator and a worker: plain, structured-cloneable data.
 * One file so that the protocol can be read in one place (docs/design.md, "Threads and messages").
 */
import type { RunDigest } from '../core/summarize.js';
import type { ModelPrediction } from '../core/theory.js';
import type { PendingWrite } from '../io/index.js';
import type { PlannedRun } from '../sweep/plan.js';

/** Coordinator → worker: do this one run and write its files into `outDir/runs/`. */
export interface RunTask {
  type: 'run';
  run: PlannedRun;
  sweepSeed: number;
  outDir: string;
  /** tool version, git commit, node version, host: collected once by the coordinator */
  provenance: Record<string, string>;
}

/**
 * Worker → executor, on the thread's own port (one per thread, not a channel per run: pool-thread.ts), a few times a
 * second at most; the executor hands it to the run's progress callback by `run_id`.
 */
export interface RunProgress {
  type: 'progress';
  run_id: string;
  steps_done: number;
}

/** How a run ended. A failure is a value, not an exception, so one bad run cannot end the sweep; `diverged` is a result like `done`. */
export interface RunOutcome {
  type: 'result';
  run_id: string;
  status: 'done' | 'diverged' | 'failed';
  error: string | null;
  steps_done: number;
  wall_s: number;
  /** e.g. `native/subspace` or `tfjs/wasm`: what really computed the run */
  engine: string;
  /** seconds spent writing the run's Arrow files (not in wall_s) */
  write_s: number;
  /** final metrics and phase markers; null for a failed run */
  digest: RunDigest | null;
  /** the Phase I model's predictions (src/core/phase-model.ts); null for a failed run and where theory does not apply */
  prediction: ModelPrediction | null;
  /**
   * Worker → executor only: the run's files, written aside (sidecars first, the run file last) for the executor to
   * make durable and name together with other runs' (a group commit: group-commit.ts). The executor takes it off: an
   * outcome reaches the coordinator only once its files are durable under their names.
   */
  pending?: PendingWrite[];
}

/**
 * The outcome of a run whose executor rejected: its thread died (a crash, process.exit, out of memory), so the run
 * never returned a value of its own. Recorded as a failure like any other; the sweep goes on.
 */
export function workerDiedOutcome(run: PlannedRun, err: Error): RunOutcome {
  return {
    type: 'result',
    run_id: run.run_id,
    status: 'failed',
    error: `worker died: ${err.message}`,
    steps_done: 0,
    wall_s: 0,
    write_s: 0,
    engine: `${run.params.engine}/${run.params.kernel}`,
    digest: null,
    prediction: null,
  };
}

/** The journal line that records how a run ended, the same from the local coordinator and from a queue worker. */
export function outcomeEvent(outcome: RunOutcome): Record<string, unknown> & { event: string } {
  return {
    event: outcome.status === 'failed' ? 'run_failed' : 'run_done',
    run_id: outcome.run_id,
    status: outcome.status,
    error: outcome.error,
    engine: outcome.engine,
    wall_s: outcome.wall_s,
    write_s: outcome.write_s,
  };
}

/** A RunProgress posted on a pool thread's port, or null for any other message. */
export function progressOf(message: unknown): RunProgress | null {
  const m = message as Partial<RunProgress> | null;
  const ok = typeof m === 'object' && m !== null && m.type === 'progress' && typeof m.run_id === 'string' && typeof m.steps_done === 'number';
  return ok ? (m as RunProgress) : null;
}

/** Posted by a pool thread once its modules are loaded (pool-thread.ts); the executor waits for it before destroying. */
export const threadLoaded = (threadId: number) => ({ lnsweepThreadLoaded: threadId });

/** The thread id of a threadLoaded message, or null for any other message. */
export const loadedThreadId = (message: unknown): number | null => {
  const id = typeof message === 'object' && message !== null ? (message as Record<string, unknown>).lnsweepThreadLoaded : undefined;
  return typeof id === 'number' ? id : null;
};
