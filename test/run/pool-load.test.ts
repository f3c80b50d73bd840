/**
 * A pool thread says it has loaded (src/run/pool-thread.ts) only once the require() by which piscina loads it has
 * returned: the pool terminates a thread only after that message (src/run/executor.ts), and Node aborts the process
 * when a thread is terminated inside require() of an ES module, even after the module's own last line ran (the
 * assertion in CreateRequiredModuleFacade that once ended a run on a full disk in a loaded suite, exit status null).
 * The thread is loaded here as piscina loads it, in a worker marked as piscina's, from dist/ (npm run build). And the
 * message does arrive from a real pool, from a thread that ran a run and from one that stayed idle (piscina blocks an
 * idle thread in Atomics.wait, so a message left for a later turn of its event loop never came, and destroy() waited
 * out its 15 s fallback at the end of every command that ran a run).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { collectProvenance } from '../../src/io/index.js';
import { PoolExecutor } from '../../src/run/executor.js';
import { threadLoaded } from '../../src/run/messages.js';
import { planSweep } from '../../src/sweep/index.js';
import { tempDir, writeSweep } from '../helpers.js';

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
  try {
    const first = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(first).toEqual({ message: threadLoaded(worker.threadId), returned: true });
  } finally {
    await worker.terminate();
  }
});

const dir = tempDir();

it('a real pool hears every thread say it has loaded, the one that ran a run and the idle one, before destroy() ends', async () => {
  const plan = planSweep(writeSweep(dir, 'one', 'name: one\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 300, log_every: 100 }\n'));
  const outDir = join(dir, 'out');
  mkdirSync(join(outDir, 'runs'), { recursive: true });
  const executor = new PoolExecutor(2);
  try {
    const outcome = await executor.run({ type: 'run', run: plan.runs[0], sweepSeed: plan.seed, outDir, provenance: collectProvenance() });
    expect(outcome.status).toBe('done');
  } finally {
    // waits for both threads' message, or gives up after its 15 s fallback without them
    await executor.destroy();
  }
  expect(executor.loadedThreads).toBe(2);
});
