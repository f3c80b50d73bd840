/**
 * Queue mode, the worker's side: takes run jobs from the folder's BullMQ queue and does them in the local pool.
 *
 * - Runs execute in the executor's threads (Piscina), never on the event loop, so BullMQ's lock renewals (every
 *   lockDuration/2, on timers) keep running however long a run takes. BullMQ's concurrency equals the executor's,
 *   so the pool never holds a job it cannot start.
 * - A worker that dies (SIGKILL, node lost) stops renewing its locks: after about `lockMs` another worker's stalled
 *   check puts its jobs back to wait, and someone does them again; a job may stall `MAX_STALLED` times before it
 *   fails for good. A job that was wrongly thought stalled may run twice at once: harmless, because a run's bytes
 *   are determined by its id and files are renamed into place whole.
 * - A job is only a run id (queue.ts): the run is taken from plan.json by the job's id, and a job whose id is not
 *   of the exact form, not planned, or not the hash of the planned parameters is refused: it fails for good at once
 *   (no retry), with one line naming it, and nothing is computed or written for it.
 * - A job whose run file is already there and sound completes at once (idempotent; nothing is recomputed).
 * - A failed run throws, so BullMQ retries it with exponential backoff until its attempts are used up.
 * - Each worker process writes its own journal (`journal.worker-<host>-<pid>.jsonl`, see src/io/out-folder/paths.ts); `merge`
 *   builds summary.arrow from the run files and every journal.
 * - It returns when nothing is waiting, delayed or active in the queue (the other workers' jobs included, so that
 *   it is still there to take back a dead worker's jobs), or, with `wait`, only when stopped.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { lockFolder, openJournal, partJournalPath, planPath, readPlan, runFilePath, runsDir, verifyArrowFile } from '../io/index.js';
import { rehashedRunId } from '../sweep/ids.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';
import type { SweepControl } from './coordinator.js';
import type { RunExecutor } from './executor.js';
import { outcomeEvent, workerDiedOutcome } from './messages.js';
import { sweepSeedOf } from './ownership.js';
import { checkRedis, connectionFor, KEY_PREFIX, queueNameOf, redactUrl, runIdOfJob, type RunJobData, type RunJobResult } from './queue.js';

/** Times a job may be taken back from a dead worker before it fails for good (BullMQ's default is 1). */
const MAX_STALLED = 2;
/** How often the worker looks whether the queue is drained. */
const POLL_MS = 1000;

export interface QueueConsumerOptions {
  url: string;
  outDir: string;
  executor: RunExecutor;
  provenance: Record<string, string>;
  /** how long a job stays claimed by a worker that stopped renewing it; also the stalled-check interval */
  lockMs: number;
  /** keep waiting for jobs when the queue is empty, until stopped */
  wait: boolean;
  control: SweepControl;
  log?: (line: string) => void;
}

export interface QueueConsumerReport {
  queue: string;
  worker: string;
  done: number;
  diverged: number;
  /** attempts that failed here (BullMQ retries them, here or elsewhere, until attempts are used up) */
  failedAttempts: number;
  /** jobs whose run file was already there */
  alreadyDone: number;
  /** jobs refused: an id that names no run of plan.json, or a planned run whose parameters do not hash to its id */
  refused: number;
  /** jobs of the queue that failed for good, as counted when this worker stopped */
  queueFailed: number;
  /** jobs still waiting, delayed or active when this worker stopped */
  queuePending: number;
}

export async function runQueueConsumer(opts: QueueConsumerOptions): Promise<QueueConsumerReport> {
  await checkRedis(opts.url);
  const { name } = queueNameOf(opts.outDir);
  const me = `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}`;
  // beside other workers and `run --queue`; never beside `--fresh`, a run of the whole plan or shards (lock.ts)
  const lock = lockFolder(opts.outDir, `worker-${me}`, { command: 'worker' });
  try {
    return await consume(opts, name, me);
  } finally {
    lock.release();
  }
}

