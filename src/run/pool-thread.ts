/**
 * The entry of each thread of the local pool (Piscina loads it by file name: executor.ts): one task is one run.
 * Everything it does is in executeRun; this file only adapts it to the pool's calling convention.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { isWorkerThread } from 'piscina';
import { executeRun } from './execute-run.js';
import { threadLoaded, type RunOutcome, type RunTask } from './messages.js';

export default async function runTask(task: RunTask): Promise<RunOutcome> {
  try {
    return await executeRun(task);
  } finally {
    task.progressPort?.close();
  }
}

// Reached once every module this thread needs has been loaded and evaluated. Terminating a worker thread while Node
// is still loading its ES modules aborts the whole process (a V8 fatal error, not an exception), so the pool waits for
// this message before it terminates its threads (executor.ts). Sent on a later turn of the event loop: piscina loads
// this file with require(), which goes on after the module's last line (Node wraps it for CommonJS), and a thread
// terminated there aborts Node as well (an assertion in CreateRequiredModuleFacade, seen once in a loaded suite).
if (isWorkerThread) setImmediate(() => parentPort?.postMessage(threadLoaded(threadId)));
