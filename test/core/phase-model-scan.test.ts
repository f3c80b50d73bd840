/**
 * The short cut of the Phase I model's crossing scan (src/core/phase-model.ts, firstStep's `nonDecreasing`): where
 * every ‖wᵢ(τ)‖² is non-increasing (R ≤ 1), the fraction of neurons in the ball cannot fall, so a scan whose last
 * point is below the level finds nothing and returns null at once. pred_phase1_steps is a column of every run's
 * results: with the short cut it must be bit for bit what the full scan gives, on runs that take it and on runs
 * (R > 1) that must not.
 */
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { buildPhaseModel, PhaseModel, predictRun } from '../../src/core/phase-model.js';
import { stateSolved } from '../../src/core/terminal-state.js';
import { phase2Thresholds } from '../../src/core/theory.js';
import type { RunParams, RunSeeds } from '../../src/core/types.js';

/** A seeded LCG (Numerical Recipes' constants): the same 300 runs every time. */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Random linear runs over a wide box: d 2–10, width 3–62, α, η, σ, ‖θ*‖ each over a factor of 16 or more. */
function randomRuns(count: number): { p: RunParams; seeds: RunSeeds }[] {
  const u = uniforms(23);
  const runs: { p: RunParams; seeds: RunSeeds }[] = [];
  let gated = 0;
  for (let i = 0; runs.length < count; i++) {
    const d = 2 + Math.floor(u() * 9);
    const p: RunParams = {
      ...defaultParams(),
      d,
      n: d + 5 + Math.floor(u() * 50),
      width: 3 + Math.floor(u() * 60),
      alpha: 2 ** (u() * 6 - 4),
      lr: 1e-3 * 2 ** (u() * 4),
      sigma: 0.2 * 2 ** (u() * 4),
      teacher_norm: 0.05 * 2 ** (u() * 8),
      batch: u() < 0.3 ? 2 : 1,
      steps: 10_000,
    };
    // past the gate each data set costs a solve of the limit equation (0.1–1 s): a few of those, not dozens
    if (stateSolved(p) && ++gated > 3) continue;
    runs.push({ p, seeds: { data: [i, 2, 3, 4], teacher: [3, 1, i, 1], init: [5, i, 7, 8], sgd: [9, 10, 11, 12] } });
  }
  return runs;
}

describe('the Phase I model’s scan for the end of Phase I', () => {
  it('gives pred_phase1_steps bit for bit as the full scan does, over 300 random runs with R ≤ 1 and R > 1', () => {
    const seen = { shortCut: 0, shortCutCrossing: 0, fullOnly: 0, gated: 0 };
    for (const { p, seeds } of randomRuns(300)) {
      const model = buildPhaseModel(p, seeds);
      const threshold = phase2Thresholds(p).w2;
      const full = model.firstStep((tau) => model.fractionBelow(tau, threshold), 0.5);
      const predicted = predictRun(p, seeds)!.phase1_steps;
      expect(Object.is(predicted, full), `${JSON.stringify(p)}: ${predicted} against the full scan's ${full}`).toBe(true);
      if (stateSolved(p)) seen.gated++;
      if (!model.normsNonIncreasing) seen.fullOnly++;
      else if (full === null) seen.shortCut++;
      else seen.shortCutCrossing++;
    }
    // every kind of run is in the sample: the short cut taken (null), a crossing found with it allowed, R > 1 where it
    // is not allowed, and runs past the gate (their R is the noise-sustained state's)
    expect(seen.shortCut).toBeGreaterThan(50);
    expect(seen.shortCutCrossing).toBeGreaterThan(50);
    expect(seen.fullOnly).toBeGreaterThan(50);
    expect(seen.gated).toBe(3);
  });

  it('finds a crossing that only the scan’s last point brackets, with the short cut taken', () => {
    // d = 2, Σ̂ = I, R = 0: ‖wᵢ‖² = (c² + p²)e^{−τ} for every neuron alike, so the fraction in a ball of e^{−37}(c² + p²)
    // jumps from 0 to 1 at τ = 37, between the scan's last two points (34.9 and its end, 40/λ = 40)
    const m = 3;
    const p: RunParams = { ...defaultParams(), n: 2, d: 2, width: m, lr: 0.01, sigma: 1, teacher_norm: 1, steps: 10_000 };
    const data = { X: Float64Array.from([Math.SQRT2, 0, 0, Math.SQRT2]), thetaStar: Float64Array.from([1, 0]), y: new Float64Array(2) };
    const W = new Float64Array(2 * m);
    for (let i = 0; i < m; i++) W.set([0.5, 1], 2 * i);
    const model = new PhaseModel(p, data, { W, a: new Float64Array(m).fill(0.1) }, 0);
    const ball = 1.25 * Math.exp(-37);
    const inBall = (tau: number) => model.fractionBelow(tau, ball);
    expect([inBall(34.8), inBall(37.01)]).toEqual([0, 1]);
    expect(model.normsNonIncreasing).toBe(true);
    const full = model.firstStep(inBall, 0.5);
    expect(model.tauAt(full!)).toBeCloseTo(37, 6);
    expect(model.firstStep(inBall, 0.5, true)).toBe(full);
  });

  it('does not take the short cut when R > 1, where the fraction in the ball rises and falls again', () => {
    // d = 2, θ̂* = e₁, Σ̂ = diag(10, 10): every neuron has c² = 1 across θ* (decaying as e^{−10τ}) and p² = 0.01 along
    // it, growing towards p²R = 0.8 (R = 80, a terminal state of mean ‖wᵢ‖² 0.8). ‖wᵢ‖² = e^{−10τ} + 0.01(80 − 79e^{−τ})
    // goes from 1.01 down to about 0.33 at τ ≈ 0.5 and back up to 0.8: inside the ball of 0.5 only in between.
    const m = 4;
    const p: RunParams = { ...defaultParams(), n: 2, d: 2, width: m, lr: 0.01, sigma: 1, teacher_norm: 1, steps: 10_000 };
    const data = { X: Float64Array.from([Math.sqrt(20), 0, 0, Math.sqrt(20)]), thetaStar: Float64Array.from([1, 0]), y: new Float64Array(2) };
    const W = new Float64Array(2 * m);
    for (let i = 0; i < m; i++) W.set([0.1, 1], 2 * i);
    const model = new PhaseModel(p, data, { W, a: new Float64Array(m).fill(0.1) }, 0.8);
    const inBall = (tau: number) => model.fractionBelow(tau, 0.5);
    expect([inBall(0), inBall(0.5), inBall(100)]).toEqual([0, 1, 0]);
    const full = model.firstStep(inBall, 0.5);
    expect(full).toBeGreaterThan(0);
    expect(model.normsNonIncreasing).toBe(false);
    expect(model.firstStep(inBall, 0.5, model.normsNonIncreasing)).toBe(full);
    // what the guard prevents: the last point alone says "never"
    expect(model.firstStep(inBall, 0.5, true)).toBeNull();
  });
});
