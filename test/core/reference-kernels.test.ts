import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import type { TrainParams } from '../../src/core/types.js';
import { naiveTrain, relDiff, SEEDS, smallParams } from './helpers.js';

// Each optimised step loop against naiveTrain (README.md#the-model, explicit O(B·m·d) gradients), on the dense kernel.
// Only summation order differs, so after 200 steps the tolerance is rounding-level.
const CASES: [string, Partial<TrainParams>][] = [
  ['sgd, batch 1 (fused one-pass loop)', { optimizer: 'sgd' }],
  ['sgd, batch 4', { optimizer: 'sgd', batch: 4 }],
  ['sam, batch 1 (closed-form ascent point)', { optimizer: 'sam', rho: 0.2 }],
  ['sam, batch 4', { optimizer: 'sam', rho: 0.2, batch: 4 }],
  ['sam with ρ = 0 equals sgd', { optimizer: 'sam', rho: 0 }],
  ['gd', { optimizer: 'gd', lr: 0.02 }],
  ['oscillate (Markov chain on a)', { optimizer: 'oscillate', lr: 0.01 }],
  ['sgd with gaussian noise on a periodic schedule', { noise: 'gaussian', sigma: 2, noise_schedule: 'periodic', noise_period: 7 }],
  ['sam with gaussian noise, batch 2', { optimizer: 'sam', rho: 0.1, noise: 'gaussian', sigma: 1.5, batch: 2 }],
];

describe('the optimised dense loops match the naive reference', () => {
  for (const [name, over] of CASES) {
    it(name, () => {
      const p = smallParams({ kernel: 'dense', ...over });
      const steps = 200;
      const core = createCore(p, SEEDS);
      expect(core.advance(steps)).toBe(steps);
      const got = core.kernel.denseWeights();
      const ref = naiveTrain(p, SEEDS, steps);
      expect(relDiff(got.W, ref.W)).toBeLessThan(1e-12);
      expect(relDiff(got.a, ref.a)).toBeLessThan(1e-12);
      // the run moved away from init, so the comparison is not vacuous
      expect(relDiff(got.W, core.init.W)).toBeGreaterThan(1e-6);
    });
  }

  it('and stepping in chunks gives the same bits as one long call', () => {
    for (const over of [{}, { optimizer: 'sam' as const, rho: 0.2 }, { batch: 3 }]) {
      const p = smallParams(over);
      const one = createCore(p, SEEDS);
      one.advance(300);
      const many = createCore(p, SEEDS);
      for (const c of [1, 7, 92, 200]) many.advance(c);
      expect(Array.from(many.kernel.M)).toEqual(Array.from(one.kernel.M));
      expect(Array.from(many.kernel.v)).toEqual(Array.from(one.kernel.v));
    }
  });
});
