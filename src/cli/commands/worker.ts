/**
 * Queue mode on the command line: `lnsweep worker --queue URL --out DIR` takes a folder's run jobs from Redis and
 * does them here; `lnsweep run SWEEP --queue URL` (run.ts) enqueues them; `status DIR --queue URL` counts them.
 */
import { existsSync } from 'node:fs';
import { beginWork, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED, UsageError } from '../errors.js';
import { workerCount } from '../options.js';
import { prepareOutDir } from '../out-path.js';
import { onInterrupt } from '../process.js';
import { sweepProvenance } from '../provenance.js';
import { resumeHint } from '../resume-hint.js';

/** The longest --lock-ms: a dead worker's jobs wait this long before another worker takes them back. */
const MAX_LOCK_MS = 86_400_000;

export interface WorkerArgs {
  queue: string;
  out: string;
  /** as typed: checked and capped by workerCount */
  workers?: string;
  wait: boolean;
  lockMs: number;
}

/** Queue errors (Redis unreachable, a bad URL) are bad input: one line, exit status 2. */
async function asUsage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if ((err as Error)?.name === 'QueueError') throw new UsageError((err as Error).message, { cause: err });
    throw err;
  }
}

export async function workerCommand(args: WorkerArgs): Promise<number> {
  const workers = workerCount(args.workers, (line) => process.stderr.write(line + '\n'));
  // BullMQ renews a lock by timers of lockDuration/2; past 2^31−1 ms a Node timer fires after 1 ms instead (with a
  // TimeoutOverflowWarning), so 1e10 would renew the lock in a busy loop. A day is already far longer than useful.
  if (!Number.isInteger(args.lockMs) || args.lockMs < 1000 || args.lockMs > MAX_LOCK_MS) {
    throw new UsageError(`--lock-ms ${args.lockMs}: must be a whole number of milliseconds from 1000 to ${MAX_LOCK_MS} (a day)`);
  }

  // A worker joins a folder that `run --queue` made; it never creates one (a typo would leave an empty folder).
  if (!existsSync(args.out))
    throw new UsageError(`[run] --out ${args.out}: no such folder; enqueue first with \`lnsweep run SWEEP --queue URL --out ${args.out}\``);
  prepareOutDir(args.out);
  // The heavy modules (BullMQ, Piscina, Arrow) load only once the flags are known to be good.
  const { collectProvenance, readPlan } = await import('../../io/index.js');
  const { SweepControl } = await import('../../run/coordinator.js');
  const { PoolExecutor } = await import('../../run/executor.js');
  const { runQueueConsumer } = await import('../../run/queue-consumer.js');
  const { redactUrl } = await import('../../run/queue.js');
  const control = new SweepControl();
  const onSignal = (signal: NodeJS.Signals) => {
    if (control.state === 'running') {
      process.stderr.write(`\n[lnsweep] ${signal}: taking no new jobs; finishing the runs in progress (send it again to leave now)\n`);
      control.stop();
    } else {
      // Leaving at once is what a dead node does: this worker's jobs go back to the queue when their locks expire.
      process.stderr.write(`[lnsweep] ${signal} again: leaving now; the runs in progress go back to the queue within --lock-ms\n`);
      process.exit(EXIT_INTERRUPTED);
    }
  };
  const undoSignals = onInterrupt(onSignal);
  beginWork(args.out);
  const executor = new PoolExecutor(workers);
  try {
    const r = await asUsage(
      runQueueConsumer({
        url: args.queue,
        outDir: args.out,
        executor,
        provenance: sweepProvenance(collectProvenance(), readPlan(args.out)),
        lockMs: args.lockMs,
        wait: args.wait,
        control,
      }),
    );
    process.stderr.write(
      `[lnsweep] worker ${r.worker}: ${r.done} done, ${r.diverged} diverged, ${r.alreadyDone} already finished, ` +
        `${r.failedAttempts} failed attempt(s) here${r.refused > 0 ? `, ${r.refused} job(s) refused` : ''}; ` +
        `queue ${r.queue}: ${r.queuePending} pending, ${r.queueFailed} failed for good\n`,
    );
    if (control.state !== 'running' && r.queuePending > 0) {
      const again = `npx lnsweep worker --queue ${redactUrl(args.queue)} --out ${args.out}${args.workers !== undefined ? ` --workers ${workers}` : ''}`;
      process.stderr.write(`[lnsweep] stopped; the queue keeps the rest. ${resumeHint(again, process.env)}\n`);
      return EXIT_INTERRUPTED;
    }
    process.stderr.write(`[lnsweep] when every worker is done: npx lnsweep merge ${args.out}\n`);
    return r.queueFailed > 0 ? EXIT_RUNS_FAILED : EXIT_OK;
  } finally {
    undoSignals();
    await executor.destroy();
  }
}

/** The extra lines of `status DIR --queue URL`. */
export async function queueStatusCommand(args: { dir: string; queue: string }): Promise<number> {
  const { queueCounts } = await import('../../run/queue-producer.js');
  const c = await asUsage(queueCounts(args.queue, args.dir));
  process.stdout.write(
    `queue ${c.queue}: ${c.waiting} waiting, ${c.active} active, ${c.delayed} delayed (retry backoff), ` +
      `${c.completed} completed, ${c.failed} failed\n`,
  );
  return EXIT_OK;
}
