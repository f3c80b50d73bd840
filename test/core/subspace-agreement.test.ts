import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { spanBasis } from '../../src/core/kernel-subspace.js';
import { METRIC_NAMES, type TrainParams } from '../../src/core/types.js';
import { relDiff, SEEDS, smallParams } from './helpers.js';

const CASES: [string, Partial<TrainParams>][] = [
  ['sgd', {}],
  ['sgd, batch 4', { batch: 4 }],
  ['sam', { optimizer: 'sam', rho: 0.2 }],
  ['sam, batch 4', { optimizer: 'sam', rho: 0.2, batch: 4 }],
  ['gd', { optimizer: 'gd', lr: 0.02 }],
];

describe('the subspace kernel agrees with dense', () => {
  for (const [name, over] of CASES) {
    it(`to 1e-9 relative after 10k steps: ${name}`, () => {
      const p = smallParams({ width: 50, d: 5, n: 20, lr: 0.005, ...over });
      const dense = createCore({ ...p, kernel: 'dense' }, SEEDS);
      const sub = createCore({ ...p, kernel: 'subspace' }, SEEDS);
      expect(sub.kernel.rows).toBe(6);
      // the last step separately, the second layer held before it, so a_step_abs_mean is compared too
      expect(dense.advance(9999)).toBe(9999);
      expect(sub.advance(9999)).toBe(9999);
      dense.metrics.holdPrevious();
      sub.metrics.holdPrevious();
      expect(dense.advance(1) + sub.advance(1)).toBe(2);
      const a = dense.kernel.denseWeights();
      const b = sub.kernel.denseWeights();
      expect(relDiff(b.W, a.W)).toBeLessThan(1e-9);
      expect(relDiff(b.a, a.a)).toBeLessThan(1e-9);
      expect(relDiff(a.W, dense.init.W)).toBeGreaterThan(1e-4);
      const ra = new Float64Array(METRIC_NAMES.length);
      const rb = new Float64Array(METRIC_NAMES.length);
      dense.metrics.row(ra);
      sub.metrics.row(rb);
      METRIC_NAMES.forEach((name, c) => {
        if (name === 'kernel_dist') expect(Math.abs(rb[c] - ra[c])).toBeLessThan(1e-12);
        else expect(Math.abs(rb[c] - ra[c])).toBeLessThanOrEqual(1e-9 * Math.abs(ra[c]) + 1e-15);
      });
    });
  }

  it('builds an orthonormal basis of span(a, W columns) and drops dependent vectors', () => {
    const m = 12,
      d = 4;
    const rng = new Xoshiro128([8, 6, 7, 5]);
    const W = Float64Array.from({ length: m * d }, () => rng.nextGaussian());
    // a is a combination of W's columns 0 and 2: the span has dimension d, not d + 1
    const a = Float64Array.from({ length: m }, (_, i) => 2 * W[i * d] - 0.5 * W[i * d + 2]);
    const { Q, k } = spanBasis(W, a, m, d);
    expect(k).toBe(d);
    for (let l = 0; l < k; l++) {
      for (let u = 0; u < k; u++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += Q[i * k + l] * Q[i * k + u];
        expect(Math.abs(dot - (l === u ? 1 : 0))).toBeLessThan(1e-14);
      }
    }
  });
});
