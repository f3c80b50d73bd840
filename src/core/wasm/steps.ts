/**
 * AssemblyScript port of the batch-1 step loops (src/core/steps-b1.ts) with f64x2 SIMD, built by `npm run build`
 * into dist/core/wasm/steps.wasm and driven by src/core/steps-wasm.ts. Not part of the main tsc project.
 *
 * Bit-identical to the JavaScript loops: the same operations in the same order and no fused multiply-add. The
 * JavaScript row pass keeps four partial sums h0..h3 over j ≡ 0..3 (mod 4); here they are two f64x2 lanes
 * [h0,h1] and [h2,h3], combined the same way, h0 + h1 + (h2 + h3), with the scalar tail added to h0. The
 * xoshiro128** generator is ported word for word and consumes the same words in the same order; gaussian noise
 * goes through the inverse CDF and portable logarithm ported in normal.ts, so it rounds exactly as the JavaScript
 * loops' does and never calls out of the module.
 *
 * Memory (imported, sized once by the caller, never grown), byte offsets set by `layout`:
 *   X (n·d f64), y (n), xsq (n), M (rows·d), v (rows), h (rows), scalars [idx, eps, f, hh, aa], rng (4 × i32),
 * then the batch loops' arrays (batch.ts).
 */
export { layoutBatch, offTheta, sgdBatch, samBatch, oscillateGd } from './batch';
export { layoutNeurons, offNQ, offNPacked, offNV, offNP, offNWn, offNDn, offNA, offNIp, offNW0, offNDv, offNSums, neuronColumns, neuronRow } from './neurons';
export { portableLog, invNormalCdf } from './normal';
import { invNormalCdf } from './normal';

const TWO_POW_M32: f64 = 2.3283064365386963e-10;
const TWO_POW_M53: f64 = 1.1102230246251565e-16;
const TWO_POW_26: f64 = 67108864;

export let pX: usize = 0, pY: usize = 0, pXsq: usize = 0, pM: usize = 0, pV: usize = 0, pH: usize = 0, pS: usize = 0, pR: usize = 0;
export let gn: i32 = 0, gd: i32 = 0, grows: i32 = 0;

/** Sets the layout for a run; returns the bytes it needs (the caller sizes the memory to at least this). */
export function layout(n: i32, d: i32, rows: i32): usize {
  gn = n; gd = d; grows = rows;
  pX = (__heap_base + 15) & ~<usize>15;
  pY = pX + <usize>(n * d) * 8;
  pXsq = pY + <usize>n * 8;
  pM = pXsq + <usize>n * 8;
  pV = pM + <usize>(rows * d) * 8;
  pH = pV + <usize>rows * 8;
  pS = pH + <usize>rows * 8;
  pR = pS + 8 * 8;
  return pR + 16;
}

export function offX(): usize { return pX; }
export function offY(): usize { return pY; }
export function offXsq(): usize { return pXsq; }
export function offM(): usize { return pM; }
export function offV(): usize { return pV; }
export function offH(): usize { return pH; }
export function offS(): usize { return pS; }
export function offR(): usize { return pR; }

// xoshiro128** state, loaded from memory at the start of a loop and stored back at its end.
export let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;

