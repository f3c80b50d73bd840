/**
 * The tests' own random streams, written from the published algorithms and the documented consumption order
 * (src/core/rng.ts, data.ts, noise.ts headers), sharing no code with src: the naive reference trainer draws its data,
 * init and label noise here, so a bug in src's streams makes the optimised loops disagree with it instead of hiding.
 *
 * xoshiro128** (Blackman & Vigna, prng.di.unimi.it/xoshiro128starstar.c), state as four unsigned 32-bit numbers:
 *   result = rotl(s1 · 5, 7) · 9;  t = s1 << 9;  s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 11)
 * Consumption: a word; a double from two words (27 + 26 high bits) / 2^53; an index floor(word · n / 2^32);
 * a normal by Box-Muller on (1 − double, double), cosine first and the sine kept for the next call;
 * Φ⁻¹ by Acklam's rational approximation (the documented noise law, coefficients from his 2003 note).
 */
import type { TrainParams } from '../../src/core/types.js';

const U32 = 2 ** 32;
const mul32 = (a: number, b: number): number => {
  // exact 32-bit product without Math.imul: split b into 16-bit halves so every partial product fits in 2^53
  const lo = (a * (b & 0xffff)) % U32;
  const hi = (((a * (b >>> 16)) % U32) * 65536) % U32;
  return (lo + hi) % U32;
};
const rotl = (x: number, k: number): number => ((x * 2 ** k) % U32) + Math.floor(x / 2 ** (32 - k));
const xor = (a: number, b: number): number => (a ^ b) >>> 0;

export class RefRng {
  private s: [number, number, number, number];
  private spare: number | null = null;

  constructor(seed: readonly number[]) {
    this.s = [seed[0] >>> 0, seed[1] >>> 0, seed[2] >>> 0, seed[3] >>> 0];
  }

  word(): number {
    let [s0, s1, s2, s3] = this.s;
    const result = mul32(rotl(mul32(s1, 5), 7), 9);
    const t = (s1 * 512) % U32;
    s2 = xor(s2, s0);
    s3 = xor(s3, s1);
    s1 = xor(s1, s2);
    s0 = xor(s0, s3);
    s2 = xor(s2, t);
    s3 = rotl(s3, 11);
    this.s = [s0, s1, s2, s3];
    return result;
  }

  double(): number {
    const hi = Math.floor(this.word() / 32); // top 27 bits
    const lo = Math.floor(this.word() / 64); // top 26 bits
    return (hi * 2 ** 26 + lo) / 2 ** 53;
  }

  index(n: number): number {
    return Math.min(n - 1, Math.floor((this.word() * n) / U32));
  }

  gaussian(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.double();
    const u2 = this.double();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

// Acklam (2003): central region |p − ½| ≤ ½ − 0.02425, tails by symmetry. u = 0 (a 2^-53 grid point) is read as 2^-54.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const horner = (c: readonly number[], x: number) => c.reduce((acc, k) => acc * x + k, 0);

export function refInvNormal(u: number): number {
  const p = u > 0 ? u : 2 ** -54;
  const tail = (q: number) => horner(C, q) / (horner(D, q) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (horner(A, r) * q) / (horner(B, r) * r + 1);
}

/** θ* from the teacher stream (dense: d normals; sparse: k indices then k normals), X (n×d) from the data stream, y = Xθ*. */
export function refData(p: TrainParams, seeds: { data: readonly number[]; teacher: readonly number[] }) {
  const { n, d, teacher_sparsity: k } = p;
  // θ* from its own stream, so its direction does not depend on n or teacher_norm
  const teacherRng = new RefRng(seeds.teacher);
  const theta = new Float64Array(d);
  if (k > 0 && k < d) {
    const perm = Array.from({ length: d }, (_, j) => j);
    for (let j = 0; j < k; j++) {
      const pick = j + teacherRng.index(d - j);
      [perm[j], perm[pick]] = [perm[pick], perm[j]];
    }
    for (let j = 0; j < k; j++) theta[perm[j]] = teacherRng.gaussian();
  } else {
    for (let j = 0; j < d; j++) theta[j] = teacherRng.gaussian();
  }
  const norm = Math.hypot(...theta);
  for (let j = 0; j < d; j++) theta[j] = (theta[j] * p.teacher_norm) / norm;
  const rng = new RefRng(seeds.data);
  const X = new Float64Array(n * d).map(() => rng.gaussian());
  const y = new Float64Array(n).map((_, i) => theta.reduce((s, t, j) => s + X[i * d + j] * t, 0));
  return { X, theta, y };
}

/** W(0) (m×d, normals · α/√d) then a(0) (normals · α/√m; oscillate: one word each, top two bits 0 → +q, 1 → −q, else 0). */
export function refInit(p: TrainParams, seed: readonly number[]) {
  const { d, width: m, alpha } = p;
  const rng = new RefRng(seed);
  const W = new Float64Array(m * d).map(() => (alpha / Math.sqrt(d)) * rng.gaussian());
  const q = p.lr ** 0.25;
  const a = new Float64Array(m).map(() => {
    if (p.optimizer !== 'oscillate') return (alpha / Math.sqrt(m)) * rng.gaussian();
    const two = Math.floor(rng.word() / 2 ** 30);
    return two === 0 ? q : two === 1 ? -q : 0;
  });
  return { W, a };
}

/**
 * The SGD stream: per sample an index word (sgd, sam; gd and oscillate take every sample in order) then a double u;
 * ε = ±σ (u < ½ → −σ), σ·Φ⁻¹(u) or 0; a periodic schedule has σ on in even periods and still draws u.
 */
export class RefNoise {
  readonly rng: RefRng;
  readonly perStep: number;
  private readonly everySample: boolean;
  constructor(
    private readonly p: TrainParams,
    seed: readonly number[],
  ) {
    this.rng = new RefRng(seed);
    this.everySample = p.optimizer === 'gd' || p.optimizer === 'oscillate';
    this.perStep = this.everySample ? p.n : p.batch;
  }
  draw(t: number): { idx: number[]; eps: number[] } {
    const p = this.p;
    const on = p.noise_schedule !== 'periodic' || Math.floor(t / p.noise_period) % 2 === 0;
    const sigma = on ? p.sigma : 0;
    const idx: number[] = [];
    const eps: number[] = [];
    for (let b = 0; b < this.perStep; b++) {
      idx.push(this.everySample ? b : this.rng.index(p.n));
      const u = this.rng.double();
      eps.push(p.noise === 'rademacher' ? (u < 0.5 ? -sigma : sigma) : p.noise === 'gaussian' && sigma !== 0 ? sigma * refInvNormal(u) : 0);
    }
    return { idx, eps };
  }
}
