import { describe, expect, it } from 'vitest';
import { train } from '../../src/core/train.js';
import { SEEDS, smallParams } from './helpers.js';

// The paper's setting (n=200, d=20, lr=1e-3) with m=4000: the per-sample NTK scale ‖x‖²(‖a‖² + ‖W‖²_F/d) ≈ m + d
// puts η·K ≈ 4 > 2, beyond the stability edge; m=1000 (η·K ≈ 1) is stable.
const PAPER = { n: 200, d: 20, lr: 1e-3, sigma: 0, log_every: 1000 };

describe('divergence', () => {
  it('is detected at m=4000, lr=1e-3: the run stops at once with a final row at that step', () => {
    for (const kernel of ['subspace', 'dense'] as const) {
      const res = train(smallParams({ ...PAPER, width: 4000, steps: 20000, kernel }), SEEDS);
      expect(res.status).toBe('diverged');
      expect(res.stepsDone).toBeLessThan(1000);
      expect(res.divergeReason).toMatch(/step \d+/);
      expect(res.metrics.step[res.metrics.rows - 1]).toBe(res.stepsDone);
      expect(res.metrics.step[0]).toBe(0);
      // weights have blown up: the last row's loss is non-finite or huge
      expect(!(res.metrics.values.train_loss[res.metrics.rows - 1] < 1e6)).toBe(true);
    }
  });

  it('is not reported at m=1000 in the same setting', () => {
    const res = train(smallParams({ ...PAPER, width: 1000, steps: 20000 }), SEEDS);
    expect(res.status).toBe('done');
    expect(res.divergeReason).toBeUndefined();
  });

  it('triggers on train loss above diverge_loss, checked every min(log_every, 256) steps', () => {
    const res = train(smallParams({ diverge_loss: 1e-3, sigma: 0, steps: 1000, log_every: 1000 }), SEEDS);
    expect(res.status).toBe('diverged');
    expect(res.stepsDone).toBe(0);
    expect(res.divergeReason).toMatch(/train loss .* > diverge_loss 0.001 at step 0/);
    expect(Array.from(res.metrics.step)).toEqual([0]);
  });

  it('checks the train loss between rows too, every 256 steps when log_every is larger', () => {
    const res = train(smallParams({ diverge_loss: 2, sigma: 6, lr: 0.02, steps: 20000, log_every: 5000 }), SEEDS);
    expect(res.status).toBe('diverged');
    expect(res.divergeReason).toMatch(/train loss/);
    expect(res.stepsDone % 256).toBe(0);
    expect(res.stepsDone % 5000).not.toBe(0);
    expect(res.metrics.step[res.metrics.rows - 1]).toBe(res.stepsDone);
    expect(res.metrics.values.train_loss[res.metrics.rows - 1]).toBeGreaterThan(2);
  });
});
