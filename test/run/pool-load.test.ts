/**
 * A pool thread says it has loaded (src/run/pool-thread.ts) only once the require() by which piscina loads it has
 * returned: the pool terminates a thread only after that message (src/run/executor.ts), and Node aborts the process
 * when a thread is terminated inside require() of an ES module, even after the module's own last line ran (the
 * assertion in CreateRequiredModuleFacade that once ended a run on a full disk in a loaded suite, exit status null).
 * The thread is loaded here as piscina loads it, in a worker marked as piscina's, from dist/ (npm run build).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { collectProvenance } from '../../src/io/index.js';
import { runSweep } from '../../src/run/coordinator.js';
import { PoolExecutor } from '../../src/run/executor.js';
import { threadLoaded } from '../../src/run/messages.js';
import { planSweep } from '../../src/sweep/index.js';
import { divergingSweep, tempDir, writeSweep } from '../helpers.js';

const require = createRequire(import.meta.url);
const paths = {
  // piscina's shared state, by file (its package exports only its entry); the same module its entry loads
  common: require.resolve('piscina').replace(/main\.js$/, 'common.js'),
  thread: fileURLToPath(new URL('../../dist/run/pool-thread.js', import.meta.url)),
};

const LOADER = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.common).commonState.isWorkerThread = true;
let returned = false;
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (message) => post({ message, returned });
require(workerData.thread);
returned = true;
`;

it('a pool thread says it has loaded only after the require() that loads it has returned', async () => {
  const worker = new Worker(LOADER, { eval: true, workerData: paths });
  // taken now: once the thread has exited (nothing keeps it alive after its message), worker.threadId reads -1
  const threadId = worker.threadId;
  try {
    const first = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(first).toEqual({ message: threadLoaded(threadId), returned: true });
  } finally {
    await worker.terminate();
  }
});

// The pool as `run` uses it: a thread that did its runs back to back, and one left idle, must both get to send that
// message (piscina's default Atomics.wait kept both from ever reaching setImmediate, and every sweep then ended by
// waiting out destroy()'s LOAD_WAIT_MS). threadsLoaded() has no time limit of its own: without the message this test
// fails by its timeout.
it.each([
  ['a sweep of 6 runs', 6],
  ['a sweep of 1 run, one thread left idle', 1],
])(
  'every thread of a 2-thread pool says it has loaded after %s',
  async (_title, runs) => {
    const dir = tempDir();
    const plan = planSweep(writeSweep(dir, 'tiny', divergingSweep('tiny')));
    const executor = new PoolExecutor(2);
    try {
      const outDir = join(dir, 'out');
      const summary = await runSweep({
        plan,
        runs: plan.runs.slice(0, runs),
        outDir,
        executor,
        provenance: collectProvenance(),
        progress: 'none',
        log: () => {},
      });
      expect(summary.done + summary.diverged).toBe(runs);
      await executor.threadsLoaded();
    } finally {
      await executor.destroy();
    }
  },
  60_000,
);
