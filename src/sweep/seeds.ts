/**
 * The one place random seeds come from (docs/formats.md#random-streams). Each of a run's four streams is seeded from
 * the sweep seed, the replicate index and only the parameters that stream's draws depend on, so that cells of a sweep
 * share draws where the comparison needs it (common random numbers):
 *
 * - teacher (θ*): {d, teacher_sparsity}. θ*'s direction is the same in every cell of a replicate whatever n or
 *   teacher_norm (which only scales it), so an n or ‖θ*‖ sweep learns the same target.
 * - data (X): {n, d}. Replicate r trains on the same inputs in every cell that shares them, whatever σ, α, width,
 *   optimizer or teacher.
 * - init (W(0), a(0)): {width, d, init law}. Not alpha: α only scales the same standard-normal draws, so an α sweep
 *   compares identical draws; likewise not lr for `oscillate`, whose a(0) ∈ {−q, 0, q} only scales by q = lr^{1/4}
 *   the same three-way draws.
 * - sgd (sample indices, label noise): nothing but the seed and replicate. σ only scales the same noise draws, so σ,
 *   ρ and lr sweeps see the same sample order and noise signs.
 * - bootstrap: no run's stream; the resamples of refinement's band and of `lnsweep fit`'s intervals, seeded from
 *   what they resample (a point, a fit), so the same results give the same band and interval.
 *
 * Never the engine or kernel: engines are compared on identical streams.
 */
import type { RunParams, RunSeeds, StreamSeed } from '../core/types.js';
import { canonicalJson } from './ids.js';
import { createHash } from 'node:crypto';

export type StreamName = 'data' | 'teacher' | 'init' | 'sgd' | 'bootstrap';

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

export function runSeeds(params: RunParams, sweepSeed: number, replicate: number): RunSeeds {
  const { n, d, width, teacher_sparsity } = params;
  const oscillate = params.optimizer === 'oscillate';
  return {
    data: deriveSeed('data', sweepSeed, replicate, { n, d }),
    teacher: deriveSeed('teacher', sweepSeed, replicate, { d, teacher_sparsity }),
    init: deriveSeed('init', sweepSeed, replicate, { width, d, law: oscillate ? 'oscillate' : 'ntk' }),
    sgd: deriveSeed('sgd', sweepSeed, replicate, {}),
  };
}
