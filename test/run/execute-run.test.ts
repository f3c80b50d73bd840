/**
 * What a run costs its thread beyond training (src/run/execute-run.ts): progress goes out only once 0.5 s has passed
 * since the run started or since the last report, so a sweep of tiny runs sends no message per run but its outcome.
 * The clock is the test's (performance.now stubbed), never the machine's speed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { discardAside } from '../../src/io/index.js';
import { executeRun } from '../../src/run/execute-run.js';
import type { RunProgress } from '../../src/run/messages.js';
import { planRun } from '../../src/sweep/plan.js';
import { tempDir } from '../helpers.js';

/** A native run of `steps` steps: progress comes every 4096 steps and at the end (src/core/train.ts). */
function task(steps: number) {
  const outDir = tempDir();
  mkdirSync(join(outDir, 'runs'));
  const run = planRun({ ...defaultParams(), n: 20, d: 5, width: 20, lr: 0.01, steps, log_every: steps, sigma: 1 }, 7, 0);
  return { type: 'run' as const, run, sweepSeed: 7, outDir, provenance: {} };
}

/** Runs the task with performance.now stubbed to `clock` (called with how often it was read); returns what was posted. */
async function posted(steps: number, clock: (reads: number) => number): Promise<RunProgress[]> {
  let reads = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => clock(reads++));
  const out: RunProgress[] = [];
  const outcome = await executeRun(task(steps), (p) => out.push(p));
  vi.restoreAllMocks();
  expect(outcome.status).toBe('done');
  discardAside(outcome.pending ?? []);
  return out;
}

describe('progress from a run', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a run that ends within 0.5 s of its start posts none, however long the thread has lived', async () => {
    // the thread's clock far past 0.5 s (a worker that has run for a minute), and still at the run's start when it ends
    expect(await posted(20_000, () => 60_000)).toEqual([]);
  });

  it('a longer run posts at its progress points once 0.5 s has passed since its start or its last report', async () => {
    // every read of the clock a second after the one before: each progress point (every 4096 steps and the end) is
    // more than 0.5 s after the last report
    const progress = await posted(20_000, (reads) => 1000 * reads);
    expect(progress.map((p) => p.steps_done)).toEqual([4096, 8192, 12288, 16384, 20000]);
  });
});
