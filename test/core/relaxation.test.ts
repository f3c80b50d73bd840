/**
 * The relaxation to the noise-sustained state (src/core/relaxation.ts) and the model's hand-off to it
 * (src/core/phase-model.ts attachTail): the run's neurons on the path, whatever factor of S carries them, the hand-off
 * against the closed form it continues (an identity up to the finite step's shift), and the model's relaxation and Phase
 * I crossing against the engine at reduced scale, where the closed form alone comes too early. About 8 s.
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { initNetwork, makeData } from '../../src/core/data.js';
import { limitProblem } from '../../src/core/noise-state.js';
import { defaultParams } from '../../src/core/params.js';
import { buildPhaseModel, PhaseModel, predictRun } from '../../src/core/phase-model.js';
import { RelaxationTail } from '../../src/core/relaxation.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { digestRun } from '../../src/core/summarize.js';
import { terminalState } from '../../src/core/terminal-state.js';
import { phase2Thresholds } from '../../src/core/theory.js';
import { train } from '../../src/core/train.js';
import type { RunParams, RunSeeds } from '../../src/core/types.js';
import { seedSet } from './noise-state-runs.js';

/**
 * A run on the lr rule η = 1/(α²m) at noise ratio x, ±σ noise, ‖θ*‖ = 1, B = 1 (x = (d − 1)ησ²/(2√d)), lasting
 * `units` noise units 1/(η²σ²). α = 3 keeps σ/α² below 8 (not a rich start), so the model hands off to the path.
 */
function ruleRun(d: number, n: number, x: number, units: number, over: Partial<RunParams> = {}): RunParams {
  const alpha = 3;
  const width = 40;
  const lr = 1 / (alpha * alpha * width);
  const sigma = Math.sqrt((2 * Math.sqrt(d) * x) / ((d - 1) * lr));
  const steps = Math.round(units / (lr * lr * sigma * sigma));
  return { ...defaultParams(), n, d, width, alpha, lr, sigma, teacher_norm: 1, steps, log_every: Math.max(1, Math.round(steps / 400)), ...over };
}

describe('the path of the limit equation', () => {
  /**
   * The run's neurons uᵢ as coefficients on the path's d + 1 neurons U (uᵢ = Ucᵢ), for the factor U = QΛ^{1/2}R of
   * S = Σᵢuᵢuᵢᵀ with R orthogonal: cᵢ = RᵀΛ^{-1/2}Qᵀuᵢ.
   */
  function factor(neurons: number[][], R: Matrix) {
    const D = neurons[0].length;
    const S = Array.from({ length: D }, (_, r) => Array.from({ length: D }, (_, c) => neurons.reduce((acc, u) => acc + u[r] * u[c], 0)));
    const evd = new EigenvalueDecomposition(new Matrix(S), { assumeSymmetric: true });
    const U = evd.eigenvectorMatrix.mmul(Matrix.diag(evd.realEigenvalues.map(Math.sqrt))).mmul(R);
    const coeff = neurons.map((u) =>
      evd.eigenvectorMatrix
        .transpose()
        .mmul(Matrix.columnVector(u))
        .to1DArray()
        .map((v, k) => v / Math.sqrt(evd.realEigenvalues[k])),
    );
    const c = coeff.map((v) => R.transpose().mmul(Matrix.columnVector(v)).to1DArray());
    const d = D - 1;
    return {
      W: Float64Array.from({ length: d * D }, (_, q) => U.get(Math.floor(q / D), q % D)),
      A: Float64Array.from({ length: D }, (_, k) => U.get(d, k)),
      coefficients: Float64Array.from(c.flat()),
    };
  }

  it("gives the run's neurons values that depend on S and on the neurons alone, not on how S is factored", () => {
    const d = 5;
    const D = d + 1;
    const problem = limitProblem(makeData({ ...defaultParams(), n: 50, d }, seedSet(0)), 0.8);
    const rng = new Xoshiro128([1, 2, 3, 4]);
    const neurons = Array.from({ length: 30 }, () => Array.from({ length: D }, (_, k) => (k < d ? 3 : 1) * rng.nextGaussian()));
    const rotation = new QrDecomposition(new Matrix(Array.from({ length: D }, () => Array.from({ length: D }, () => rng.nextGaussian()))))
      .orthogonalMatrix;
    const opts = { horizon: 3, every: 0.5, stepScale: 0.2, seeds: [[5, 6, 7, 8] as [number, number, number, number]] };
    const tails = [Matrix.eye(D), rotation].map((R) => {
      const f = factor(neurons, R);
      return new RelaxationTail(problem, { W: f.W, A: f.A }, f.coefficients, 1, 0, opts);
    });
    const initial = neurons.reduce((acc, u) => acc + u.slice(0, d).reduce((s, v) => s + v * v, 0), 0) / neurons.length;
    // at τ = 0 the neurons are themselves: their mean ‖w‖², the share at or below a threshold, their mean |cos(w, θ̂*)|
    expect(Math.abs(tails[0].meanW2(0) / initial - 1)).toBeLessThan(1e-12);
    const norms = neurons.map((u) => u.slice(0, d).reduce((acc, v) => acc + v * v, 0));
    const sorted = [...norms].sort((a, b) => a - b);
    const threshold = (sorted[11] + sorted[12]) / 2; // 12 of the 30 at or below
    const cos = neurons.map((u, i) => Math.abs(u.slice(0, d).reduce((acc, v, j) => acc + v * problem.dir[j], 0)) / Math.sqrt(norms[i]));
    for (const tail of tails) {
      expect(tail.fractionBelow(0, threshold)).toBeCloseTo(12 / 30, 12);
      expect(tail.meanAbsCos(0)).toBeCloseTo(cos.reduce((a, b) => a + b, 0) / 30, 12);
    }
    let moved = 0;
    for (const tau of [0.5, 1.5, 3]) {
      const [one, other] = tails;
      const w2 = one.meanW2(tau);
      moved = Math.max(moved, Math.abs(w2 / initial - 1));
      expect(Math.abs(other.meanW2(tau) / w2 - 1), `τ = ${tau}`).toBeLessThan(1e-6);
      expect(Math.abs(other.meanAbsCos(tau) - one.meanAbsCos(tau)), `τ = ${tau}`).toBeLessThan(1e-6);
      expect(other.fractionBelow(tau, initial)).toBe(one.fractionBelow(tau, initial));
    }
    expect(moved, 'the neurons moved').toBeGreaterThan(0.1);
  });
});

