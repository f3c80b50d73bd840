/**
 * The SGD stream: which samples a step uses and their label noise (docs/formats.md#word-consumption). This class is the
 * readable definition of the stream's consumption; the step loops (steps-*.ts) consume the same words in the same order
 * through the same Xoshiro128, and the reference tests hold them to it.
 *
 *   sgd, sam (batch B): per sample, one index word, then one 53-bit uniform u (two words)
 *   gd, oscillate:      per sample j = 0..n−1, one u (two words); oscillate then draws one word per neuron whose
 *                       a_i is 0, in neuron order (the Markov chain's coin: top bit set → +q)
 *   ε from u:  rademacher u < 0.5 ? −σ : +σ;  gaussian σ·Φ⁻¹(u);  none 0.
 *   periodic schedule: noise on at step t iff floor(t / noise_period) is even; u is drawn either way.
 * So σ, the noise law and the schedule never change which samples are drawn.
 */
import { invNormalCdf } from './normal.js';
import { Xoshiro128 } from './rng.js';
import type { NoiseKind, StreamSeed, TrainParams } from './types.js';

const NOISE_NONE = 0;
const NOISE_RADEMACHER = 1;
const NOISE_GAUSSIAN = 2;

export function noiseCode(kind: NoiseKind): number {
  return kind === 'rademacher' ? NOISE_RADEMACHER : kind === 'gaussian' ? NOISE_GAUSSIAN : NOISE_NONE;
}

/** ε for one sample from its uniform u, given the σ in force at that step (0 when the schedule has noise off). */
export function noiseFromUniform(code: number, sigmaNow: number, u: number): number {
  if (code === NOISE_RADEMACHER) return u < 0.5 ? -sigmaNow : sigmaNow;
  if (code === NOISE_GAUSSIAN) return sigmaNow === 0 ? 0 : sigmaNow * invNormalCdf(u);
  return 0;
}

/** σ in force at step t: period 0 means a constant schedule. */
export function sigmaAt(sigma: number, period: number, t: number): number {
  return period === 0 || (Math.floor(t / period) & 1) === 0 ? sigma : 0;
}

export type NoiseParams = Pick<TrainParams, 'n' | 'batch' | 'optimizer' | 'sigma' | 'noise' | 'noise_schedule' | 'noise_period'>;

export class LabelNoiseStream {
  readonly rng: Xoshiro128;
  /** samples per step: batch for sgd/sam, n for gd/oscillate */
  readonly perStep: number;
  private readonly fullBatch: boolean;
  private readonly code: number;
  private readonly period: number;

  constructor(
    private readonly p: NoiseParams,
    seed: StreamSeed,
  ) {
    this.rng = new Xoshiro128(seed);
    this.fullBatch = p.optimizer === 'gd' || p.optimizer === 'oscillate';
    this.perStep = this.fullBatch ? p.n : p.batch;
    this.code = noiseCode(p.noise);
    this.period = p.noise_schedule === 'periodic' ? p.noise_period : 0;
  }

  /** Draws step t's samples: idx[b] and eps[b] for b < perStep. */
  draw(t: number, idx: Int32Array, eps: Float64Array): void {
    const sig = sigmaAt(this.p.sigma, this.period, t);
    for (let b = 0; b < this.perStep; b++) {
      idx[b] = this.fullBatch ? b : this.rng.nextIndex(this.p.n);
      eps[b] = noiseFromUniform(this.code, sig, this.rng.nextDouble());
    }
  }
}