async function consume(opts: QueueConsumerOptions, name: string, me: string): Promise<QueueConsumerReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const plan = new PlanView(opts.outDir);
  mkdirSync(runsDir(opts.outDir), { recursive: true });
  const part = `worker-${me}`;
  const journal = openJournal(partJournalPath(opts.outDir, part));
  const report: QueueConsumerReport = {
    queue: name,
    worker: me,
    done: 0,
    diverged: 0,
    failedAttempts: 0,
    alreadyDone: 0,
    refused: 0,
    queueFailed: 0,
    queuePending: 0,
  };
  journal.append({ event: 'worker_start', queue: name, worker: me, concurrency: opts.executor.concurrency });

  /** Fails the job for good (BullMQ does not retry an UnrecoverableError), in one line naming it. */
  const refuse = (job: Job, why: string, runId?: string): never => {
    report.refused++;
    const line = `job ${JSON.stringify(job.id)} refused: ${why}`;
    log(`[lnsweep] ${line}`);
    // a planned run's refusal is its failure (status, merge); any other job's is recorded under its job id only
    if (runId) journal.append({ event: 'run_failed', run_id: runId, status: 'failed', error: line, engine: '', worker: me });
    else journal.append({ event: 'job_refused', job_id: String(job.id), error: line, worker: me });
    throw new UnrecoverableError(line);
  };

  const processor = async (job: Job<RunJobData, RunJobResult>): Promise<RunJobResult> => {
    // The job's id is all that is read from Redis; the run is plan.json's (queue.ts).
    const runId = runIdOfJob(job.id);
    if (runId === null) return refuse(job, 'its id is not run-<run id> (16 lowercase hex characters)');
    const run = plan.run(runId);
    if (!run) return refuse(job, `run ${runId} is not in ${planPath(opts.outDir)}`);
    const sweepSeed = sweepSeedOf(plan.current, run);
    const hashed = rehashedRunId(run, sweepSeed);
    if (hashed !== null) {
      return refuse(job, `${planPath(opts.outDir)} gives run ${runId} parameters whose id is ${hashed}; plan.json was edited`, runId);
    }
    const path = runFilePath(opts.outDir, run.run_id);
    if (verifyArrowFile(path).ok) {
      report.alreadyDone++;
      return { status: 'already-done', wall_s: 0, engine: '', worker: me };
    }
    const attempt = job.attemptsMade + 1;
    journal.append({ event: 'run_start', run_id: run.run_id, attempt, worker: me });
    const outcome = await opts.executor
      .run({ type: 'run', run, sweepSeed, outDir: opts.outDir, provenance: opts.provenance })
      .catch((err: Error) => workerDiedOutcome(run, err));
    if (outcome.status === 'failed') {
      report.failedAttempts++;
      const last = attempt >= (job.opts.attempts ?? 1);
      journal.append({
        event: last ? 'run_failed' : 'run_retry',
        run_id: run.run_id,
        status: 'failed',
        attempt,
        error: outcome.error,
        engine: outcome.engine,
        worker: me,
      });
      log(`[lnsweep] run ${run.run_id} failed (attempt ${attempt}/${job.opts.attempts ?? 1}): ${outcome.error}`);
      throw new Error(outcome.error ?? 'failed');
    }
    journal.append({ ...outcomeEvent(outcome), worker: me });
    report[outcome.status]++;
    return { status: outcome.status, wall_s: outcome.wall_s, engine: outcome.engine, worker: me };
  };

  const worker = new Worker<RunJobData, RunJobResult>(name, processor, {
    connection: connectionFor(opts.url),
    prefix: KEY_PREFIX,
    name: me,
    concurrency: opts.executor.concurrency,
    lockDuration: opts.lockMs,
    stalledInterval: opts.lockMs,
    maxStalledCount: MAX_STALLED,
    // Short long-polls, so a worker that is told to stop, or whose queue drains, notices within a second or two.
    drainDelay: 1,
    autorun: false,
  });
  const health = redisHealth(opts.url, log);
  worker.on('error', health.lost);
  worker.on('failed', (job, err) => {
    // Jobs failed by the stalled check never reached our processor's journal lines: record them here.
    if (job && /stalled/i.test(err.message)) {
      const runId = runIdOfJob(job.id);
      if (runId) journal.append({ event: 'run_failed', run_id: runId, status: 'failed', error: err.message, engine: '', worker: me });
    }
  });
  worker.on('stalled', (jobId) => log(`[lnsweep] job ${jobId} was held by a worker that stopped answering; it goes back to the queue`));
  const running = worker.run().catch((err: Error) => log(`[lnsweep] queue: worker stopped: ${err.message}`));

  const queue = new Queue(name, { connection: connectionFor(opts.url), prefix: KEY_PREFIX });
  queue.on('error', health.lost);
  const counts = async () => {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    health.ok();
    return {
      pending: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0) + (c.delayed ?? 0),
      failed: c.failed ?? 0,
    };
  };
  log(
    `[lnsweep] worker ${me}: queue ${name} at ${redactUrl(opts.url)}, ${opts.executor.concurrency} run(s) at a time → ${opts.outDir}` +
      (opts.wait ? ' (waiting for jobs until stopped)' : ' (until the queue is drained)'),
  );
  try {
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      opts.control.onChange(stop);
      const tick = async () => {
        if (opts.control.state !== 'running') return stop();
        try {
          const c = await counts();
          if (c.pending === 0 && !opts.wait) return stop();
        } catch (err) {
          health.lost(err as Error);
        }
        setTimeout(() => void tick(), POLL_MS);
      };
      setTimeout(() => void tick(), POLL_MS);
    });
    // Takes no new job and waits for the ones in progress (a stop); an abort is handled by the CLI, which exits.
    await worker.close();
    await running;
    const c = await counts();
    report.queueFailed = c.failed;
    report.queuePending = c.pending;
  } finally {
    await queue.close();
    journal.append({ event: 'worker_end', done: report.done, diverged: report.diverged, failed_attempts: report.failedAttempts });
    journal.close();
  }
  return report;
}

