/**
 * AssemblyScript port of the batch step loops (src/core/steps-batch.ts): sgd with batch B, full-batch gd, SAM with
 * batch B and oscillate, in the JavaScript loops' floating-point order (dot products as four partial sums in two
 * f64x2 lanes, the same final combine; element-wise updates lane by lane). Imported by steps.ts.
 *
 * Memory after the batch-1 layout: θ' (the step's next θ), g, g2, wg (d each), vg (rows), ε (B), indices (B i32);
 * θ (d) wherever the caller keeps it.
 */
import { drawSample, drawUniform, drawnIdx, nextUint32, noiseFromUniform, sigmaAt, loadRng, storeRng } from './random';
import { gn, gd, grows, pX, pY, pM, pV } from './state';
import { centralPair, isCentral } from './normal';
import { axpy, dot, dot2, updateRow, updateRow2, zero } from './batch-ops';

let pTh: usize = 0, pNx: usize = 0, pG: usize = 0, pG2: usize = 0, pWg: usize = 0, pVg: usize = 0, pEps: usize = 0, pIdx: usize = 0;
let gB: i32 = 0;
let gFull: bool = false;

/** Places the batch arrays from byte `base`, θ (d) where the caller keeps it; returns the end. */
export function layoutBatch(base: usize, perStep: i32, fullBatch: bool, theta: usize): usize {
  gB = perStep;
  gFull = fullBatch;
  const d8 = <usize>gd << 3;
  pTh = theta;
  pNx = (base + 15) & ~<usize>15;
  pG = pNx + d8;
  pG2 = pG + d8;
  pWg = pG2 + d8;
  pVg = pWg + d8;
  pEps = pVg + (<usize>grows << 3);
  pIdx = pEps + (<usize>perStep << 3);
  return pIdx + (<usize>perStep << 2);
}


/**
 * Step t's samples: every index and uniform first (the stream's order), then the noise from the uniforms; gaussian
 * noise two samples at a time where both take Φ⁻¹'s central branch (≈ 95% of pairs), each lane as the scalar code.
 */
function drawSamples(t: f64, sigma: f64, period: f64, code: i32): void {
  const sig = sigmaAt(sigma, period, t);
  const n = gn, B = gB, pI = pIdx, pE = pEps;
  if (gFull) {
    for (let b = 0; b < B; b++) {
      store<i32>(pI + (<usize>b << 2), b);
      store<f64>(pE + (<usize>b << 3), drawUniform());
    }
  } else {
    for (let b = 0; b < B; b++) {
      const u = drawSample(n);
      store<i32>(pI + (<usize>b << 2), drawnIdx);
      store<f64>(pE + (<usize>b << 3), u);
    }
  }
  let b = 0;
  if (code == 2 && sig != 0) {
    const sv = f64x2.splat(sig);
    for (; b + 1 < B; b += 2) {
      const p = pE + (<usize>b << 3);
      const u = v128.load(p);
      if (isCentral(f64x2.extract_lane(u, 0)) && isCentral(f64x2.extract_lane(u, 1))) {
        v128.store(p, f64x2.mul(sv, centralPair(u)));
      } else {
        store<f64>(p, noiseFromUniform(code, sig, load<f64>(p)));
        store<f64>(p, noiseFromUniform(code, sig, load<f64>(p, 8)), 8);
      }
    }
  }
  for (; b < B; b++) {
    const p = pE + (<usize>b << 3);
    store<f64>(p, noiseFromUniform(code, sig, load<f64>(p)));
  }
}

/** Residuals at predictor th and out = (1/B) Σ r_b x_b; false when a residual is non-finite. */
function batchGradient(th: usize, out: usize): bool {
  const d = gd, B = gB, X = pX, Y = pY, pI = pIdx, pE = pEps;
  zero(out, d);
  const inv = 1 / <f64>B;
  for (let b = 0; b < B; b++) {
    const ib = load<i32>(pI + (<usize>b << 2));
    const xo = X + (<usize>(ib * d) << 3);
    const r = dot(th, xo, d) - load<f64>(Y + (<usize>ib << 3)) - load<f64>(pE + (<usize>b << 3));
    if (!(Math.abs(r) < Infinity)) return false;
    axpy(out, r * inv, xo, d);
  }
  return true;
}

/** Ends a loop: θ is left in pTh (swapping the roles of the two buffers back by a copy when needed). */
@inline function finish(theta: usize): void {
  if (theta != pTh) memory.copy(pTh, theta, <usize>gd << 3);
}

