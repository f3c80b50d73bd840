/** The training core's public surface: pure computation, no I/O (README.md#the-model). */
export { train, nativeEngineName } from './train.js';
export { resolveKernel, subspaceIsExact, estimateRunCost } from './kernel-choice.js';
export { Xoshiro128 } from './rng.js';
export { invNormalCdf } from './normal.js';
export { makeData, initNetwork, type Dataset, type Network } from './data.js';
export { LabelNoiseStream, noiseFromUniform, sigmaAt, noiseCode } from './noise.js';
export { createCore, type Core } from './engine.js';
export { METRIC_INDEX } from './metrics.js';
export * from './types.js';
export { PARAM_SPECS, PARAM_KEYS, defaultParams } from './params.js';
