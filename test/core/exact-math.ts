/**
 * An oracle for log, sin and cos that owes nothing to Math.* or to src: each double is read as an exact binary
 * fraction and the function is summed as a series in 200-bit fixed point with BigInt (ln by 2·atanh((m−1)/(m+1)),
 * π by Machin's formula, sin and cos by Taylor series after reduction by π/2), far past double precision. It answers
 * one question: how many units in the last place a double result is from the true value.
 */

const P = 200n; // fixed-point fraction bits
const ONE = 1n << P;

/** x = mant · 2^exp exactly (finite, non-zero x). */
function decompose(x: number): { neg: boolean; mant: bigint; exp: number } {
  const f = new Float64Array([x]);
  const bits = new BigUint64Array(f.buffer)[0];
  const neg = bits >> 63n === 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return e === 0 ? { neg, mant: frac, exp: -1074 } : { neg, mant: frac | (1n << 52n), exp: e - 1075 };
}

/** x in 2^-P units (exact when x's lowest bit is ≥ 2^-P). */
function toFixed(x: number): bigint {
  if (x === 0) return 0n;
  const { neg, mant, exp } = decompose(x);
  const shift = BigInt(exp) + P;
  const v = shift >= 0n ? mant << shift : mant >> -shift;
  return neg ? -v : v;
}

/** atanh(t) for a fixed-point 0 ≤ t < 1/2. */
function atanhFixed(t: bigint): bigint {
  const t2 = (t * t) >> P;
  let term = t;
  let sum = 0n;
  for (let j = 1n; term !== 0n; j += 2n) {
    sum += term / j;
    term = (term * t2) >> P;
  }
  return sum;
}

const LN2 = 2n * atanhFixed(ONE / 3n);

/** atan(1/n) for an integer n ≥ 2. */
function atanInv(n: bigint): bigint {
  let term = ONE / n;
  let sum = 0n;
  const n2 = n * n;
  for (let j = 1n, sign = 1n; term !== 0n; j += 2n, sign = -sign) {
    sum += (sign * term) / j;
    term /= n2;
  }
  return sum;
}

const PI = 16n * atanInv(5n) - 4n * atanInv(239n);
const HALF_PI = PI / 2n;

/** ln x for a finite x > 0, in fixed point. */
export function exactLog(x: number): bigint {
  let { mant, exp } = decompose(x);
  // normalise to mant ∈ [2^52, 2^53) (subnormals too)
  while (mant < 1n << 52n) {
    mant <<= 1n;
    exp -= 1;
  }
  const k = exp + 52; // x = (mant / 2^52) · 2^k, mant / 2^52 ∈ [1, 2)
  const t = ((mant - (1n << 52n)) << P) / (mant + (1n << 52n));
  return BigInt(k) * LN2 + 2n * atanhFixed(t);
}

/** [sin x, cos x] for a finite x, in fixed point. */
export function exactSinCos(x: number): [bigint, bigint] {
  const X = toFixed(x);
  let q = X / HALF_PI;
  let r = X - q * HALF_PI;
  if (r < 0n) {
    r += HALF_PI;
    q -= 1n;
  }
  // Taylor series at r ∈ [0, π/2)
  let s = 0n,
    c = 0n;
  let term = ONE; // r^n / n!
  for (let n = 0n; term !== 0n; n++) {
    const sign = (n / 2n) % 2n === 0n ? 1n : -1n;
    if (n % 2n === 0n) c += sign * term;
    else s += sign * term;
    term = (term * r) / ONE / (n + 1n);
  }
  switch (Number(((q % 4n) + 4n) % 4n)) {
    case 0:
      return [s, c];
    case 1:
      return [c, -s];
    case 2:
      return [-s, -c];
    default:
      return [-c, s];
  }
}

/** |got − exact| in units of got's last place (the spacing of doubles at got). */
export function ulpsFrom(got: number, exact: bigint): number {
  const ulpShift = BigInt(decompose(got === 0 ? Number.MIN_VALUE : got).exp) + P; // got's last place is 2^exp
  const diff = toFixed(got) - exact;
  const absDiff = diff < 0n ? -diff : diff;
  // absDiff / 2^ulpShift as a number, to a few digits
  return ulpShift >= 0n ? Number((absDiff * 1000n) >> ulpShift) / 1000 : Number(absDiff << -ulpShift);
}
