/**
 * Both sides of the limit-equation checks (test/core/noise-state.test.ts, test/slow/noise-state.test.ts): the problem
 * (Σ̂'s eigenvalues and θ̂* in its eigenbasis from the run's own X and θ*: the solver's input), the engine's time-averaged
 * ‖W‖²_F/ν at width d + 1, and the η → 0 end point worked by hand (docs/theory.md, "The end point").
 */
import { expect } from 'vitest';
import { makeData } from '../../src/core/data.js';
import { limitProblem, type LimitProblem } from '../../src/core/noise-state.js';
import { defaultParams } from '../../src/core/params.js';
import { meanFrom } from '../../src/core/metric-log.js';
import { train } from '../../src/core/train.js';
import type { RunParams, RunSeeds } from '../../src/core/types.js';

export interface Setting {
  d: number;
  n: number;
  /** the engine's learning rate */
  eta: number;
}

export const seedSet = (k: number): RunSeeds => ({ data: [11 + k, 2, 3, 4], teacher: [3, 1, 4, 1 + k], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] });

/** σ of ±σ noise for noise ratio x at ‖θ*‖ = 1, B = 1: x = (d − 1)ησ²/(2√d). */
const sigmaFor = ({ d, eta }: Setting, x: number): number => Math.sqrt((2 * Math.sqrt(d) * x) / ((d - 1) * eta));

export const problemOf = ({ d, n }: Setting, seeds: RunSeeds, x: number): LimitProblem =>
  limitProblem(makeData({ ...defaultParams(), n, d }, seeds), x);

/** The engine's ‖W‖²_F/ν, ν = ησ², averaged over the logged rows of the last two thirds of `units` noise units. */
export function engineState(setting: Setting, seeds: RunSeeds, x: number, units: number): number {
  const { d, n, eta } = setting;
  const sigma = sigmaFor(setting, x);
  const nu = eta * sigma * sigma;
  const steps = Math.round(units / (eta * nu));
  const p: RunParams = {
    ...defaultParams(),
    n,
    d,
    width: d + 1,
    alpha: 1,
    lr: eta,
    sigma,
    teacher_norm: 1,
    steps,
    log_every: Math.max(1, Math.round(steps / 1500)),
  };
  const res = train(p, seeds);
  expect(res.status).toBe('done');
  const tail = meanFrom(res.metrics, 'w_norm2_mean', steps / 3);
  return (tail * (d + 1)) / nu;
}

/** The end point's ‖W‖²_F/ν as η → 0 on the run's Σ̂: √(tr Σ̂/ρ)·√d‖θ̃*‖ − d/(d + 1), ‖θ̃*‖ = (d − 1)/(2√d·x). */
export function endPointOf({ lambda, dir, x }: LimitProblem): number {
  const d = lambda.length;
  let trace = 0;
  let along = 0;
  for (let j = 0; j < d; j++) {
    trace += lambda[j];
    along += dir[j] * dir[j] * lambda[j];
  }
  return Math.sqrt(trace / along) * ((d - 1) / (2 * Math.sqrt(d) * x)) - d / (d + 1);
}
