/**
 * The one derivation every random seed comes from (src/sweep/seeds.ts says which stream hashes what;
 * docs/formats.md#random-streams). Here in core so that the noise-sustained state's solve, which core runs for a run
 * (noise-state-memo.ts), is seeded the same way as the run's own streams. Pure; no I/O.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { StreamSeed } from './types.js';

/**
 * A run's four streams; `bootstrap` for resampling (refinement's band, fits); `state` for the limit equation's solve;
 * `relaxation` for the Phase I model's paths of it past the gate (phase-model.ts attachTail).
 */
export type StreamName = 'data' | 'teacher' | 'init' | 'sgd' | 'bootstrap' | 'state' | 'relaxation';

/** Replaces the (probability 2⁻¹²⁸) all-zero state, which xoshiro128** cannot leave. */
const NONZERO_FALLBACK: StreamSeed = [0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced8e6b];

/** Four uint32 words: the first 16 bytes (big-endian) of sha256(canonicalJson({ stream, seed, replicate, relevant })). */
export function deriveSeed(stream: StreamName, sweepSeed: number, replicate: number, relevant: Record<string, unknown>): StreamSeed {
  const digest = createHash('sha256')
    .update(canonicalJson({ stream, seed: sweepSeed, replicate, relevant }), 'utf8')
    .digest();
  const words: StreamSeed = [digest.readUInt32BE(0), digest.readUInt32BE(4), digest.readUInt32BE(8), digest.readUInt32BE(12)];
  return words.every((w) => w === 0) ? NONZERO_FALLBACK : words;
}
