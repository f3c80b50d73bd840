/**
 * The entry of each thread of the local pool (Piscina loads it by file name: executor.ts): one task is one run.
 * Everything it does is in executeRun; this file only adapts it to the pool's calling convention. Progress goes out
 * on the thread's own port (one per thread, not a channel per run); the outcome is the task's one result message.
 */
import { isMainThread, parentPort, threadId } from 'node:worker_threads';
import { executeRun } from './execute-run.js';
import { threadLoaded, type RunOutcome, type RunProgress, type RunTask } from './messages.js';

const postProgress = (p: RunProgress) => parentPort?.postMessage(p);

export default function runTask(task: RunTask): Promise<RunOutcome> {
  return executeRun(task, postProgress);
}

// Said once Node has finished loading this module. Terminating a worker thread while Node is still loading its ES
// modules aborts the whole process (a V8 fatal error, not an exception), so the pool waits for this message before it
// terminates its threads (executor.ts). Not from the module's body: Piscina loads it with require() (Node ≥ 20.19
// loads an ES module that way) and, after the body has run, still builds the module's CommonJS facade inside that
// require(); a thread terminated then aborts the process too ("CreateRequiredModuleFacade … IsJust()", seen about
// once in 50 refused runs on a loaded machine). A microtask runs once the require() has returned (piscina calls it
// inside a promise callback) and before piscina says the thread is ready. Not setImmediate: an idle piscina thread
// blocks in Atomics.wait and its event loop never turns, so the message never came and every command that ran a
// run waited out LOAD_WAIT_MS (15 s) before it could exit.
if (!isMainThread) queueMicrotask(() => parentPort?.postMessage(threadLoaded(threadId)));