describe('the hand-off (d = 10, x = 0.4, above the onset x_c ≈ 0.13)', () => {
  const p = ruleRun(10, 100, 0.4, 20);
  const seeds = seedSet(0);
  const model = buildPhaseModel(p, seeds);
  const tauH = model.handOffTau;

  it("continues the closed form: just past it the path starts from the closed form's own neurons", () => {
    expect(tauH).toBeGreaterThan(0);
    expect(tauH).toBeLessThan(model.tauAt(p.steps));
    const data = makeData(p, seeds);
    const { w2Shift } = terminalState(p, seeds, data)!;
    const after = tauH * (1 + 1e-12);
    const w2 = model.meanW2(tauH);
    expect(Math.abs(model.meanW2(after) - (w2 + w2Shift)) / w2).toBeLessThan(1e-9);
    expect(Math.abs(model.meanAbsCos(after) - model.meanAbsCos(tauH))).toBeLessThan(1e-9);
    // a threshold near the neurons' median ‖wᵢ‖² (the first of mean·0.5, 0.55, … with a third to two thirds below),
    // so that a moved neuron shows
    let threshold = w2 * 0.5;
    while (model.fractionBelow(tauH, threshold) < 1 / 3) threshold *= 1.1;
    expect(model.fractionBelow(after, threshold)).toBeCloseTo(model.fractionBelow(tauH, threshold), 9);
    expect(model.fractionBelow(tauH, threshold)).toBeLessThan(2 / 3);
  });

  it('hands off where the mean ‖wᵢ‖² is 30 times the state', () => {
    const state = predictRun(p, seeds)!.w_norm2_final!;
    expect(model.meanW2(tauH) / state).toBeCloseTo(30, 6);
  });
});

