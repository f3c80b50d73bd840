/**
 * The entry of each thread of the local pool (Piscina loads it by file name: executor.ts): one task is one run.
 * Everything it does is in executeRun; this file only adapts it to the pool's calling convention.
 */
import { executeRun } from './execute-run.js';
import type { RunOutcome, RunTask } from './messages.js';

export default async function runTask(task: RunTask): Promise<RunOutcome> {
  try {
    return await executeRun(task);
  } finally {
    task.progressPort?.close();
  }
}
