/**
 * Executes runs on a Piscina pool of threads (the local pool; each thread runs pool-thread.ts). The coordinator and
 * the queue consumer see only `RunExecutor`, so they do not depend on how runs are executed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import { GroupCommitter } from './group-commit.js';
import { loadedThreadId, progressOf, type RunOutcome, type RunProgress, type RunTask } from './messages.js';

export interface RunExecutor {
  /** number of runs that can execute at once */
  readonly concurrency: number;
  /**
   * Resolves with the run's outcome once its files are durable under their names (a group commit: group-commit.ts);
   * rejects only if the executing thread died or was destroyed. `onComputed` is called as soon as the run's thread is
   * free, before its files are committed, so that the next run can start there meanwhile.
   */
  run(task: RunTask, onProgress?: (p: RunProgress) => void, onComputed?: () => void): Promise<RunOutcome>;
  /** waits for nothing: terminates whatever still runs (the coordinator drains before calling it) */
  destroy(): Promise<void>;
}

/**
 * The built pool-thread entry, dist/run/pool-thread.js (pool-thread.ts, bundled: scripts/bundle.mjs). This module is
 * one folder below dist/ in the bundle (dist/chunks/) as it is below src/ in the sources, so one relative path finds
 * it from both; under vitest worker threads cannot load .ts files, so the sources use the build too (`npm test`
 * builds first).
 */
function workerEntryPath(): string {
  const built = fileURLToPath(new URL('../../dist/run/pool-thread.js', import.meta.url));
  if (!existsSync(built)) throw new Error(`[run] ${built} is missing: run \`npm run build\` first`);
  return built;
}

/** How long destroy() waits for threads still loading their modules. */
const LOAD_WAIT_MS = 15_000;

export class PoolExecutor implements RunExecutor {
  readonly concurrency: number;
  /**
   * made at the first run: a resumed sweep with nothing left to do starts no thread (each loads every module), and
   * does not even load Piscina (tens of milliseconds of a `run` with nothing to do: issue 23)
   */
  #pool: Piscina<RunTask, RunOutcome> | null = null;
  #loading: Promise<Piscina<RunTask, RunOutcome>> | null = null;
  readonly #commits = new GroupCommitter();
  /** the progress callbacks of the runs in flight, by run id: every thread posts progress on its one port */
  readonly #progress = new Map<string, (p: RunProgress) => void>();
  /** ids of the threads that have finished loading their modules (pool-thread.ts posts threadLoaded) */
  readonly #loaded = new Set<number>();
  #onLoaded: (() => void) | null = null;

  constructor(workers: number) {
    this.concurrency = workers;
    workerEntryPath(); // a missing build is said at once, not at the first run
  }

  #threads(): Promise<Piscina<RunTask, RunOutcome>> {
    return (this.#loading ??= import('piscina').then(({ Piscina }) => this.#start(Piscina)));
  }

  #start(Pool: typeof Piscina): Piscina<RunTask, RunOutcome> {
    // piscina's defaults oversubscribe (1.5 × cores) and retire idle threads at once. Runs are CPU-bound,
    // so exactly one thread per requested worker, kept alive between runs.
    const pool = new Pool<RunTask, RunOutcome>({
      filename: workerEntryPath(),
      minThreads: this.concurrency,
      maxThreads: this.concurrency,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      // With atomics on (piscina's default) an idle thread blocks in Atomics.wait and one that runs tiny runs back to
      // back never yields to its event loop, so the threadLoaded message (sent by setImmediate: pool-thread.ts) would
      // never go out and destroy() would wait LOAD_WAIT_MS at the end of every sweep. Tasks come as port messages
      // instead: a few µs per run, against runs of milliseconds at the least.
      atomics: 'disabled',
      // piscina's run- and wait-time histograms: read by nobody here, recorded for every run on this thread
      recordTiming: false,
    });
    pool.on('message', (message: unknown) => {
      const progress = progressOf(message);
      if (progress) return this.#progress.get(progress.run_id)?.(progress);
      const id = loadedThreadId(message);
      if (id === null) return;
      this.#loaded.add(id);
      this.#onLoaded?.();
    });
    this.#pool = pool;
    return pool;
  }

  async run(task: RunTask, onProgress?: (p: RunProgress) => void, onComputed?: () => void): Promise<RunOutcome> {
    const id = task.run.run_id;
    if (onProgress) this.#progress.set(id, onProgress);
    try {
      const outcome = await (await this.#threads()).run(task);
      this.#progress.delete(id);
      // a run with nothing to commit (a failure) is reported at once, before its thread takes another run: a full
      // disk stops dispatch at the first run that could not write (coordinator.ts)
      if (!outcome.pending?.length) return outcome;
      onComputed?.();
      return await this.#commits.commit(outcome);
    } finally {
      this.#progress.delete(id);
    }
  }

  /**
   * Terminates the threads, but only once each has loaded its modules: Node aborts the process (V8 fatal error
   * "IsGraphAsync … instantiated module") when a worker is terminated mid-load, which a sweep with nothing left to do,
   * or fewer runs than threads, would otherwise hit. A thread that never loads (a broken build) is given LOAD_WAIT_MS.
   */
  async destroy(): Promise<void> {
    const pool = this.#loading ? await this.#loading : null;
    if (!pool) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.threadsLoaded(), new Promise<void>((resolve) => (timer = setTimeout(resolve, LOAD_WAIT_MS)))]);
    clearTimeout(timer);
    this.#onLoaded = null;
    return pool.destroy();
  }

  /**
   * Resolves once every thread of the pool has loaded its modules (at once when no run has started the pool). One
   * waiter at a time: a later call takes the place of an earlier one still waiting (destroy() is the one caller).
   */
  threadsLoaded(): Promise<void> {
    const pool = this.#pool;
    const all = () => !pool || pool.threads.every((t) => this.#loaded.has(t.threadId));
    if (all()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#onLoaded = () => {
        if (all()) resolve();
      };
    });
  }
}
