/**
 * Gaussian label noise inside the WebAssembly loops: the inverse normal CDF (src/core/normal.ts) and its portable
 * logarithm (`log` in src/core/portable-math.ts, fdlibm's e_log.c), ported operation for operation, so the noise
 * has the same bits as the JavaScript loops' and no call leaves the module. WebAssembly never contracts a·b + c
 * into a fused multiply-add, and f64.sqrt is correctly rounded, as Math.sqrt is.
 * test/core/portable-math.test.ts holds the two ports to each other over ~10⁷ arguments.
 */

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const TWO54: f64 = 1.8014398509481984e16;
const LG1: f64 = 6.666666666666735130e-1;
const LG2: f64 = 3.999999999940941908e-1;
const LG3: f64 = 2.857142874366239149e-1;
const LG4: f64 = 2.222219843214978396e-1;
const LG5: f64 = 1.818357216161805012e-1;
const LG6: f64 = 1.531383769920937332e-1;
const LG7: f64 = 1.479819860511658591e-1;

@inline function highWord(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >> 32);
}

/** fdlibm's natural logarithm; see `log` in portable-math.ts for the method. */
export function portableLog(x: f64): f64 {
  let hx = highWord(x);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | <i32>reinterpret<u64>(x)) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  const lo = reinterpret<u64>(x) & 0xffffffff;
  const f = reinterpret<f64>((<u64>(<u32>(hx | (i0 ^ 0x3ff00000))) << 32) | lo) - 1.0;
  k += i0 >> 20;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.3333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const i = (hx - 0x6147a) | (0x6b851 - hx);
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

const A1: f64 = -3.969683028665376e1, A2: f64 = 2.209460984245205e2, A3: f64 = -2.759285104469687e2;
const A4: f64 = 1.38357751867269e2, A5: f64 = -3.066479806614716e1, A6: f64 = 2.506628277459239;
const B1: f64 = -5.447609879822406e1, B2: f64 = 1.615858368580409e2, B3: f64 = -1.556989798598866e2;
const B4: f64 = 6.680131188771972e1, B5: f64 = -1.328068155288572e1;
const C1: f64 = -7.784894002430293e-3, C2: f64 = -3.223964580411365e-1, C3: f64 = -2.400758277161838;
const C4: f64 = -2.549732539343734, C5: f64 = 4.374664141464968, C6: f64 = 2.938163982698783;
const D1: f64 = 7.784695709041462e-3, D2: f64 = 3.224671290700398e-1, D3: f64 = 2.445134137142996, D4: f64 = 3.754408661907416;
const P_LOW: f64 = 0.02425;
const P_HIGH: f64 = 1 - P_LOW;
const U_FLOOR: f64 = 5.551115123125783e-17; // 2^-54

/** Acklam's inverse normal CDF, as invNormalCdf in src/core/normal.ts. */
export function invNormalCdf(u: f64): f64 {
  const p = u > 0 ? u : U_FLOOR;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * portableLog(p));
    return (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
  if (p <= P_HIGH) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) / (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  }
  const q = Math.sqrt(-2 * portableLog(1 - p));
  return -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
}

/**
 * The central branch of invNormalCdf for two uniforms at once, each lane in the scalar order (so the same bits as
 * invNormalCdf for P_LOW ≤ u ≤ P_HIGH, which the caller checks for both lanes). For the batch loops, whose samples
 * are drawn before their noise is formed.
 */
@inline export function centralPair(u: v128): v128 {
  const q = f64x2.sub(u, f64x2.splat(0.5));
  const r = f64x2.mul(q, q);
  let num = f64x2.add(f64x2.mul(f64x2.splat(A1), r), f64x2.splat(A2));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A3));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A4));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A5));
  num = f64x2.mul(f64x2.add(f64x2.mul(num, r), f64x2.splat(A6)), q);
  let den = f64x2.add(f64x2.mul(f64x2.splat(B1), r), f64x2.splat(B2));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B3));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B4));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B5));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(1));
  return f64x2.div(num, den);
}

/** Whether invNormalCdf(u) takes its central branch (no logarithm). */
@inline export function isCentral(u: f64): bool {
  return u >= P_LOW && u <= P_HIGH;
}
