/**
 * A native run: the typed-array core (engine.ts) as an engine of the run driver (run-driver.ts), which owns the
 * loop, divergence, rows, snapshots and hooks.
 */
import { createCore, type Core } from './engine.js';
import { driveRun, type RunEngine } from './run-driver.js';
import type { RunSeeds, TrainHooks, TrainParams, TrainResult } from './types.js';

/** Native steps take microseconds: a poll every 4096 steps keeps progress and aborts prompt, off the hot loop. */
const POLL_EVERY = 4096;

export function train(params: TrainParams, seeds: RunSeeds, hooks: TrainHooks = {}): TrainResult {
  const core = createCore(params, seeds);
  const engine: RunEngine = {
    tag: '[core]',
    pollEvery: POLL_EVERY,
    advance: (count, rowNext) => advance(core, count, rowNext),
    // the cheap check between rows; the exact loss when a row follows, as the row computes it anyway
    trainLoss: (forRow) => (forRow ? core.metrics.trainLoss() : core.metrics.checkLoss()),
    row: (out) => core.metrics.row(out),
    neurons: () => core.metrics.cols,
  };
  try {
    const run = driveRun(engine, params, hooks);
    return { ...run, kernel: core.kernel.kind, wasm: core.wasm, ...(core.wasmRefused === null ? {} : { wasmRefused: core.wasmRefused }) };
  } finally {
    core.release();
  }
}

/**
 * What computed a native run, for engine_used: `native/<kernel>-wasm` (the WebAssembly loops), `native/<kernel>` (the
 * JavaScript loops: LNSWEEP_WASM=0, or no WebAssembly SIMD here), or `native/<kernel>-js (WebAssembly memory
 * refused)` when WebAssembly was wanted but its memory could not be had (an address-space limit): the same bits.
 */
export function nativeEngineName(r: Pick<TrainResult, 'kernel' | 'wasm' | 'wasmRefused'>): string {
  if (r.wasm) return `native/${r.kernel}-wasm`;
  return r.wasmRefused === undefined ? `native/${r.kernel}` : `native/${r.kernel}-js (WebAssembly memory refused)`;
}

/**
 * Takes `count` steps; before a logged row, in two chunks with the second layer held between the last two steps
 * (MetricComputer.holdPrevious), for a_step_abs_mean. Chunking never changes the trajectory. Returns steps taken.
 */
function advance(core: Core, count: number, rowNext: boolean): number {
  if (!rowNext) return core.advance(count);
  const first = core.advance(count - 1);
  if (first < count - 1) return first;
  core.metrics.holdPrevious();
  const last = core.advance(1);
  if (last < 1) core.metrics.dropPrevious();
  return first + last;
}
