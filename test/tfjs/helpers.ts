/** Shared pieces of the tfjs tests: small runs of both engines on identical streams. */
import { defaultParams } from '../../src/core/params.js';
import type { RunParams } from '../../src/core/types.js';
import { runSeeds } from '../../src/sweep/seeds.js';

export function smallParams(over: Partial<RunParams> = {}): RunParams {
  return { ...defaultParams(), n: 32, d: 8, width: 16, lr: 0.01, steps: 2000, log_every: 100, sigma: 1, ...over };
}

export function seedsOf(p: RunParams, replicate = 0) {
  return runSeeds(p, 7, replicate);
}

/** A realdata run at a reduced scale: 64 MNIST examples pooled to 7×7, width 128 (≈ 3 ms a step for both models). */
export function realParams(over: Partial<RunParams> = {}): RunParams {
  return {
    ...defaultParams(),
    experiment: 'realdata',
    engine: 'tfjs',
    optimizer: 'gd',
    n: 64,
    n_test: 256,
    d: 49,
    width: 128,
    lr: 0.06,
    steps: 3000,
    log_every: 500,
    ...over,
  };
}
