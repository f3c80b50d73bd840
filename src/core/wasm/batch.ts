/**
 * AssemblyScript port of the batch step loops (src/core/steps-batch.ts): sgd with batch B, full-batch gd, SAM with
 * batch B and oscillate, in the JavaScript loops' floating-point order (dot products as four partial sums in two
 * f64x2 lanes, the same final combine; element-wise updates lane by lane). Imported by steps.ts.
 *
 * Memory after the batch-1 layout: θ, θ' (the step's next θ), g, g2, wg (d each), vg (rows), ε (B), indices (B i32).
 */
import { nextDouble, nextIndex, nextUint32, noiseFromUniform, sigmaAt, loadRng, storeRng, gn, gd, grows, pX, pY, pM, pV } from './steps';

let pTh: usize = 0, pNx: usize = 0, pG: usize = 0, pG2: usize = 0, pWg: usize = 0, pVg: usize = 0, pEps: usize = 0, pIdx: usize = 0;
let gB: i32 = 0;
let gFull: bool = false;

/** Places the batch arrays from byte `base`; returns the end. */
export function layoutBatch(base: usize, perStep: i32, fullBatch: bool): usize {
  gB = perStep;
  gFull = fullBatch;
  const d8 = <usize>gd << 3;
  pTh = (base + 15) & ~<usize>15;
  pNx = pTh + d8;
  pG = pNx + d8;
  pG2 = pG + d8;
  pWg = pG2 + d8;
  pVg = pWg + d8;
  pEps = pVg + (<usize>grows << 3);
  pIdx = pEps + (<usize>perStep << 3);
  return pIdx + (<usize>perStep << 2);
}

export function offTheta(): usize { return pTh; }

/** A[0..d) · B[0..d), the JavaScript dot's four partial sums as two lanes. */
@inline function dot(a: usize, b: usize, d: i32): f64 {
  let sA = f64x2.splat(0);
  let sB = f64x2.splat(0);
  const d4 = d - (d & 3);
  let j = 0;
  for (; j < d4; j += 4) {
    const o = <usize>j << 3;
    sA = f64x2.add(sA, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    sB = f64x2.add(sB, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  let s0 = f64x2.extract_lane(sA, 0);
  for (; j < d; j++) s0 += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
  return s0 + f64x2.extract_lane(sA, 1) + (f64x2.extract_lane(sB, 0) + f64x2.extract_lane(sB, 1));
}

@inline function zero(p: usize, d: i32): void {
  memory.fill(p, 0, <usize>d << 3);
}

function drawSamples(t: f64, sigma: f64, period: f64, code: i32): void {
  const sig = sigmaAt(sigma, period, t);
  for (let b = 0; b < gB; b++) {
    store<i32>(pIdx + (<usize>b << 2), gFull ? b : nextIndex(gn));
    store<f64>(pEps + (<usize>b << 3), noiseFromUniform(code, sig, nextDouble()));
  }
}

/** out[j] += c·x[j], element-wise in lanes (the same rounding as one at a time). */
@inline function axpy(out: usize, c: f64, x: usize, d: i32): void {
  const cv = f64x2.splat(c);
  const d2 = d & ~1;
  let j = 0;
  for (; j < d2; j += 2) {
    const o = <usize>j << 3;
    v128.store(out + o, f64x2.add(v128.load(out + o), f64x2.mul(cv, v128.load(x + o))));
  }
  for (; j < d; j++) {
    const o = <usize>j << 3;
    store<f64>(out + o, load<f64>(out + o) + c * load<f64>(x + o));
  }
}

/** Residuals at predictor th and out = (1/B) Σ r_b x_b; false when a residual is non-finite. */
function batchGradient(th: usize, out: usize): bool {
  const d = gd;
  zero(out, d);
  const inv = 1 / <f64>gB;
  for (let b = 0; b < gB; b++) {
    const ib = load<i32>(pIdx + (<usize>b << 2));
    const xo = pX + (<usize>(ib * d) << 3);
    const r = dot(th, xo, d) - load<f64>(pY + (<usize>ib << 3)) - load<f64>(pEps + (<usize>b << 3));
    if (!(Math.abs(r) < Infinity)) return false;
    axpy(out, r * inv, xo, d);
  }
  return true;
}

/** M_i −= ca·gv and θ' += an·M_i (new M_i), element-wise in lanes. */
@inline function updateRow(base: usize, gv: usize, nx: usize, ca: f64, an: f64, d: i32): void {
  const cav = f64x2.splat(ca), anv = f64x2.splat(an);
  const d2 = d & ~1;
  let j = 0;
  for (; j < d2; j += 2) {
    const o = <usize>j << 3;
    const w = f64x2.sub(v128.load(base + o), f64x2.mul(cav, v128.load(gv + o)));
    v128.store(base + o, w);
    v128.store(nx + o, f64x2.add(v128.load(nx + o), f64x2.mul(anv, w)));
  }
  for (; j < d; j++) {
    const o = <usize>j << 3;
    const w = load<f64>(base + o) - ca * load<f64>(gv + o);
    store<f64>(base + o, w);
    store<f64>(nx + o, load<f64>(nx + o) + an * w);
  }
}

/** Ends a loop: θ is left in pTh (swapping the roles of the two buffers back by a copy when needed). */
@inline function finish(theta: usize): void {
  if (theta != pTh) memory.copy(pTh, theta, <usize>gd << 3);
}

export function sgdBatch(t0: f64, count: i32, lr: f64, code: i32, sigma: f64, period: f64): i32 {
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
      const mg = dot(base, pG, d);
      const an = ai - lr * mg;
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
