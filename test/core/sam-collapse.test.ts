import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { SEEDS, smallParams } from './helpers.js';

function thetaNorm(rho: number): number {
  const p = smallParams({ n: 50, d: 10, width: 200, lr: 4e-3, sigma: 0, optimizer: 'sam', rho });
  const core = createCore(p, SEEDS);
  core.advance(4000);
  core.metrics.trainLoss(); // refreshes θ
  return Math.hypot(...core.metrics.theta);
}

describe('SAM with a large radius', () => {
  it('collapses θ toward 0, where a small radius fits the teacher (‖θ*‖ = 1)', () => {
    expect(thetaNorm(1)).toBeLessThan(0.05);
    expect(Math.abs(thetaNorm(0.01) - 1)).toBeLessThan(0.1);
  });
});
