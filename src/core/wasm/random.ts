/**
 * The xoshiro128** generator and the draws of src/core/rng.ts, word for word in the same order, and the label noise
 * of src/core/noise.ts (gaussian through normal.ts, the same bits as the JavaScript and never a call out).
 */
import { pR } from './state';
import { invNormalCdf } from './normal';

const TWO_POW_M32: f64 = 2.3283064365386963e-10;
const TWO_POW_M53: f64 = 1.1102230246251565e-16;
const TWO_POW_26: f64 = 67108864;

// xoshiro128** state, loaded from memory at the start of a loop and stored back at its end (read by steps.ts).
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

@inline export function noiseFromUniform(code: i32, sigmaNow: f64, u: f64): f64 {
  if (code == 1) return u < 0.5 ? -sigmaNow : sigmaNow;
  if (code == 2) return sigmaNow == 0 ? 0 : sigmaNow * invNormalCdf(u);
  return 0;
}

@inline export function sigmaAt(sigma: f64, period: f64, t: f64): f64 {
  return period == 0 || (<i64>Math.floor(t / period) & 1) == 0 ? sigma : 0;
}

export let drawnIdx: i32 = 0;

/**
 * One sample: an index word (rng.ts nextIndex), then u's two words (nextDouble), with the generator's state in
 * locals for the three words (globals live in memory in V8: every access is a load or a store). Returns u; the
 * index is left in drawnIdx.
 */
@inline export function drawSample(n: i32): f64 {
  let a = s0, b = s1, c = s2, e = s3;
  let w = rotl<u32>(b * 5, 7) * 9;
  let t = b << 9;
  c ^= a; e ^= b; b ^= c; a ^= e; c ^= t; e = rotl<u32>(e, 11);
  const i = <i32>Math.floor(<f64>w * <f64>n * TWO_POW_M32);
  drawnIdx = i < n ? i : n - 1;
  w = rotl<u32>(b * 5, 7) * 9;
  t = b << 9;
  c ^= a; e ^= b; b ^= c; a ^= e; c ^= t; e = rotl<u32>(e, 11);
  const hi = <f64>(w >>> 5);
  w = rotl<u32>(b * 5, 7) * 9;
  t = b << 9;
  c ^= a; e ^= b; b ^= c; a ^= e; c ^= t; e = rotl<u32>(e, 11);
  const lo = <f64>(w >>> 6);
  s0 = a; s1 = b; s2 = c; s3 = e;
  return (hi * TWO_POW_26 + lo) * TWO_POW_M53;
}

/** One uniform (nextDouble's two words), the generator's state in locals as in drawSample. */
@inline export function drawUniform(): f64 {
  let a = s0, b = s1, c = s2, e = s3;
  let w = rotl<u32>(b * 5, 7) * 9;
  let t = b << 9;
  c ^= a; e ^= b; b ^= c; a ^= e; c ^= t; e = rotl<u32>(e, 11);
  const hi = <f64>(w >>> 5);
  w = rotl<u32>(b * 5, 7) * 9;
  t = b << 9;
  c ^= a; e ^= b; b ^= c; a ^= e; c ^= t; e = rotl<u32>(e, 11);
  const lo = <f64>(w >>> 6);
  s0 = a; s1 = b; s2 = c; s3 = e;
  return (hi * TWO_POW_26 + lo) * TWO_POW_M53;
}

export function loadRng(): void {
  s0 = load<u32>(pR); s1 = load<u32>(pR, 4); s2 = load<u32>(pR, 8); s3 = load<u32>(pR, 12);
}

export function storeRng(): void {
  store<u32>(pR, s0); store<u32>(pR, s1, 4); store<u32>(pR, s2, 8); store<u32>(pR, s3, 12);
}

/** Puts back a state read from s0..s3: words drawn ahead of their step and not used are given back. */
export function restoreRng(a: u32, b: u32, c: u32, e: u32): void {
  s0 = a; s1 = b; s2 = c; s3 = e;
}
