/**
 * The data, teacher and initialisation streams (docs/formats.md#random-streams). Each owns its stream from its first
 * word, so the same seeds give the same X, θ* (or W(0), a(0)) whatever the optimiser, engine or kernel.
 *
 * Teacher stream (θ* alone, seeded from d and teacher_sparsity only, src/sweep/seeds.ts): so θ*'s direction is the
 * same for every n and teacher_norm, which only scales it.
 *   dense teacher:  d gaussians, normalised, × teacher_norm
 *   sparse (0 < k < d): k index words (partial Fisher-Yates over 0..d−1), then k gaussians on those coordinates
 * Data stream: X row by row (n·d gaussians).
 * Init stream order: W row-major (m·d gaussians × α/√d), then a (m gaussians × α/√m; oscillate: one word each).
 */
import { Xoshiro128 } from './rng.js';
import type { RunSeeds, StreamSeed, TrainParams } from './types.js';

export interface Dataset {
  /** n×d row-major */
  X: Float64Array;
  thetaStar: Float64Array;
  /** clean labels Xθ* */
  y: Float64Array;
}

export interface Network {
  /** m×d row-major: row i is neuron w_i */
  W: Float64Array;
  a: Float64Array;
}

export function makeData(p: Pick<TrainParams, 'n' | 'd' | 'teacher_norm' | 'teacher_sparsity'>, seeds: Pick<RunSeeds, 'data' | 'teacher'>): Dataset {
  const { n, d } = p;
  const thetaStar = makeTeacher(p, seeds.teacher);
  const rng = new Xoshiro128(seeds.data);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) X[i] = rng.nextGaussian();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] * thetaStar[j];
    y[i] = s;
  }
  return { X, thetaStar, y };
}

/** θ* from its own stream: a uniform direction in R^d (or on k random coordinates), scaled to teacher_norm. */
function makeTeacher(p: Pick<TrainParams, 'd' | 'teacher_norm' | 'teacher_sparsity'>, seed: StreamSeed): Float64Array {
  const { d } = p;
  const rng = new Xoshiro128(seed);
  const thetaStar = new Float64Array(d);
  const k = p.teacher_sparsity;
  if (k > 0 && k < d) {
    const perm = new Int32Array(d);
    for (let j = 0; j < d; j++) perm[j] = j;
    for (let j = 0; j < k; j++) {
      const pick = j + rng.nextIndex(d - j);
      const tmp = perm[j];
      perm[j] = perm[pick];
      perm[pick] = tmp;
    }
    for (let j = 0; j < k; j++) thetaStar[perm[j]] = rng.nextGaussian();
  } else {
    for (let j = 0; j < d; j++) thetaStar[j] = rng.nextGaussian();
  }
  let norm2 = 0;
  for (let j = 0; j < d; j++) norm2 += thetaStar[j] * thetaStar[j];
  const scale = p.teacher_norm / Math.sqrt(norm2);
  for (let j = 0; j < d; j++) thetaStar[j] *= scale;
  return thetaStar;
}

/** NTK init (paper Eq. 5) scaled by α; for `oscillate`, a_i(0) ∈ {+q, −q, 0} with odds 1/4, 1/4, 1/2, q = lr^{1/4}. */
export function initNetwork(p: Pick<TrainParams, 'd' | 'width' | 'alpha' | 'lr' | 'optimizer'>, seed: StreamSeed): Network {
  const { d, width: m, alpha } = p;
  const rng = new Xoshiro128(seed);
  const W = new Float64Array(m * d);
  const wScale = alpha / Math.sqrt(d);
  for (let i = 0; i < m * d; i++) W[i] = wScale * rng.nextGaussian();
  const a = new Float64Array(m);
  if (p.optimizer === 'oscillate') {
    const q = Math.pow(p.lr, 0.25);
    for (let i = 0; i < m; i++) {
      const two = rng.nextUint32() >>> 30; // top two bits: 0 → +q, 1 → −q, 2 or 3 → 0
      a[i] = two === 0 ? q : two === 1 ? -q : 0;
    }
  } else {
    const aScale = alpha / Math.sqrt(m);
    for (let i = 0; i < m; i++) a[i] = aScale * rng.nextGaussian();
  }
  return { W, a };
}