@inline export function nextUint32(): u32 {
  const m5 = s1 * 5;
  const result = rotl<u32>(m5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

@inline export function nextDouble(): f64 {
  const hi = <f64>(nextUint32() >>> 5);
  const lo = <f64>(nextUint32() >>> 6);
  return (hi * TWO_POW_26 + lo) * TWO_POW_M53;
}

@inline export function nextIndex(n: i32): i32 {
  const i = <i32>Math.floor(<f64>nextUint32() * <f64>n * TWO_POW_M32);
  return i < n ? i : n - 1;
}

@inline export function noiseFromUniform(code: i32, sigmaNow: f64, u: f64): f64 {
  if (code == 1) return u < 0.5 ? -sigmaNow : sigmaNow;
  if (code == 2) return sigmaNow == 0 ? 0 : sigmaNow * invNormalCdf(u);
  return 0;
}

@inline export function sigmaAt(sigma: f64, period: f64, t: f64): f64 {
  return period == 0 || (<i64>Math.floor(t / period) & 1) == 0 ? sigma : 0;
}

export function loadRng(): void {
  s0 = load<u32>(pR); s1 = load<u32>(pR, 4); s2 = load<u32>(pR, 8); s3 = load<u32>(pR, 12);
}

export function storeRng(): void {
  store<u32>(pR, s0); store<u32>(pR, s1, 4); store<u32>(pR, s2, 8); store<u32>(pR, s3, 12);
}

/** M[base..base+d) −= ca·X[xo..), then returns the row · X[no..): the JavaScript axpyDot's order, two lanes. */
@inline function axpyDot(mrow: usize, d: i32, ca: f64, xo: usize, no: usize): f64 {
  const cav = f64x2.splat(ca);
  let hA = f64x2.splat(0);
  let hB = f64x2.splat(0);
  const d4 = d - (d & 3);
  let j = 0;
  for (; j < d4; j += 4) {
    const b = mrow + (<usize>j << 3);
    const xb = xo + (<usize>j << 3);
    const nb = no + (<usize>j << 3);
    const wA = f64x2.sub(v128.load(b), f64x2.mul(cav, v128.load(xb)));
    const wB = f64x2.sub(v128.load(b, 16), f64x2.mul(cav, v128.load(xb, 16)));
    v128.store(b, wA);
    v128.store(b, wB, 16);
    hA = f64x2.add(hA, f64x2.mul(wA, v128.load(nb)));
    hB = f64x2.add(hB, f64x2.mul(wB, v128.load(nb, 16)));
  }
  let h0 = f64x2.extract_lane(hA, 0);
  for (; j < d; j++) {
    const b = mrow + (<usize>j << 3);
    const w = load<f64>(b) - ca * load<f64>(xo + (<usize>j << 3));
    store<f64>(b, w);
    h0 += w * load<f64>(no + (<usize>j << 3));
  }
  return h0 + f64x2.extract_lane(hA, 1) + (f64x2.extract_lane(hB, 0) + f64x2.extract_lane(hB, 1));
}

/** Label-noise SGD, batch 1, from a primed state; returns the steps taken (fewer: non-finite residual). */
export function sgdB1(t0: f64, count: i32, lr: f64, code: i32, sigma: f64, period: f64): i32 {
  const n = gn, d = gd, rows = grows;
  loadRng();
  let idx = <i32>load<f64>(pS), eps = load<f64>(pS, 8), f = load<f64>(pS, 16);
  let k = 0;
  for (; k < count; k++) {
    const r = f - load<f64>(pY + (<usize>idx << 3)) - eps;
    if (!(Math.abs(r) < Infinity)) break;
    const nextIdx = nextIndex(n);
    const nextEps = noiseFromUniform(code, sigmaAt(sigma, period, t0 + <f64>k + 1), nextDouble());
    const ec = lr * r;
    const xo = pX + (<usize>(idx * d) << 3);
    const no = pX + (<usize>(nextIdx * d) << 3);
    let fn: f64 = 0;
    let base = pM;
    for (let i = 0; i < rows; i++, base += <usize>d << 3) {
      const vp = pV + (<usize>i << 3), hp = pH + (<usize>i << 3);
      const ai = load<f64>(vp);
      const hn = axpyDot(base, d, ec * ai, xo, no);
      const an = ai - ec * load<f64>(hp);
      store<f64>(vp, an);
      store<f64>(hp, hn);
      fn += an * hn;
    }
    idx = nextIdx;
    eps = nextEps;
    f = fn;
  }
  store<f64>(pS, <f64>idx); store<f64>(pS, eps, 8); store<f64>(pS, f, 16);
  storeRng();
  return k;
}

/** Stochastic SAM, batch 1 (see samB1 in steps-b1.ts for the algebra). */
export function samB1(t0: f64, count: i32, lr: f64, rho: f64, code: i32, sigma: f64, period: f64): i32 {
  const n = gn, d = gd, rows = grows;
  loadRng();
  let idx = <i32>load<f64>(pS), eps = load<f64>(pS, 8), f = load<f64>(pS, 16);
  let hh = load<f64>(pS, 24), aa = load<f64>(pS, 32);
  let k = 0;
  for (; k < count; k++) {
    const yi = load<f64>(pY + (<usize>idx << 3));
    const r = f - yi - eps;
    if (!(Math.abs(r) < Infinity)) break;
    const xx = load<f64>(pXsq + (<usize>idx << 3));
    const gNorm = Math.abs(r) * Math.sqrt(hh + aa * xx);
    const tr = gNorm > 0 ? (rho / gNorm) * r : 0;
    const trxx = tr * xx;
    let ft: f64 = 0;
    for (let i = 0; i < rows; i++) {
      const vi = load<f64>(pV + (<usize>i << 3)), hi = load<f64>(pH + (<usize>i << 3));
      ft += (vi + tr * hi) * (hi + trxx * vi);
    }
    const rt = ft - yi - eps;
    if (!(Math.abs(rt) < Infinity)) break;
    const nextIdx = nextIndex(n);
    const nextEps = noiseFromUniform(code, sigmaAt(sigma, period, t0 + <f64>k + 1), nextDouble());
    const ec = lr * rt;
    const xo = pX + (<usize>(idx * d) << 3);
    const no = pX + (<usize>(nextIdx * d) << 3);
    let fn: f64 = 0, hn2: f64 = 0, an2: f64 = 0;
    let base = pM;
    for (let i = 0; i < rows; i++, base += <usize>d << 3) {
      const vp = pV + (<usize>i << 3), hp = pH + (<usize>i << 3);
      const ai = load<f64>(vp);
      const hi = load<f64>(hp);
      const hn = axpyDot(base, d, ec * (ai + tr * hi), xo, no);
      const an = ai - ec * (hi + trxx * ai);
      store<f64>(vp, an);
      store<f64>(hp, hn);
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
  store<f64>(pS, <f64>idx); store<f64>(pS, eps, 8); store<f64>(pS, f, 16);
  store<f64>(pS, hh, 24); store<f64>(pS, aa, 32);
  storeRng();
  return k;
}