export function sgdBatch(t0: f64, count: i32, lr: f64, code: i32, sigma: f64, period: f64): i32 {
  const d = gd, rows = grows, d8 = <usize>d << 3, M = pM, V = pV, G = pG;
  loadRng();
  let theta = pTh, next = pNx;
  let k = 0;
  for (; k < count; k++) {
    drawSamples(t0 + <f64>k, sigma, period, code);
    if (!batchGradient(theta, G)) break;
    zero(next, d);
    let base = M;
    let i = 0;
    for (; i + 1 < rows; i += 2, base += d8 << 1) {
      const vp = V + (<usize>i << 3);
      const a0 = load<f64>(vp), a1 = load<f64>(vp, 8);
      const mg = dot2(base, base + d8, G, d);
      const an0 = a0 - lr * f64x2.extract_lane(mg, 0), an1 = a1 - lr * f64x2.extract_lane(mg, 1);
      updateRow2(base, base + d8, G, next, lr * a0, an0, lr * a1, an1, d);
      store<f64>(vp, an0);
      store<f64>(vp, an1, 8);
    }
    if (i < rows) {
      const vp = V + (<usize>i << 3);
      const ai = load<f64>(vp);
      const an = ai - lr * dot(base, G, d);
      updateRow(base, G, next, lr * ai, an, d);
      store<f64>(vp, an);
    }
    const swap = theta;
    theta = next;
    next = swap;
  }
  finish(theta);
  storeRng();
  return k;
}

export function samBatch(t0: f64, count: i32, lr: f64, rho: f64, code: i32, sigma: f64, period: f64): i32 {
  const d = gd, rows = grows, d8 = <usize>d << 3;
  loadRng();
  let theta = pTh, next = pNx;
  let k = 0;
  for (; k < count; k++) {
    drawSamples(t0 + <f64>k, sigma, period, code);
    if (!batchGradient(theta, pG)) break;
    zero(pWg, d);
    let vv: f64 = 0, aa: f64 = 0, av: f64 = 0, gg: f64 = 0;
    for (let j = 0; j < d; j++) {
      const gj = load<f64>(pG + (<usize>j << 3));
      gg += gj * gj;
    }
    let base = pM;
    for (let i = 0; i < rows; i++, base += d8) {
      const mg = dot(base, pG, d);
      store<f64>(pVg + (<usize>i << 3), mg);
      axpy(pWg, mg, base, d);
      const vi = load<f64>(pV + (<usize>i << 3));
      vv += mg * mg;
      aa += vi * vi;
      av += vi * mg;
    }
    const gNorm = Math.sqrt(vv + aa * gg);
    const tau = gNorm > 0 ? rho / gNorm : 0;
    const gc = tau * aa + tau * tau * av;
    for (let j = 0; j < d; j++) {
      const o = <usize>j << 3;
      store<f64>(next + o, load<f64>(theta + o) + tau * load<f64>(pWg + o) + gc * load<f64>(pG + o));
    }
    if (!batchGradient(next, pG2)) break;
    let ggt: f64 = 0;
    for (let j = 0; j < d; j++) ggt += load<f64>(pG + (<usize>j << 3)) * load<f64>(pG2 + (<usize>j << 3));
    const tggt = tau * ggt;
    zero(next, d);
    base = pM;
    for (let i = 0; i < rows; i++, base += d8) {
      const vp = pV + (<usize>i << 3);
      const ai = load<f64>(vp);
      const mg = dot(base, pG2, d);
      const an = ai - lr * (mg + tggt * ai);
      updateRow(base, pG2, next, lr * (ai + tau * load<f64>(pVg + (<usize>i << 3))), an, d);
      store<f64>(vp, an);
    }
    const swap = theta;
    theta = next;
    next = swap;
  }
  finish(theta);
  storeRng();
  return k;
}

export function oscillateGd(t0: f64, count: i32, lr: f64, q: f64, code: i32, sigma: f64, period: f64): i32 {
  const d = gd, rows = grows, d8 = <usize>d << 3;
  loadRng();
  let theta = pTh, next = pNx;
  let k = 0;
  for (; k < count; k++) {
    drawSamples(t0 + <f64>k, sigma, period, code);
    if (!batchGradient(theta, pG)) break;
    zero(next, d);
    let base = pM;
    for (let i = 0; i < rows; i++, base += d8) {
      const vp = pV + (<usize>i << 3);
      const ai = load<f64>(vp);
      const an: f64 = ai != 0 ? 0 : nextUint32() >= 0x80000000 ? q : -q;
      updateRow(base, pG, next, lr * ai, an, d);
      store<f64>(vp, an);
    }
    const swap = theta;
    theta = next;
    next = swap;
  }
  finish(theta);
  storeRng();
  return k;
}
