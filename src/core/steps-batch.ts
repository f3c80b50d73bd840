/**
 * Step loops for batch > 1, full-batch gd and oscillate. They keep θ = Mᵀv and use that every gradient is a
 * product with one d-vector: with r_b = θ·x_b − y_b − ε_b and g = (1/B) Σ_b r_b x_b,
 *   ∇v = M g,  ∇M = v gᵀ,
 * so a step costs O(B·d) for the residuals plus one pass over M (instead of B passes).
 * Each loop returns the steps it took: fewer than asked when a residual is non-finite (diverged).
 */
import { noiseFromUniform, sigmaAt } from './noise.js';
import type { StepState } from './step-state.js';

/** A[ao..ao+d) · B[bo..bo+d), four partial sums to break the add-latency chain. d FMA. */
function dot(A: Float64Array, ao: number, B: Float64Array, bo: number, d: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let j = 0;
  for (const d4 = d - (d & 3); j < d4; j += 4) {
    s0 += A[ao + j] * B[bo + j];
    s1 += A[ao + j + 1] * B[bo + j + 1];
    s2 += A[ao + j + 2] * B[bo + j + 2];
    s3 += A[ao + j + 3] * B[bo + j + 3];
  }
  for (; j < d; j++) s0 += A[ao + j] * B[bo + j];
  return s0 + s1 + (s2 + s3);
}

/** θ = Mᵀv. O(rows·d). */
export function refreshTheta(s: StepState): void {
  const { d, rows, M, v, theta } = s;
  theta.fill(0);
  for (let i = 0, base = 0; i < rows; i++, base += d) {
    const ai = v[i];
    for (let j = 0; j < d; j++) theta[j] += ai * M[base + j];
  }
  s.thetaFresh = true;
}

/** Draws step t's samples into idxs/epss (the consumption of LabelNoiseStream.draw). 3 words per sample (gd: 2). */
function drawSamples(s: StepState, t: number): void {
  const { n, perStep, fullBatch, idxs, epss, rng, code } = s;
  const sig = sigmaAt(s.sigma, s.period, t);
  for (let b = 0; b < perStep; b++) {
    idxs[b] = fullBatch ? b : rng.nextIndex(n);
    epss[b] = noiseFromUniform(code, sig, rng.nextDouble());
  }
}

/**
 * Residuals of the drawn samples at predictor th, and out = (1/B) Σ r_b x_b. O(2·B·d).
 * Returns false when a residual is non-finite.
 */
function batchGradient(s: StepState, th: Float64Array, out: Float64Array): boolean {
  const { d, perStep, X, y, idxs, epss, res } = s;
  out.fill(0);
  const inv = 1 / perStep;
  for (let b = 0; b < perStep; b++) {
    const xo = idxs[b] * d;
    const r = dot(th, 0, X, xo, d) - y[idxs[b]] - epss[b];
    if (!(Math.abs(r) < Infinity)) return false;
    res[b] = r;
    const c = r * inv;
    for (let j = 0; j < d; j++) out[j] += c * X[xo + j];
  }
  return true;
}

/**
 * sgd with batch B, and gd (B = n). Per step: 2·B·d for residuals and g, then 3·rows·d FMA in one pass over M
 * (v_i·… dot, the M update, θ' accumulation). No allocation.
 */
export function sgdBatch(s: StepState, t0: number, count: number): number {
  if (!s.thetaFresh) refreshTheta(s);
  const { d, rows, M, v, g, lr } = s;
  let theta = s.theta,
    next = s.thetaNext;
  let k = 0;
  for (; k < count; k++) {
    drawSamples(s, t0 + k);
    if (!batchGradient(s, theta, g)) break;
    next.fill(0);
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const ai = v[i];
      const mg = dot(M, base, g, 0, d);
      const an = ai - lr * mg;
      const ca = lr * ai;
      for (let j = 0; j < d; j++) {
        const w = M[base + j] - ca * g[j];
        M[base + j] = w;
        next[j] += an * w;
      }
      v[i] = an;
    }
    const swap = theta;
    theta = next;
    next = swap;
  }
  if (theta !== s.theta) s.theta.set(theta);
  return k;
}

