/**
 * The transcendental functions a run's numbers go through (Box–Muller's log, sin and cos for the data and init
 * streams; the inverse normal CDF's log for gaussian label noise), as plain arithmetic, so a run gives the same bits
 * on every Node release and on every engine: `Math.log`, `Math.sin` and `Math.cos` are the engine's own and V8 has
 * changed them between releases (its sin and cos moved from fdlibm to a glibc-derived version behind a build flag).
 *
 * Each is a port of Sun's fdlibm 5.3 (e_log.c; k_sin.c, k_cos.c, e_rem_pio2.c, s_sin.c, s_cos.c), the code V8 11
 * (Node 20) uses for these functions, so on Node 20 the results equal Math.log, Math.sin and Math.cos bit for bit and
 * no run's numbers changed (test/core/portable-math.test.ts checks ~10⁷ arguments each). Error < 1 ulp.
 * src/core/wasm/normal.ts holds the same log in AssemblyScript, for the WebAssembly loops' gaussian noise.
 *
 * Only + − × ÷ and integer operations on the words of a double, each correctly rounded in IEEE 754, so the same bits
 * everywhere. No fused multiply-add: JavaScript has none, and the AssemblyScript port must not contract either.
 */

// The two 32-bit words of a double, through one shared buffer; which index is the high word depends on the platform.
const F = new Float64Array(1);
const W = new Int32Array(F.buffer);
const HI = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function highWord(x: number): number {
  F[0] = x;
  return W[HI];
}

function withWords(hi: number, lo: number): number {
  W[HI] = hi;
  W[LO] = lo;
  return F[0];
}

const LN2_HI = 6.9314718036912381649e-1; // 3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
const TWO54 = 1.8014398509481984e16; // 2^54
const LG1 = 6.66666666666673513e-1; // 3fe55555 55555593
const LG2 = 3.999999999940941908e-1; // 3fd99999 9997fa04
const LG3 = 2.857142874366239149e-1; // 3fd24924 94229359
const LG4 = 2.222219843214978396e-1; // 3fcc71c5 1d8e78af
const LG5 = 1.818357216161805012e-1; // 3fc74664 96cb03de
const LG6 = 1.531383769920937332e-1; // 3fc39a09 d078c69f
const LG7 = 1.479819860511658591e-1; // 3fc2f112 df3e5244

/**
 * Natural logarithm (fdlibm e_log.c): x = 2^k·(1+f) with √2/2 < 1+f < √2, log(1+f) = f − s(f − R(z)) where
 * s = f/(2+f), z = s², R a degree-14 minimax polynomial in s (as degree 7 in z, split into odd and even terms).
 */
export function log(x: number): number {
  F[0] = x;
  let hx = W[HI];
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | W[LO]) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54; // subnormal: scale up
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  F[0] = x;
  W[HI] = hx | (i0 ^ 0x3ff00000); // x or x/2 into [√2/2, √2)
  k += i0 >> 20;
  const f = F[0] - 1.0;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.3333333333333333 * f); // fdlibm writes 0.33333333333333333: the same double
    return k === 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
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
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

const S1 = -1.66666666666666324348e-1; // bfc55555 55555549
const S2 = 8.33333333332248946124e-3; // 3f811111 1110f8a6
const S3 = -1.98412698298579493134e-4; // bf2a01a0 19c161d5
const S4 = 2.75573137070700676789e-6; // 3ec71de3 57b1fe7d
const S5 = -2.50507602534068634195e-8; // be5ae5e6 8a2b9ceb
const S6 = 1.58969099521155010221e-10; // 3de5d93a 5acfd57c

/** sin(x + y) on [−π/4, π/4], y the tail of x (k_sin.c); `tail` false: y = 0. */
function kernelSin(x: number, y: number, tail: boolean): number {
  if ((highWord(x) & 0x7fffffff) < 0x3e400000 && (x | 0) === 0) return x; // |x| < 2^-27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return tail ? x - (z * (0.5 * y - v * r) - y - v * S1) : x + v * (S1 + z * r);
}

const C1 = 4.16666666666666019037e-2; // 3fa55555 5555554c
const C2 = -1.38888888888741095749e-3; // bf56c16c 16c15177
const C3 = 2.48015872894767294178e-5; // 3efa01a0 19cb1590
const C4 = -2.75573143513906633035e-7; // be927e4f 809c52ad
const C5 = 2.0875723212981748279e-9; // 3e21ee9e bdb4b1c4
const C6 = -1.13596475577881948265e-11; // bda8fae9 be8838d4

