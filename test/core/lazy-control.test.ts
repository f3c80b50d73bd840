import { describe, expect, it } from 'vitest';
import { train } from '../../src/core/train.js';
import { SEEDS, smallParams } from './helpers.js';

describe('the σ = 0 control', () => {
  it('stays lazy (lazy_frac 1 at every row) while the train loss goes to ~0', () => {
    const p = smallParams({ n: 50, d: 10, width: 200, lr: 4e-3, sigma: 0, steps: 8000, log_every: 500 });
    const res = train(p, SEEDS);
    const { lazy_frac, train_loss, kernel_dist } = res.metrics.values;
    expect(Array.from(lazy_frac).every((x) => x === 1)).toBe(true);
    expect(train_loss[0]).toBeGreaterThan(0.1);
    expect(train_loss[res.metrics.rows - 1]).toBeLessThan(1e-20);
    expect(kernel_dist[res.metrics.rows - 1]).toBeLessThan(1e-3);
  });
});
