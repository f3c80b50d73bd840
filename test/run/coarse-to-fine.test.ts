/**
 * A sweep stopped early is a coarse picture of the whole grid (src/sweep/dispatch-order.ts): phase-diagram.yaml's
 * grid shape (6 σ × 5 α × 3 widths × 3 replicates = 270 runs) at a tiny scale, on a real pool of 2 workers, stopped
 * by count (not by time) the moment its 90th run finishes, its runs in flight killed. Every cell but those few then
 * has a run on disk. With `--order cost` (largest first, the order before) the same stop leaves two thirds of the
 * cells empty.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectProvenance, readRunFile } from '../../src/io/index.js';
import { runSweep, SweepControl } from '../../src/run/coordinator.js';
import { PoolExecutor, type RunExecutor } from '../../src/run/executor.js';
import type { DispatchOrder } from '../../src/sweep/dispatch-order.js';
import { canonicalJson, planSweep } from '../../src/sweep/index.js';
import { tempDir, writeSweep } from '../helpers.js';
import { PHASE_SHAPE } from '../sweep/fixtures.js';

const WORKERS = 2;
const STOP_AT = 90;

/** The pool, counting outcomes: at the STOP_AT-th it aborts the sweep (in-flight runs are killed, none start). */
function stoppingAt(inner: RunExecutor, control: SweepControl): { executor: RunExecutor; inFlightAtStop: () => number } {
  let finished = 0;
  let inFlight = 0;
  let atStop = -1;
  return {
    inFlightAtStop: () => atStop,
    executor: {
      concurrency: inner.concurrency,
      destroy: () => inner.destroy(),
      run(task, onProgress) {
        inFlight++;
        return inner.run(task, onProgress).then(
          (outcome) => {
            inFlight--;
            if (++finished === STOP_AT) {
              atStop = inFlight;
              control.stop();
              control.abort();
            }
            return outcome;
          },
          (err: unknown) => {
            inFlight--;
            throw err;
          },
        );
      },
    },
  };
}

async function stoppedSweep(order: DispatchOrder): Promise<{ cells: number; covered: number; files: number; inFlight: number }> {
  const dir = tempDir();
  const plan = planSweep(writeSweep(dir, 'shape', PHASE_SHAPE));
  const outDir = join(dir, 'out');
  const control = new SweepControl();
  const { executor, inFlightAtStop } = stoppingAt(new PoolExecutor(WORKERS), control);
  try {
    await runSweep({ plan, runs: plan.runs, outDir, executor, provenance: collectProvenance(), progress: 'none', log: () => {}, control, order });
  } finally {
    await executor.destroy();
  }
  const files = readdirSync(join(outDir, 'runs')).filter((f) => /^[0-9a-f]{16}\.arrow$/.test(f));
  const covered = new Set(files.map((f) => canonicalJson(readRunFile(join(outDir, 'runs', f)).params)));
  return {
    cells: new Set(plan.runs.map((r) => canonicalJson(r.params))).size,
    covered: covered.size,
    files: files.length,
    inFlight: inFlightAtStop(),
  };
}

describe('a sweep stopped as soon as 90 of its 270 runs are finished', () => {
  it('has a run in every (σ, α, width) cell but the few that were in flight', { timeout: 120_000 }, async () => {
    const r = await stoppedSweep('spread');
    expect(r.cells).toBe(90);
    expect(r.inFlight).toBeLessThanOrEqual(WORKERS - 1);
    // a killed run may have renamed its file into place just before the kill
    expect(r.files).toBeGreaterThanOrEqual(STOP_AT);
    expect(r.files).toBeLessThanOrEqual(STOP_AT + r.inFlight);
    expect(r.covered).toBeGreaterThanOrEqual(90 - r.inFlight);
  });

  it('with --order cost (largest first) covers at most a third of the cells: one width only', { timeout: 120_000 }, async () => {
    const r = await stoppedSweep('cost');
    expect(r.files).toBeGreaterThanOrEqual(STOP_AT);
    // 30 cells of width 16 × 3 replicates, and any run killed just after its file landed; and while the other worker
    // still runs one of the last width-16 runs (in flight at the stop), one run of the next width may finish first
    expect(r.inFlight).toBeLessThanOrEqual(WORKERS - 1);
    expect(r.covered).toBeLessThanOrEqual(30 + r.inFlight + (r.files - STOP_AT));
  });
});
