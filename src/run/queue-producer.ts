/**
 * Queue mode, the producer's side (`run --queue`, `status --queue`): enqueues a sweep's unfinished runs as BullMQ
 * jobs, and counts the folder's jobs. What enqueueing twice does is in queue.ts.
 */
import { mkdirSync } from 'node:fs';
import { Queue, type JobsOptions } from 'bullmq';
import { runsDir } from '../io/index.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';
import { checkRedis, connectionFor, jobIdOf, KEY_PREFIX, queueNameOf, type RunJobData, type RunJobResult } from './queue.js';

export interface EnqueueOptions {
  url: string;
  plan: Plan;
  /** the runs without a sound run file in the folder */
  todo: readonly PlannedRun[];
  outDir: string;
  /** attempts per run before its job fails for good (BullMQ `attempts`); retries back off exponentially */
  attempts: number;
  /** first retry delay; then doubled each time */
  backoffMs?: number;
  /** drop every job of this folder's queue first (with `run --fresh`) */
  fresh?: boolean;
}

export interface EnqueueReport {
  queue: string;
  /** the queue a copied folder's queue.json named, which belongs to the original folder (queue.ts) */
  replacedQueue?: string;
  added: number;
  /** jobs that had failed for good, or completed without leaving a run file, put back to wait */
  requeued: number;
  /** jobs already waiting, delayed or active: left alone */
  alreadyQueued: number;
}

/** Enqueues `todo` (see queue.ts for what enqueueing twice does). */
export async function enqueueRuns(opts: EnqueueOptions): Promise<EnqueueReport> {
  await checkRedis(opts.url);
  mkdirSync(runsDir(opts.outDir), { recursive: true });
  const { name, replaced } = queueNameOf(opts.outDir, { create: { sweepName: opts.plan.name } });
  const jobOpts: JobsOptions = {
    attempts: opts.attempts,
    backoff: { type: 'exponential', delay: opts.backoffMs ?? 10_000 },
    removeOnComplete: false,
    removeOnFail: false,
  };
  const queue = new Queue<RunJobData, RunJobResult>(name, { connection: connectionFor(opts.url), prefix: KEY_PREFIX });
  const report: EnqueueReport = { queue: name, ...(replaced ? { replacedQueue: replaced } : {}), added: 0, requeued: 0, alreadyQueued: 0 };
  try {
    if (opts.fresh) await queue.obliterate({ force: true });
    const CHUNK = 500;
    for (let i = 0; i < opts.todo.length; i += CHUNK) {
      const chunk = opts.todo.slice(i, i + CHUNK);
      const jobs = await Promise.all(chunk.map((r) => queue.getJob(jobIdOf(r.run_id))));
      const toAdd: PlannedRun[] = [];
      await Promise.all(
        chunk.map(async (run, j) => {
          const job = jobs[j];
          if (!job) {
            toAdd.push(run);
            report.added++;
            return;
          }
          const state = await job.getState();
          if (state === 'failed') {
            await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
            report.requeued++;
          } else if (state === 'completed' || state === 'unknown') {
            // completed, yet the run has no file (deleted, or found corrupt and removed): do it again
            await job.remove();
            toAdd.push(run);
            report.requeued++;
          } else {
            report.alreadyQueued++;
          }
        }),
      );
      // Largest first, as the local coordinator does, so the long runs do not start last (BullMQ is FIFO).
      toAdd.sort((a, b) => b.cost - a.cost || (a.run_id < b.run_id ? -1 : 1));
      await queue.addBulk(
        toAdd.map((run) => ({
          name: 'run',
          data: { run_id: run.run_id },
          opts: { ...jobOpts, jobId: jobIdOf(run.run_id) },
        })),
      );
    }
  } finally {
    await queue.close();
  }
  return report;
}

export interface QueueCounts {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** The job counts of the folder's queue. */
export async function queueCounts(url: string, outDir: string): Promise<QueueCounts> {
  await checkRedis(url);
  const { name } = queueNameOf(outDir);
  const queue = new Queue(name, { connection: connectionFor(url), prefix: KEY_PREFIX });
  try {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return {
      queue: name,
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  } finally {
    await queue.close();
  }
}
