/**
 * The label noise's variance per step, for theory.ts and for the sweep layer's steps_rule (which must not load
 * theory.ts's statistics package: `plan` loads only the sweep layer, test/cli/startup.test.ts).
 */
import type { RunParams } from './types.js';

/** σ̄²: the label-noise variance per sample, averaged over the schedule. */
export function meanNoiseVariance(p: Pick<RunParams, 'sigma' | 'noise' | 'noise_schedule'>): number {
  if (p.noise === 'none') return 0;
  const s2 = p.sigma * p.sigma;
  return p.noise_schedule === 'periodic' ? s2 / 2 : s2;
}

/** The Phase I noise clock's rate: η²σ̄²/B per step. */
export const noiseRate = (p: Pick<RunParams, 'lr' | 'sigma' | 'noise' | 'noise_schedule' | 'batch'>): number =>
  (p.lr * p.lr * meanNoiseVariance(p)) / p.batch;
