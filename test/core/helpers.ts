/**
 * Shared test fixtures: small parameter sets, fixed seeds, and a naive reference trainer written straight from the
 * update rules with explicit O(B·m·d) gradients, against which the optimised step loops are checked.
 */
import { defaultParams } from '../../src/core/params.js';
import type { RunSeeds, TrainParams } from '../../src/core/types.js';
import { RefNoise, refData, refInit } from './reference-streams.js';

export const SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };
export const OTHER_SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [13, 14, 15, 16] };

/** A small problem: n=20, d=5, m=30, stable step, rademacher σ=1. */
export function smallParams(over: Partial<TrainParams> = {}): TrainParams {
  const { engine: _engine, ...base } = defaultParams();
  return { ...base, n: 20, d: 5, width: 30, lr: 0.01, steps: 100, log_every: 10, sigma: 1, ...over };
}

export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** ℓ = (1/B) Σ_b ½(aᵀW x_b − y_b − ε_b)² over the given samples. O(B·m·d). */
export function batchLoss(
  W: Float64Array,
  a: Float64Array,
  m: number,
  d: number,
  X: Float64Array,
  y: Float64Array,
  idx: ArrayLike<number>,
  eps: ArrayLike<number>,
): number {
  let loss = 0;
  for (let b = 0; b < idx.length; b++) {
    let f = 0;
    for (let i = 0; i < m; i++) {
      let h = 0;
      for (let j = 0; j < d; j++) h += W[i * d + j] * X[idx[b] * d + j];
      f += a[i] * h;
    }
    const r = f - y[idx[b]] - eps[b];
    loss += 0.5 * r * r;
  }
  return loss / idx.length;
}

/** Explicit gradients of batchLoss: ∇a_i = mean r_b (w_i·x_b), ∇W_ij = mean r_b a_i x_bj. O(B·m·d). */
export function batchGrad(
  W: Float64Array,
  a: Float64Array,
  m: number,
  d: number,
  X: Float64Array,
  y: Float64Array,
  idx: ArrayLike<number>,
  eps: ArrayLike<number>,
) {
  const gW = new Float64Array(m * d);
  const ga = new Float64Array(m);
  const B = idx.length;
  const h = new Float64Array(m);
  for (let b = 0; b < B; b++) {
    const xo = idx[b] * d;
    let f = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += W[i * d + j] * X[xo + j];
      h[i] = s;
      f += a[i] * s;
    }
    const r = f - y[idx[b]] - eps[b];
    for (let i = 0; i < m; i++) {
      ga[i] += (r * h[i]) / B;
      for (let j = 0; j < d; j++) gW[i * d + j] += (r * a[i] * X[xo + j]) / B;
    }
  }
  return { gW, ga };
}

/**
 * The naive trainer: the update rules written out line by line on dense W and a. Its data, init and label noise come from the tests' own
 * streams (reference-streams.ts), not src's, so the check covers src's streams as well as its step loops.
 */
export function naiveTrain(p: TrainParams, seeds: RunSeeds, steps: number): { W: Float64Array; a: Float64Array } {
  const { width: m, d, lr } = p;
  const { X, y } = refData(p, seeds);
  let { W, a }: { W: Float64Array; a: Float64Array } = refInit(p, seeds.init);
  const stream = new RefNoise(p, seeds.sgd);
  const q = Math.pow(lr, 0.25);
  for (let t = 0; t < steps; t++) {
    const { idx, eps } = stream.draw(t);
    let { gW, ga } = batchGrad(W, a, m, d, X, y, idx, eps);
    if (p.optimizer === 'sam') {
      let n2 = 0;
      for (const g of gW) n2 += g * g;
      for (const g of ga) n2 += g * g;
      const scale = n2 > 0 ? p.rho / Math.sqrt(n2) : 0;
      const Wt = W.map((w, k) => w + scale * gW[k]);
      const at = a.map((x, i) => x + scale * ga[i]);
      ({ gW, ga } = batchGrad(Wt, at, m, d, X, y, idx, eps));
    }
    const Wn = W.map((w, k) => w - lr * gW[k]);
    let an: Float64Array;
    if (p.optimizer === 'oscillate') {
      // the Markov chain's coin: one word per neuron whose a_i is 0, in neuron order, top bit set → +q
      an = a.map((x) => (x !== 0 ? 0 : stream.rng.word() >= 0x80000000 ? q : -q));
    } else {
      an = a.map((x, i) => x - lr * ga[i]);
    }
    W = Wn;
    a = an;
  }
  return { W, a };
}
