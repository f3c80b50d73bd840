/**
 * The linearised model is the network's first-order expansion at init: the two start equal, and for a small step
 * over a short time their gap is second order in the distance travelled (halving lr quarters it).
 */
import { describe, expect, test } from 'vitest';
import { trainRealData } from '../../src/engines/realdata/train.js';
import { realParams, seedsOf } from './helpers.js';

async function shortRun(lr: number) {
  const p = realParams({ lr, steps: 10, log_every: 10 });
  return (await trainRealData(p, seedsOf(p))).columns;
}

describe('the linearised model matches the network for a small lr over a short time', () => {
  test('equal at init, and the gap after 10 steps is second order: ×¼ when lr is halved', async () => {
    const a = await shortRun(1e-3);
    const b = await shortRun(5e-4);
    for (const c of [a, b]) {
      expect(c.values.train_loss[0]).toBe(c.values.lin_train_loss[0]);
      expect(c.values.test_loss[0]).toBe(c.values.lin_test_loss[0]);
      expect(c.values.out_dist[0]).toBe(0);
    }
    const last = a.rows - 1;
    // they really moved (first order) …
    const moved = a.values.train_loss[0] - a.values.train_loss[last];
    expect(moved).toBeGreaterThan(0.01 * a.values.train_loss[0]);
    // … while the loss gap is a small fraction of that motion
    expect(Math.abs(a.values.train_loss[last] - a.values.lin_train_loss[last])).toBeLessThan(0.01 * moved);
    // and the output gap is second order in the step: halving lr (half the distance) gives about a quarter
    // (measured: 3.75; the network's own curvature along the path makes it a little less than 4)
    const ratio = a.values.out_dist[last] / b.values.out_dist[last];
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(5);
    // the weights moved alike to first order
    expect(a.values.w1_move[last]).toBeCloseTo(a.values.lin_w1_move[last], 4);
  });
});