describe('the relaxation past the gate, against the engine (d = 10, n = 100, m = 40, α = 3, x = 0.4, 20 noise units)', () => {
  // A quarter of the way through the run the weights are a few times the state and still relaxing. Measured over
  // 2 data sets × 4 inits (8 SGD streams each, the engine's mean ‖wᵢ‖² at that step; one run spreads by 7–14%, the
  // mean of 8 by 3–5%): model/engine 1.02–1.20, the closed form without the path 0.62–0.68, since it relaxes the
  // weights to the state at the end point's e^{−τ}. The Phase I crossing against the engine's median phase2_step_50
  // over 8 settings is the last block's.
  for (const k of [0, 1]) {
    it(`data set ${k}: the model's mean ‖wᵢ‖² a quarter of the way is within [0.9, 1.25] of the engine's; the closed form alone is below 0.75`, () => {
      const p = ruleRun(10, 100, 0.4, 20);
      const seeds = seedSet(k);
      const at = Math.round(p.steps / 4 / p.log_every) * p.log_every;
      let engine = 0;
      for (let s = 0; s < 8; s++) {
        const res = train(p, { ...seeds, sgd: [9 + s, 10, 11, 12] });
        expect(res.status).toBe('done');
        const row = Array.from(res.metrics.step).indexOf(at);
        expect(row, `stream ${s} logs step ${at}`).toBeGreaterThan(0);
        engine += res.metrics.values.w_norm2_mean[row] / 8;
      }
      const model = buildPhaseModel(p, seeds);
      const data = makeData(p, seeds);
      const closed = new PhaseModel(p, data, initNetwork(p, seeds.init), terminalState(p, seeds, data)!.w2);
      const tau = model.tauAt(at);
      expect(tau, 'the step is past the hand-off').toBeGreaterThan(model.handOffTau);
      const ratio = model.meanW2(tau) / engine;
      expect(ratio, `model ${model.meanW2(tau)}, engine ${engine}`).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.25);
      expect(closed.meanW2(tau) / engine, `closed form ${closed.meanW2(tau)}`).toBeLessThan(0.75);
    });
  }
});

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

// Measured, model/engine per setting: 1.08, 1.13, 1.25, 1.13 (data set 0), 0.99, 1.13, 1.02, 1.01 (data set 1): mean
// 1.09; the closed form alone (relaxing to the state at the end point's e^{−τ}): 0.76, 0.75, 0.86, 0.76, 0.73, 0.78,
// 0.73, 0.72, mean 0.76. The settings' ratios spread by about 0.08 (the engine's median of 8 by about 3.5%, the
// model's two paths and the inits the rest), so their mean by about 0.03. Bounds: the model's mean within 0.15 of 1,
// the closed form's below 0.85. On the phase-diagram grid (d = 20) the same ratio has median 1.02 over its 12 runs
// (README, "Theory against measurement"). About 3 s (two solves of the state, one per data set).
describe('the Phase I crossing past the gate against the engine (d = 10, n = 100, m = 40, α = 3, x = 0.4: 2 data sets × 4 inits)', () => {
  it("the model's pred_phase1_steps over the engine's median phase2_step_50 averages within 0.15 of 1; the closed form alone is early", () => {
    const p = ruleRun(10, 100, 0.4, 20);
    const ratios: number[] = [];
    const closedRatios: number[] = [];
    for (const k of [0, 1]) {
      for (const init of [0, 1, 2, 3]) {
        const seeds: RunSeeds = { ...seedSet(k), init: [5, 6, 7, 8 + init] };
        const reached: number[] = [];
        for (let s = 0; s < 8; s++) {
          const res = train(p, { ...seeds, sgd: [9 + s, 10, 11, 12] });
          const step = digestRun(res.metrics, p).phase2_step_50;
          expect(step, `data ${k}, init ${init}, stream ${s}`).not.toBeNull();
          reached.push(step!);
        }
        const engine = median(reached);
        ratios.push(predictRun(p, seeds)!.phase1_steps! / engine);
        const data = makeData(p, seeds);
        const closed = new PhaseModel(p, data, initNetwork(p, seeds.init), terminalState(p, seeds, data)!.w2);
        closedRatios.push(closed.firstStep((tau) => closed.fractionBelow(tau, phase2Thresholds(p).w2), 0.5)! / engine);
      }
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(Math.abs(mean(ratios) - 1), `model/engine ${ratios.map((r) => r.toFixed(3)).join(', ')}`).toBeLessThan(0.15);
    expect(mean(closedRatios), `closed form/engine ${closedRatios.map((r) => r.toFixed(3)).join(', ')}`).toBeLessThan(0.85);
  }, 60_000);
});