/**
 * SAM with batch B. Pass 1 forms ∇v = M g and WᵀW g; then the ascent point's predictor in closed form,
 *   θ̃ = Σ (v_i + τ(Mg)_i)(M_i + τ v_i g) = θ + τ MᵀMg + τ‖v‖² g + τ² (v·Mg) g,   τ = ρ / √(‖Mg‖² + ‖v‖²‖g‖²),
 * its batch gradient g̃ on the same samples and ε, and pass 2 the descent from the ascent point:
 *   v_i −= η (M_i·g̃ + τ v_i (g·g̃)),  M_i −= η (v_i + τ (Mg)_i) g̃.
 * Per step: 4·B·d for residuals, 5·rows·d FMA in two passes over M. No allocation.
 */
export function samBatch(s: StepState, t0: number, count: number): number {
  if (!s.thetaFresh) refreshTheta(s);
  const { d, rows, M, v, g, g2, wg, vg, lr, rho } = s;
  let theta = s.theta,
    next = s.thetaNext;
  let k = 0;
  for (; k < count; k++) {
    drawSamples(s, t0 + k);
    if (!batchGradient(s, theta, g)) break;
    wg.fill(0);
    let vv = 0,
      aa = 0,
      av = 0,
      gg = 0;
    for (let j = 0; j < d; j++) gg += g[j] * g[j];
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const mg = dot(M, base, g, 0, d);
      vg[i] = mg;
      for (let j = 0; j < d; j++) wg[j] += mg * M[base + j];
      vv += mg * mg;
      aa += v[i] * v[i];
      av += v[i] * mg;
    }
    const gNorm = Math.sqrt(vv + aa * gg);
    const tau = gNorm > 0 ? rho / gNorm : 0;
    const gc = tau * aa + tau * tau * av;
    for (let j = 0; j < d; j++) next[j] = theta[j] + tau * wg[j] + gc * g[j];
    if (!batchGradient(s, next, g2)) break;
    let ggt = 0;
    for (let j = 0; j < d; j++) ggt += g[j] * g2[j];
    const tggt = tau * ggt;
    next.fill(0);
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const ai = v[i];
      const mg = dot(M, base, g2, 0, d);
      const an = ai - lr * (mg + tggt * ai);
      const ca = lr * (ai + tau * vg[i]);
      for (let j = 0; j < d; j++) {
        const w = M[base + j] - ca * g2[j];
        M[base + j] = w;
        next[j] += an * w;
      }
      v[i] = an;
    }
    const swap = theta;
    theta = next;
    next = swap;
  }
  if (theta !== s.theta) s.theta.set(theta);
  return k;
}

/**
 * The paper's Eqs. 6-7: full-batch GD on W, a_i a Markov chain on {−q, 0, +q} (±q → 0; 0 → ±q with equal odds,
 * one word per zero a_i in neuron order, after the step's noise draws). Dense only (a leaves span(a(0), W(0))).
 * Per step: 2·n·d for residuals, 2·m·d FMA in one pass over W.
 */
export function oscillateGd(s: StepState, t0: number, count: number): number {
  if (!s.thetaFresh) refreshTheta(s);
  const { d, rows, M, v, g, lr, q, rng } = s;
  let theta = s.theta,
    next = s.thetaNext;
  let k = 0;
  for (; k < count; k++) {
    drawSamples(s, t0 + k);
    if (!batchGradient(s, theta, g)) break;
    next.fill(0);
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const ai = v[i];
      const an = ai !== 0 ? 0 : rng.nextUint32() >= 0x80000000 ? q : -q;
      const ca = lr * ai;
      for (let j = 0; j < d; j++) {
        const w = M[base + j] - ca * g[j];
        M[base + j] = w;
        next[j] += an * w;
      }
      v[i] = an;
    }
    const swap = theta;
    theta = next;
    next = swap;
  }
  if (theta !== s.theta) s.theta.set(theta);
  return k;
}
