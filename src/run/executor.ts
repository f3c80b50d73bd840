/**
 * Executes runs: a Piscina pool of worker threads in production, or the calling thread in tests. The coordinator
 * sees only `RunExecutor` (run, destroy), so scheduling, resume and signal handling are tested without threads.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { executeRun } from './execute-run.js';
import type { RunOutcome, RunProgress, RunTask } from './messages.js';

export interface RunExecutor {
  /** number of runs that can execute at once */
  readonly concurrency: number;
  /** resolves with the run's outcome; rejects only if the executing thread died or was destroyed */
  run(task: Omit<RunTask, 'progressPort'>, onProgress?: (p: RunProgress) => void): Promise<RunOutcome>;
  /** waits for nothing: terminates whatever still runs (the coordinator drains before calling it) */
  destroy(): Promise<void>;
}

/**
 * The compiled worker entry. Under vitest this module is TypeScript source in src/, and worker threads cannot load
 * .ts files, so it points at the build in dist/ (`npm test` builds first).
 */
export function workerEntryPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'worker.js');
  const built = resolve(dirname(here), '../../dist/run/worker.js');
  if (!existsSync(built)) throw new Error(`[run] ${built} is missing: run \`npm run build\` first`);
  return built;
}

export class PoolExecutor implements RunExecutor {
  readonly concurrency: number;
  readonly #pool: Piscina<RunTask, RunOutcome>;

  constructor(workers: number) {
    this.concurrency = workers;
    // Piscina's defaults oversubscribe (1.5 × cores) and retire idle threads at once. Runs are CPU-bound,
    // so exactly one thread per requested worker, kept alive between runs.
    this.#pool = new Piscina<RunTask, RunOutcome>({
      filename: workerEntryPath(),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
    });
  }

  run(task: Omit<RunTask, 'progressPort'>, onProgress?: (p: RunProgress) => void): Promise<RunOutcome> {
    if (!onProgress) return this.#pool.run(task);
    const { port1, port2 } = new MessageChannel();
    port1.on('message', onProgress);
    port1.unref();
    return this.#pool
      .run({ ...task, progressPort: port2 }, { transferList: [port2] })
      .finally(() => port1.close());
  }

  destroy(): Promise<void> {
    return this.#pool.destroy();
  }
}

/** Runs on the calling thread, one at a time: for tests and for debugging a single run. */
export class InProcessExecutor implements RunExecutor {
  readonly concurrency = 1;
  #destroyed = false;

  async run(task: Omit<RunTask, 'progressPort'>): Promise<RunOutcome> {
    if (this.#destroyed) throw new Error('[run] executor destroyed');
    return executeRun(task, () => this.#destroyed);
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
  }
}