/**
 * The folder's plan, read at start and again when a job names a run it lacks (refine and `run --queue` of an edited
 * sweep add runs to plan.json while workers run).
 */
class PlanView {
  current: Plan;
  #byId: Map<string, PlannedRun>;

  constructor(private readonly outDir: string) {
    this.current = readPlan(outDir);
    this.#byId = new Map(this.current.runs.map((r) => [r.run_id, r]));
  }

  run(runId: string): PlannedRun | undefined {
    if (!this.#byId.has(runId)) {
      this.current = readPlan(this.outDir);
      this.#byId = new Map(this.current.runs.map((r) => [r.run_id, r]));
    }
    return this.#byId.get(runId);
  }
}

/**
 * Redis going away and coming back, one line per change: ioredis retries every few hundred milliseconds and each
 * of the worker's connections reports every failed attempt, which would bury the log under identical lines.
 */
function redisHealth(url: string, log: (line: string) => void): { lost: (err: Error) => void; ok: () => void } {
  let up = true;
  return {
    lost(err) {
      // Anything else (a job's own error from a Lua script) is not an outage: said as it comes.
      if (!isConnectionError(err)) return log(`[lnsweep] queue: ${err.message}`);
      if (!up) return;
      up = false;
      log(`[lnsweep] queue: lost Redis at ${redactUrl(url)} (${err.message}); retrying until it answers; runs in progress go on`);
    },
    ok() {
      if (up) return;
      up = true;
      log(`[lnsweep] queue: Redis at ${redactUrl(url)} is back`);
    },
  };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

function isConnectionError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && CONNECTION_CODES.has(code)) || /Connection is closed|connect ETIMEDOUT|ECONN/.test(err.message);
}