/** cos(x + y) on [−π/4, π/4] (k_cos.c). */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && (x | 0) === 0) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : withWords(ix - 0x00200000, 0); // x/4, rounded down to its high word
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const INV_PIO2 = 6.36619772367581382433e-1; // 3fe45f30 6dc9c883
const PIO2_1 = 1.57079632673412561417; // 3ff921fb 54400000: first 33 bits of π/2
const PIO2_1T = 6.07710050650619224932e-11; // 3dd0b461 1a626331: π/2 − PIO2_1
const PIO2_2 = 6.0771005063039659766e-11; // 3dd0b461 1a600000: second 33 bits
const PIO2_2T = 2.02226624879595063154e-21; // 3ba3198a 2e037073
const PIO2_3 = 2.0222662487111664558e-21; // 3ba3198a 2e000000: third 33 bits
const PIO2_3T = 8.47842766036889956997e-32; // 397b839a 252049c1
/** |x| above this (≈ 2^19·π/2) would need Payne–Hanek reduction (k_rem_pio2.c), which no caller needs. */
const REDUCE_MAX_HIGH = 0x413921fb;

const Y = new Float64Array(2);
/**
 * High words of n·π/2, n = 1..32 (fdlibm's npio2_hw table, derived: no n·π/2 lies near a change of its high word).
 * Below n = 32, an x whose high word differs from n·π/2's is far enough from it that one round of reduction is
 * exact enough, and fdlibm (so V8) skips the cancellation check: so must we, for the same bits.
 */
const NPIO2_HW = Int32Array.from({ length: 32 }, (_, i) => highWord((i + 1) * (Math.PI / 2)));

/** x − n·π/2 as Y[0] + Y[1] with |Y[0]| ≤ π/4, returning n (e_rem_pio2.c for |x| ≤ 2^19·π/2, |x| > π/4). */
function remPio2(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) {
    // |x| < 3π/4: n = ±1, with a third of π/2 more when x is near π/2
    const sign = hx > 0 ? 1 : -1;
    let z = x - sign * PIO2_1;
    if (ix !== 0x3ff921fb) {
      Y[0] = z - sign * PIO2_1T;
      Y[1] = z - Y[0] - sign * PIO2_1T;
    } else {
      z -= sign * PIO2_2;
      Y[0] = z - sign * PIO2_2T;
      Y[1] = z - Y[0] - sign * PIO2_2T;
    }
    return sign;
  }
  if (ix > REDUCE_MAX_HIGH) throw new RangeError(`[core] portable sin/cos: |x| = ${Math.abs(x)} is beyond 2^19·π/2`);
  const t = Math.abs(x);
  const n = (t * INV_PIO2 + 0.5) | 0;
  const fn = n;
  let r = t - fn * PIO2_1;
  let w = fn * PIO2_1T; // first round: good to 85 bits
  const j = ix >> 20;
  Y[0] = r - w;
  if ((n >= 32 || ix === NPIO2_HW[n - 1]) && j - ((highWord(Y[0]) >> 20) & 0x7ff) > 16) {
    // cancellation: second round, good to 118 bits
    let u = r;
    w = fn * PIO2_2;
    r = u - w;
    w = fn * PIO2_2T - (u - r - w);
    Y[0] = r - w;
    if (j - ((highWord(Y[0]) >> 20) & 0x7ff) > 49) {
      // third round, good to 151 bits
      u = r;
      w = fn * PIO2_3;
      r = u - w;
      w = fn * PIO2_3T - (u - r - w);
      Y[0] = r - w;
    }
  }
  Y[1] = r - Y[0] - w;
  if (hx < 0) {
    Y[0] = -Y[0];
    Y[1] = -Y[1];
    return -n;
  }
  return n;
}

/** Sine (fdlibm s_sin.c) for |x| ≤ 2^19·π/2 (Box–Muller's angles are in [0, 2π)); throws beyond. */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, false); // |x| ≤ π/4
  if (ix >= 0x7ff00000) return NaN;
  const n = remPio2(x) & 3;
  if (n === 0) return kernelSin(Y[0], Y[1], true);
  if (n === 1) return kernelCos(Y[0], Y[1]);
  if (n === 2) return -kernelSin(Y[0], Y[1], true);
  return -kernelCos(Y[0], Y[1]);
}

/** Cosine (fdlibm s_cos.c) for |x| ≤ 2^19·π/2; throws beyond. */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return NaN;
  const n = remPio2(x) & 3;
  if (n === 0) return kernelCos(Y[0], Y[1]);
  if (n === 1) return -kernelSin(Y[0], Y[1], true);
  if (n === 2) return -kernelCos(Y[0], Y[1]);
  return kernelSin(Y[0], Y[1], true);
}
