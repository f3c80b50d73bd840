/**
 * The end point of label-noise SGD (theory.ts endPoint, docs/theory.md) at d = 20, n = 200, with batch 1 and 4, and
 * where it stops holding. Width 21 (= d + 1: ‖W‖²_F has the same dynamics at every width from d + 1 on), η = 0.016,
 * 150 units of the noise clock B/(η²σ̄²) per run, the mean ‖wᵢ‖² averaged over the last two thirds; about 10 s.
 * Measured on four seed sets (these are the first): measured/predicted 0.987–1.001 at batch 1 (the finite-step shift
 * is −3.4% here, and its first-order form leaves ±1.3%), 0.997–1.001 at batch 4 (shift −2.1%); the population's
 * √d‖θ*‖/m misses by 3–12%. At x = 0.3 the weights settle 1.6–1.8x above the end point: the noise-sustained state,
 * which the model's pred_w_norm2_final is there (docs/theory.md, "Where the end point holds", "The limit equation").
 */
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { predictRun } from '../../src/core/phase-model.js';
import { endPoint, theoryColumns } from '../../src/core/theory.js';
import { meanFrom } from '../../src/core/metric-log.js';
import { train } from '../../src/core/train.js';
import type { RunParams, RunSeeds } from '../../src/core/types.js';

const SEEDS: RunSeeds = { data: [21, 2, 3, 4], teacher: [3, 1, 4, 5], init: [5, 6, 7, 8], sgd: [9, 10, 11, 30] };
const D = 20;

/** Measured stationary mean ‖wᵢ‖² over the predicted end point, at noise ratio x and batch B. */
function stationary(lr: number, batch: number, x: number): { ratio: number; model: number; population: number; noiseRatio: number } {
  const sigma = Math.sqrt((x * batch * 2 * Math.sqrt(D)) / ((D - 1) * lr)); // x = (d − 1)ησ²/(2B√d‖θ*‖)
  const steps = Math.round(150 / ((lr * lr * sigma * sigma) / batch));
  const p: RunParams = {
    ...defaultParams(),
    n: 200,
    d: D,
    width: D + 1,
    alpha: 1,
    lr,
    sigma,
    batch,
    teacher_norm: 1,
    steps,
    log_every: Math.round(steps / 1000),
  };
  const res = train(p, SEEDS);
  expect(res.status).toBe('done');
  const tail = meanFrom(res.metrics, 'w_norm2_mean', steps / 3);
  const prediction = predictRun(p, SEEDS)!;
  const theory = theoryColumns(p, null, prediction);
  const measured = tail;
  // the end point on this data set's Σ̂, whatever the model's terminal state is (past d·x = 0.75 the noise-sustained state)
  const end = endPoint(p, { trace: prediction.sigma_trace, along: prediction.sigma_along }).w2;
  return {
    ratio: measured / end,
    model: measured / theory.pred_w_norm2_final!,
    population: measured / (Math.sqrt(D) / p.width),
    noiseRatio: theory.noise_ratio!,
  };
}

describe('the end point at d = 20', () => {
  it('is the stationary mean ‖wᵢ‖² within 2% at batch 1 and within 0.8% at batch 4 (x = 0.01)', () => {
    const one = stationary(0.016, 1, 0.01);
    expect(Math.abs(one.ratio - 1)).toBeLessThan(0.02);
    const four = stationary(0.016, 4, 0.01);
    expect(four.noiseRatio).toBeCloseTo(0.01, 12);
    expect(Math.abs(four.ratio - 1)).toBeLessThan(0.008);
    // what the test tells apart: the population's end point misses this data set by more than 3%
    expect(Math.abs(four.population - 1)).toBeGreaterThan(0.03);
  });

  it('does not hold at x = 0.3: the weights settle more than 30% above it, in the noise-sustained state the model gives there', () => {
    const at = stationary(0.004, 1, 0.3);
    expect(at.ratio).toBeGreaterThan(1.3);
    // the engine at η = 0.004 lies above the η → 0 state by O(ηK): +4% at x = 0.2, +5.5% at 0.4 (docs/theory.md), and
    // one solve spreads by 1–3% here. Measured: 0.996 on these seeds, 1.034 on the next set (data 22, teacher 6, sgd 31)
    expect(at.model).toBeGreaterThan(0.97);
    expect(at.model).toBeLessThan(1.12);
  });
});
