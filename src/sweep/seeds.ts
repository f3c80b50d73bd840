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
import { deriveSeed } from '../core/seed-derivation.js';
import type { RunParams, RunSeeds } from '../core/types.js';

export { deriveSeed } from '../core/seed-derivation.js';

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
