import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { METRIC_INDEX } from '../../src/core/metrics.js';
import { train } from '../../src/core/train.js';
import { METRIC_NAMES } from '../../src/core/types.js';
import { SEEDS, smallParams } from './helpers.js';

/** mean |a_i(t) − a_i(t−1)| straight from dense weights, stepping a fresh core. */
function direct(p: ReturnType<typeof smallParams>, t: number): number {
  const core = createCore(p, SEEDS);
  core.advance(t - 1);
  const before = core.kernel.denseWeights().a;
  core.advance(1);
  const after = core.kernel.denseWeights().a;
  return after.reduce((s, x, i) => s + Math.abs(x - before[i]), 0) / p.width;
}

describe('a_step_abs_mean: mean |aᵢ(t) − aᵢ(t−1)| at each logged row', () => {
  for (const kernel of ['dense', 'subspace'] as const) {
    it(`matches the direct difference at every row after step 0, NaN at step 0 (${kernel})`, () => {
      const p = smallParams({ steps: 95, log_every: 20, sigma: 2, kernel });
      const res = train(p, SEEDS);
      const col = res.metrics.values.a_step_abs_mean;
      expect(Array.from(res.metrics.step)).toEqual([0, 20, 40, 60, 80, 95]);
      expect(col[0]).toBeNaN();
      for (let r = 1; r < res.metrics.rows; r++) {
        const want = direct(p, res.metrics.step[r]);
        expect(want).toBeGreaterThan(0);
        expect(Math.abs(col[r] - want), `row ${r}`).toBeLessThanOrEqual(1e-12 * want);
      }
    });
  }

  it('is η^{1/4} for the oscillating second layer, every neuron jumping by q each step (paper Eqs. 6-7)', () => {
    const p = smallParams({ optimizer: 'oscillate', noise: 'none', sigma: 0, lr: 1e-4, steps: 40, log_every: 10, kernel: 'dense' });
    const col = train(p, SEEDS).metrics.values.a_step_abs_mean;
    for (let r = 1; r < col.length; r++) expect(col[r]).toBeCloseTo(0.1, 14); // (1e-4)^{1/4}
  });

  it('leaves the trajectory unchanged: every other column equals a run logged without the split', () => {
    const p = smallParams({ steps: 60, log_every: 20, sigma: 2 });
    const res = train(p, SEEDS);
    const core = createCore(p, SEEDS);
    core.advance(60);
    const row = new Float64Array(METRIC_NAMES.length);
    core.metrics.row(row);
    expect(row[METRIC_INDEX.a_step_abs_mean]).toBeNaN(); // nothing held
    expect(res.metrics.values.train_loss[3]).toBe(row[METRIC_INDEX.train_loss]);
    expect(res.metrics.values.w_norm2_mean[3]).toBe(row[METRIC_INDEX.w_norm2_mean]);
  });
});
