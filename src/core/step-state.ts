/**
 * Everything a step loop touches, allocated once per run. The loops step on (M, v), `rows`×d and `rows`:
 *   dense:    M = W (m×d), v = a (m)
 *   subspace: M = C (k×d), v = c (k) with W = QC, a = Qc and Q (m×k) orthonormal
 * Every update of sgd, sam and gd is expressed through θ = Mᵀv and products with M, and QᵀQ = I, so the same
 * loops run both kernels; only the metrics differ (kernel-dense.ts, kernel-subspace.ts).
 *
 * Batch-1 loops keep the next step's sample already drawn (idx, eps) with h = M·x and f = v·h, so that one pass
 * over M both applies step t and forms the product for step t+1.
 */
import type { Dataset } from './data.js';
import { noiseCode } from './noise.js';
import { Xoshiro128 } from './rng.js';
import type { StreamSeed, TrainParams } from './types.js';

export interface StepState {
  readonly n: number;
  readonly d: number;
  readonly rows: number;
  /** n×d row-major inputs, clean labels, and ‖x_j‖² per sample */
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly xsq: Float64Array;
  /** the stepped parameters: rows×d and rows */
  readonly M: Float64Array;
  readonly v: Float64Array;
  readonly lr: number;
  readonly rho: number;
  readonly sigma: number;
  /** noise law (NOISE_* in noise.ts) and the periodic schedule's period (0: constant) */
  readonly code: number;
  readonly period: number;
  /** samples per step; gd and oscillate: n */
  readonly perStep: number;
  readonly fullBatch: boolean;
  /** oscillate's a-chain level q = lr^{1/4} */
  readonly q: number;
  readonly rng: Xoshiro128;

  /** batch 1: pending sample for the next step, h = M·x_idx, f = v·h, hh = ‖h‖², aa = ‖v‖² */
  primed: boolean;
  idx: number;
  eps: number;
  f: number;
  hh: number;
  aa: number;
  readonly h: Float64Array;

  /** batch loops: θ = Mᵀv of the current parameters (valid when thetaFresh) and per-step scratch */
  thetaFresh: boolean;
  readonly theta: Float64Array;
  readonly thetaNext: Float64Array;
  readonly idxs: Int32Array;
  readonly epss: Float64Array;
  readonly res: Float64Array;
  readonly g: Float64Array;
  readonly g2: Float64Array;
  readonly wg: Float64Array;
  readonly vg: Float64Array;
}

/** Where a state's stepped arrays live: a WebAssembly loop's memory (wasm-arena.ts), or ordinary arrays. */
export interface StateArrays {
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
}

const ownArrays: StateArrays = { f64: (length) => new Float64Array(length), i32: (length) => new Int32Array(length) };

/**
 * The state for a run's step loops. `arrays`: where h, θ and the generator's words live (M and v are the kernel's);
 * a WebAssembly loop steps the ones in its memory in place.
 */
export function createStepState(
  p: TrainParams,
  data: Dataset,
  M: Float64Array,
  v: Float64Array,
  rows: number,
  sgdSeed: StreamSeed,
  arrays: StateArrays = ownArrays,
): StepState {
  const { n, d } = p;
  const xsq = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += data.X[j * d + l] * data.X[j * d + l];
    xsq[j] = s;
  }
  const fullBatch = p.optimizer === 'gd' || p.optimizer === 'oscillate';
  const perStep = fullBatch ? n : p.batch;
  return {
    n,
    d,
    rows,
    X: data.X,
    y: data.y,
    xsq,
    M,
    v,
    lr: p.lr,
    rho: p.rho,
    sigma: p.sigma,
    code: noiseCode(p.noise),
    period: p.noise_schedule === 'periodic' ? p.noise_period : 0,
    perStep,
    fullBatch,
    q: Math.pow(p.lr, 0.25),
    rng: new Xoshiro128(sgdSeed, arrays.i32(4)),
    primed: false,
    idx: 0,
    eps: 0,
    f: 0,
    hh: 0,
    aa: 0,
    h: arrays.f64(rows),
    thetaFresh: false,
    theta: arrays.f64(d),
    thetaNext: new Float64Array(d),
    idxs: new Int32Array(perStep),
    epss: new Float64Array(perStep),
    res: new Float64Array(perStep),
    g: new Float64Array(d),
    g2: new Float64Array(d),
    wg: new Float64Array(d),
    vg: new Float64Array(rows),
  };
}
