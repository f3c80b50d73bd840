/**
 * Batch-1 step loops for sgd and sam (the paper's setting and the speed target). Each step makes one pass over M:
 * the update of step t and the product h = M·x for step t+1, whose sample is drawn before the pass.
 * With r = f − y − ε and x the step's sample:  v_i ← v_i − η r h_i,  M_i ← M_i − η r v_i x  (old v_i).
 * A loop returns the steps it took: fewer than asked when a residual is non-finite (the caller calls it diverged).
 */
import { noiseFromUniform, sigmaAt } from './noise.js';
import type { StepState } from './step-state.js';

/** Draws the sample of step t and forms h = M·x, f = v·h, ‖h‖², ‖v‖². O(rows·d), once per run. */
export function primeB1(s: StepState, t: number): void {
  const { d, rows, X, M, v, h, rng } = s;
  s.idx = rng.nextIndex(s.n);
  s.eps = noiseFromUniform(s.code, sigmaAt(s.sigma, s.period, t), rng.nextDouble());
  const xo = s.idx * d;
  let f = 0,
    hh = 0,
    aa = 0;
  for (let i = 0; i < rows; i++) {
    let hi = 0;
    for (let j = 0; j < d; j++) hi += M[i * d + j] * X[xo + j];
    h[i] = hi;
    f += v[i] * hi;
    hh += hi * hi;
    aa += v[i] * v[i];
  }
  s.f = f;
  s.hh = hh;
  s.aa = aa;
  s.primed = true;
}

/**
 * Row update and next product in one pass: M[base..base+d) −= ca·X[xo..), then returns that row · X[no..).
 * 2·d FMA. Four partial sums break the add-latency chain (≈1.5x faster than one at d = 20); V8 inlines this.
 */
function axpyDot(M: Float64Array, base: number, d: number, ca: number, X: Float64Array, xo: number, no: number): number {
  let h0 = 0,
    h1 = 0,
    h2 = 0,
    h3 = 0;
  let j = 0;
  for (const d4 = d - (d & 3); j < d4; j += 4) {
    const b = base + j;
    const w0 = M[b] - ca * X[xo + j];
    const w1 = M[b + 1] - ca * X[xo + j + 1];
    const w2 = M[b + 2] - ca * X[xo + j + 2];
    const w3 = M[b + 3] - ca * X[xo + j + 3];
    M[b] = w0;
    M[b + 1] = w1;
    M[b + 2] = w2;
    M[b + 3] = w3;
    h0 += w0 * X[no + j];
    h1 += w1 * X[no + j + 1];
    h2 += w2 * X[no + j + 2];
    h3 += w3 * X[no + j + 3];
  }
  for (; j < d; j++) {
    const w = M[base + j] - ca * X[xo + j];
    M[base + j] = w;
    h0 += w * X[no + j];
  }
  return h0 + h1 + (h2 + h3);
}

/** Label-noise SGD, batch 1. Per step: 2·rows·d FMA in one pass over M, 3 RNG words, no allocation. */
export function sgdB1(s: StepState, t0: number, count: number): number {
  if (!s.primed) primeB1(s, t0);
  const { n, d, rows, X, y, M, v, h, rng, lr, code, sigma, period } = s;
  let idx = s.idx,
    eps = s.eps,
    f = s.f;
  let k = 0;
  for (; k < count; k++) {
    const r = f - y[idx] - eps;
    if (!(Math.abs(r) < Infinity)) break;
    const nextIdx = rng.nextIndex(n);
    const nextEps = noiseFromUniform(code, sigmaAt(sigma, period, t0 + k + 1), rng.nextDouble());
    const ec = lr * r;
    const xo = idx * d;
    const no = nextIdx * d;
    let fn = 0;
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const ai = v[i];
      const hn = axpyDot(M, base, d, ec * ai, X, xo, no);
      const an = ai - ec * h[i];
      v[i] = an;
      h[i] = hn;
      fn += an * hn;
    }
    idx = nextIdx;
    eps = nextEps;
    f = fn;
  }
  s.idx = idx;
  s.eps = eps;
  s.f = f;
  return k;
}

/**
 * Stochastic SAM, batch 1. The ascent point needs no pass over M: with g = ∇ℓ, ∇a = r h and ∇W = r a xᵀ, so
 * ‖g‖ = |r|·√(‖h‖² + ‖a‖²‖x‖²), ã_i = a_i + τr h_i, W̃x = h + τr‖x‖² a (τ = ρ/‖g‖; τ = 0 when g = 0), and
 * f̃ = Σ ã_i (W̃x)_i. The descent uses r̃ = f̃ − y − ε (same sample and ε): a_i −= η r̃ (W̃x)_i, w_i −= η r̃ ã_i x.
 * Per step: 2·rows·d FMA in one pass over M, plus ~8·rows for the ascent point; 3 RNG words.
 */
export function samB1(s: StepState, t0: number, count: number): number {
  if (!s.primed) primeB1(s, t0);
  const { n, d, rows, X, y, xsq, M, v, h, rng, lr, rho, code, sigma, period } = s;
  let idx = s.idx,
    eps = s.eps,
    f = s.f,
    hh = s.hh,
    aa = s.aa;
  let k = 0;
  for (; k < count; k++) {
    const r = f - y[idx] - eps;
    if (!(Math.abs(r) < Infinity)) break;
    const xx = xsq[idx];
    const gNorm = Math.abs(r) * Math.sqrt(hh + aa * xx);
    const tr = gNorm > 0 ? (rho / gNorm) * r : 0;
    const trxx = tr * xx;
    let ft = 0;
    for (let i = 0; i < rows; i++) ft += (v[i] + tr * h[i]) * (h[i] + trxx * v[i]);
    const rt = ft - y[idx] - eps;
    if (!(Math.abs(rt) < Infinity)) break;
    const nextIdx = rng.nextIndex(n);
    const nextEps = noiseFromUniform(code, sigmaAt(sigma, period, t0 + k + 1), rng.nextDouble());
    const ec = lr * rt;
    const xo = idx * d;
    const no = nextIdx * d;
    let fn = 0,
      hn2 = 0,
      an2 = 0;
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const ai = v[i];
      const hi = h[i];
      const hn = axpyDot(M, base, d, ec * (ai + tr * hi), X, xo, no);
      const an = ai - ec * (hi + trxx * ai);
      v[i] = an;
      h[i] = hn;
      fn += an * hn;
      hn2 += hn * hn;
      an2 += an * an;
    }
    idx = nextIdx;
    eps = nextEps;
    f = fn;
    hh = hn2;
    aa = an2;
  }
  s.idx = idx;
  s.eps = eps;
  s.f = f;
  s.hh = hh;
  s.aa = aa;
  return k;
}
