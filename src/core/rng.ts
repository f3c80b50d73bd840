/**
 * xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c) on four 32-bit words.
 *
 * Why this generator: 32-bit words map onto Math.imul and int32 registers in V8, so a draw costs a handful of
 * integer ops and no allocation; the state is 16 bytes that the step loops can keep in a typed array.
 *
 * Consumption is part of the contract (engines reuse the streams, docs/formats.md#word-consumption):
 *   nextUint32   one word
 *   nextDouble   two words: 27 high bits of the first, 26 of the second → k / 2^53, in [0, 1)
 *   nextIndex(n) one word: Lemire's multiply-shift floor(w·n / 2^32) (exact for n ≤ 2^21, bias ≤ n / 2^32)
 *   nextGaussian Box-Muller on two doubles (four words), the second variate kept as a spare for the next call
 * Box-Muller's log, sin and cos are the portable ones (portable-math.ts), so X, θ* and the init are the same bits on
 * every Node release.
 */
import { cos, log, sin } from './portable-math.js';
import type { StreamSeed } from './types.js';

const TWO_POW_M32 = 2.3283064365386963e-10; // 2^-32
const TWO_POW_M53 = 1.1102230246251565e-16; // 2^-53
const TWO_POW_26 = 67108864;
const TWO_PI = 6.283185307179586;

export class Xoshiro128 {
  /** The four state words as int32; the step loops read and write them directly. */
  readonly s: Int32Array;
  private hasSpare = false;
  private spare = 0;

  /** `storage`: four words to keep the state in (a WebAssembly loop's memory, stepped in place); default its own. */
  constructor(seed: StreamSeed, storage: Int32Array = new Int32Array(4)) {
    if (seed.length !== 4 || (seed[0] | seed[1] | seed[2] | seed[3]) === 0) {
      throw new Error(`[core] a xoshiro128** seed is four uint32 words, not all zero: got [${seed.join(', ')}]`);
    }
    this.s = storage;
    this.s.set([seed[0] | 0, seed[1] | 0, seed[2] | 0, seed[3] | 0]);
  }

  nextUint32(): number {
    const s = this.s;
    const s0 = s[0];
    const s1 = s[1];
    const m5 = Math.imul(s1, 5);
    const result = Math.imul((m5 << 7) | (m5 >>> 25), 9);
    const t = s1 << 9;
    let s2 = s[2] ^ s0;
    let s3 = s[3] ^ s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    s[2] = s2;
    s[3] = s3;
    return result >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits (two words). */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_POW_26 + lo) * TWO_POW_M53;
  }

  /** Uniform on {0, …, n−1}, one word (n ≤ 2^31). */
  nextIndex(n: number): number {
    const i = Math.floor(this.nextUint32() * n * TWO_POW_M32);
    return i < n ? i : n - 1;
  }

  /** Standard normal (Box-Muller; a pair per four words, the second returned by the next call). */
  nextGaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = 1 - this.nextDouble(); // (0, 1]: log stays finite
    const u2 = this.nextDouble();
    const radius = Math.sqrt(-2 * log(u1));
    const angle = TWO_PI * u2;
    this.spare = radius * sin(angle);
    this.hasSpare = true;
    return radius * cos(angle);
  }
}
