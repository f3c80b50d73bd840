/**
 * A run's assembled state: data, kernel, step loop and metric computer, from its parameters and seeds. `train`
 * drives it; tests and benchmarks drive it directly to take exact numbers of steps and look inside.
 */
import { initNetwork, makeData, type Dataset, type Network } from './data.js';
import type { KernelImpl } from './kernel-api.js';
import { resolveKernel } from './kernel-choice.js';
import { createDenseKernel } from './kernel-dense.js';
import { createSubspaceKernel } from './kernel-subspace.js';
import { MetricComputer } from './metrics.js';
import { createStepState, type StepState } from './step-state.js';
import { samB1, sgdB1 } from './steps-b1.js';
import { oscillateGd, samBatch, sgdBatch } from './steps-batch.js';
import { rowPartsBytes, wasmRowsFor } from './rows-wasm.js';
import { neuronPassBytes, stepLoopBytes, wasmLoopFor } from './steps-wasm.js';
import { acquireWasm, wasmWanted } from './wasm-arena.js';
import type { RunSeeds, TrainParams } from './types.js';

/** A step loop: takes up to `count` steps starting at step t0; returns the steps taken (fewer: diverged). */
type StepLoop = (s: StepState, t0: number, count: number) => number;

export interface Core {
  readonly params: TrainParams;
  readonly data: Dataset;
  /** W(0), a(0) as drawn from the init stream */
  readonly init: Network;
  readonly kernel: KernelImpl;
  readonly state: StepState;
  readonly metrics: MetricComputer;
  readonly loop: StepLoop;
  /** whether `loop` is a WebAssembly loop (steps-wasm.ts); results are the same bits either way */
  readonly wasm: boolean;
  /** why the JavaScript loops run although WebAssembly was wanted and is available (its memory was refused) */
  readonly wasmRefused: string | null;
  /** steps taken so far */
  step: number;
  /** Takes up to `count` steps; returns the number taken (fewer when a residual became non-finite). */
  advance(count: number): number;
  /** Gives the WebAssembly memory back to the thread (wasm-arena.ts); the core must not be used after. */
  release(): void;
}

function pickLoop(p: Pick<TrainParams, 'optimizer' | 'batch'>): StepLoop {
  switch (p.optimizer) {
    case 'sgd':
      return p.batch === 1 ? sgdB1 : sgdBatch;
    case 'sam':
      return p.batch === 1 ? samB1 : samBatch;
    case 'gd':
      return sgdBatch;
    case 'oscillate':
      return oscillateGd;
  }
}

export interface CoreOptions {
  /** use the WebAssembly step loops where there are some (default: unless LNSWEEP_WASM=0) */
  wasm?: boolean;
}

export function createCore(params: TrainParams, seeds: RunSeeds, opts: CoreOptions = {}): Core {
  const { width: m, d } = params;
  const data = makeData(params, seeds);
  const init = initNetwork(params, seeds.init);
  const kind = resolveKernel(params);
  const acquired = wasmWanted(opts.wasm) ? acquireWasm(wasmBytes(params, kind)) : null;
  const lease = typeof acquired === 'string' ? null : acquired;
  const kernel = kind === 'subspace' ? createSubspaceKernel(init, m, d, lease) : createDenseKernel(init, m, d, lease ?? undefined);
  const state = createStepState(params, data, kernel.M, kernel.v, kernel.rows, seeds.sgd, lease ?? undefined);
  const loop = lease ? wasmLoopFor(lease, params, state) : pickLoop(params);
  // C(0) is M as the kernel made it, before any step
  const rows = lease ? wasmRowsFor(lease, data, kind === 'subspace' ? Float64Array.from(kernel.M) : null) : null;
  const metrics = new MetricComputer(params, data, kernel, rows);
  const core: Core = {
    params,
    data,
    init,
    kernel,
    state,
    metrics,
    loop,
    wasm: lease !== null,
    wasmRefused: typeof acquired === 'string' ? acquired : null,
    step: 0,
    advance(count: number): number {
      const taken = loop(state, core.step, count);
      core.step += taken;
      return taken;
    },
    release(): void {
      lease?.release();
    },
  };
  return core;
}

/** The WebAssembly memory a run needs: the subspace kernel's neuron pass (rank k ≤ d+1) and the step loops. */
function wasmBytes(p: TrainParams, kind: 'dense' | 'subspace'): number {
  const { n, d, width: m } = p;
  const perStep = p.optimizer === 'gd' || p.optimizer === 'oscillate' ? n : p.batch;
  const rows = kind === 'subspace' ? Math.min(m, d + 1) : m;
  return (
    (kind === 'subspace' ? neuronPassBytes(m, rows) : 0) + stepLoopBytes(n, d, rows, perStep) + rowPartsBytes(n, d, kind === 'subspace' ? rows : 0)
  );
}
