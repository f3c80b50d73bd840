/**
 * theory.ts's closed forms on hand-computed cases. Values marked "python:" were worked with python3's math module
 * (math.erf, math.log, math.sqrt), not with the code under test: P(χ²₁ ≤ x) = erf(√(x/2)); the end point
 * (docs/theory.md) W∞ = ‖θ*‖√(tr/ρ)(1 − ε/2) − (d/(d+1))ησ̄²/B, ε = η(d − 1)(1 + 1/B)a₀²/2, a₀² = ‖θ*‖√(ρ/tr),
 * ‖a‖² = a₀²(1 + ε/2) − ησ̄²/((d+1)B), mean ‖wᵢ‖² = W∞/m.
 */
import { describe, expect, it } from 'vitest';
import { meanNoiseVariance } from '../../src/core/noise-variance.js';
import { defaultParams } from '../../src/core/params.js';
import { markerUnreachable, phase2Thresholds, theoryColumns, type ModelPrediction, type TheoryParams } from '../../src/core/theory.js';
import type { RunParams } from '../../src/core/types.js';

/** The paper's setting (m = 1000, η = 1e-3, ±σ, batch 1, ‖θ*‖ = 1, α = 1, d = 20) with σ = 4 unless overridden. */
const at = (over: Partial<RunParams> = {}): TheoryParams => ({ ...defaultParams(), width: 1000, lr: 1e-3, sigma: 4, ...over });
const measured = { norm_decay_rate: 3.4e-5, window_train_loss: 0.5 };
const model: ModelPrediction = {
  k0: 1000,
  w_norm2_end: 0.01,
  phase1_steps: null,
  align_steps: 4e5,
  sigma_trace: 20,
  sigma_along: 1,
  phase2_frac_final: 0.52,
};

describe('the theory columns, on hand-computed cases', () => {
  it('predicts the decay rate η²(σ̄² + 2L̄) for ±σ noise, and the ratio from it', () => {
    const t = theoryColumns(at(), measured, model);
    expect(t.pred_norm_decay_rate).toBeCloseTo(1.7e-5, 15); // 1e-6·(16 + 2·0.5)
    expect(t.decay_rate_ratio).toBeCloseTo(2, 12); // 3.4e-5 / 1.7e-5
  });

  it('gives the end point: mean ‖wᵢ‖² ≈ √d‖θ*‖/m less its finite-step and noise shifts, ‖a‖² ≈ ‖θ*‖/√d, F∞ = P(χ²₁ ≤ α⁴ηm/W∞)', () => {
    const t = theoryColumns(at(), measured, null); // no model: the population's Σ = I (tr 20, ρ = 1) and χ²₁ law
    expect(t.pred_w_norm2_final).toBeCloseTo(0.004447397859761485, 15); // python; √20/1000 = 0.004472 less 0.55%
    expect(t.pred_a_norm2_final).toBeCloseTo(0.2233198929880742, 14); // python
    expect(t.pred_phase2_frac_final).toBeCloseTo(0.3646313858172494, 12); // python: erf(√(1e-3/0.0044474/2))
    expect(t.phase2_reachable).toBe(0);
    // with the model: its tr Σ̂ and ρ (here those of Σ = I) and the run's own end-point fraction, passed through
    const withModel = theoryColumns(at(), measured, model);
    expect(withModel.pred_w_norm2_final).toBeCloseTo(0.004447397859761485, 15);
    expect([withModel.pred_phase2_frac_final, withModel.phase2_reachable]).toEqual([0.52, 1]);
    // the run's own Σ̂ (tr 19, ρ = 1.2): W₀ = √(19/1.2) = 3.98 instead of √20 = 4.47
    const own = theoryColumns(at(), measured, { ...model, sigma_trace: 19, sigma_along: 1.2 });
    expect(own.pred_w_norm2_final).toBeCloseTo(0.003954374033533012, 15); // python
    expect(own.pred_a_norm2_final).toBeCloseTo(0.25115044021311256, 14); // python
    // batch 4: ε and the noise shift both shrink
    expect(theoryColumns(at({ batch: 4 }), measured, model).pred_w_norm2_final).toBeCloseTo(0.004462388931190056, 15); // python
    // under η = 1/(α²m) (σ = 4 throughout); python: 0.18896836129005726, 0.6560534682569107, 0.941483735499734
    const rule = (alpha: number) => theoryColumns(at({ alpha, lr: 1 / (alpha * alpha * 1000) }), measured, null);
    expect(rule(0.5).pred_phase2_frac_final).toBeCloseTo(0.18896836129005726, 12);
    expect(rule(2).pred_phase2_frac_final).toBeCloseTo(0.6560534682569107, 12);
    expect(rule(4).pred_phase2_frac_final).toBeCloseTo(0.941483735499734, 12);
    expect([rule(0.5), rule(2), rule(4)].map((t) => t.phase2_reachable)).toEqual([0, 1, 1]);
  });

  it('gives Theorem 2 (× the batch) and t_esc = −2·ln(1 − 1/√m)/κ₀, κ₀ = η²σ̄²(1 + ηK₀)/B', () => {
    const t = theoryColumns(at(), measured, model);
    expect(t.t1_bound).toBeCloseTo(1994709.7635, 3); // 384·√(ln 1000)/(16·1e-6·√1000)
    expect(theoryColumns(at({ batch: 4 }), measured, model).t1_bound).toBeCloseTo(7978839.054091728, 3); // python, ×4
    expect(t.pred_lazy_escape_steps).toBeCloseTo(2008.3483764428636, 6); // python: ηK₀ = 1, κ₀ = 3.2e-5
    expect(theoryColumns(at({ batch: 4 }), measured, model).pred_lazy_escape_steps).toBeCloseTo(4 * 2008.3483764428636, 5);
  });

  it("passes the model's predictions through, null where it gives none", () => {
    const t = theoryColumns(at(), measured, model);
    expect([t.pred_w_norm2_end, t.pred_phase1_steps, t.pred_align_steps]).toEqual([0.01, null, 4e5]);
    const none = theoryColumns(at(), measured, null);
    expect([none.pred_w_norm2_end, none.pred_phase1_steps, none.pred_align_steps, none.pred_lazy_escape_steps]).toEqual([null, null, null, null]);
  });

  it('gives the noise ratio x = (d − 1)ησ̄²/(2B√d‖θ*‖)', () => {
    expect(theoryColumns(at(), measured, model).noise_ratio).toBeCloseTo(0.033988233258, 11); // 19·1e-3·16/(2·√20)
    expect(theoryColumns(at({ batch: 4, teacher_norm: 0.5 }), measured, model).noise_ratio).toBeCloseTo(0.016994116629, 11);
    expect(theoryColumns(at({ noise_schedule: 'periodic' }), measured, model).noise_ratio).toBeCloseTo(0.016994116629, 11);
  });

  it('flags a rich start at σ/α² ≥ 8', () => {
    const rich = (sigma: number, alpha: number) => theoryColumns(at({ sigma, alpha }), measured, model).rich_start;
    expect([rich(7.9, 1), rich(8, 1), rich(31, 2), rich(32, 2), rich(1.99, 0.5), rich(2, 0.5)]).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('takes σ² for gaussian noise, σ²/2 for the periodic schedule and divides by the batch', () => {
    const noBoost = { ...measured, window_train_loss: 0 };
    expect(theoryColumns(at({ noise: 'gaussian', sigma: 2 }), noBoost, model).pred_norm_decay_rate).toBeCloseTo(4e-6, 15);
    const periodic = theoryColumns(at({ noise_schedule: 'periodic' }), { ...measured, window_train_loss: 0.25 }, model);
    expect(periodic.pred_norm_decay_rate).toBeCloseTo(8.5e-6, 15); // 1e-6·(8 + 0.5)
    expect(periodic.t1_bound).toBeCloseTo(3989419.527, 3); // σ̄² = 8
    expect(theoryColumns(at({ sigma: 2, batch: 4 }), noBoost, model).pred_norm_decay_rate).toBeCloseTo(1e-6, 15);
    expect(meanNoiseVariance({ sigma: 3, noise: 'none', noise_schedule: 'constant' })).toBe(0);
  });

  it('is NaN, not null, where the formulas do not apply', () => {
    const cases: Partial<RunParams>[] = [
      { sigma: 0 },
      { noise: 'none' },
      { optimizer: 'sam', rho: 0.1 },
      { optimizer: 'gd' },
      { optimizer: 'oscillate' },
      { experiment: 'realdata', engine: 'tfjs' },
    ];
    for (const over of cases) {
      const t = theoryColumns(at(over), measured, model);
      for (const [name, v] of Object.entries(t)) expect(v, `${JSON.stringify(over)} ${name}`).toBeNaN();
    }
  });

  it('is null where the run measured nothing: a failed run, or a window the run never completed', () => {
    const failed = theoryColumns(at(), null, null);
    expect(failed.pred_norm_decay_rate).toBeNull();
    expect(failed.decay_rate_ratio).toBeNull();
    expect(failed.pred_w_norm2_final).toBeCloseTo(0.004447397859761485, 15); // from the parameters alone (Σ = I)
    const short = theoryColumns(at(), { ...measured, norm_decay_rate: null }, model);
    expect(short.decay_rate_ratio).toBeNull();
    expect(short.pred_norm_decay_rate).toBeCloseTo(1.7e-5, 15);
  });
});

describe("the Phase II thresholds in the run's units", () => {
  it('are the paper’s η, √η, √η at α = 1 and α⁴η, α²√η, α³√η otherwise', () => {
    expect(phase2Thresholds({ alpha: 1, lr: 1e-4 })).toEqual({ w2: 1e-4, a: 0.01, mean: 0.01 });
    const t = phase2Thresholds({ alpha: 0.5, lr: 4e-3 });
    expect(t.w2).toBeCloseTo(2.5e-4, 18); // 0.0625·4e-3
    expect(t.a).toBeCloseTo(0.25 * Math.sqrt(4e-3), 16);
    expect(t.mean).toBeCloseTo(0.125 * Math.sqrt(4e-3), 16);
  });

  it('call a marker unreachable when the end point lies outside its set', () => {
    // α = 1, m = 1000: F∞ = 0.365 < 0.5; mean floor 0.00445 ≤ √η = 0.0316
    expect(markerUnreachable('phase2_step_50', at())).toBe(true);
    expect(markerUnreachable('phase2_step_90', at())).toBe(true);
    expect(markerUnreachable('phase2_mean_step', at())).toBe(false);
    expect(markerUnreachable('align_step_50', at())).toBe(false);
    // α = 4 under the lr rule: F∞ = 0.941 reaches 0.5 and 0.9; every neuron (m·(1 − F∞) = 58.6 ≥ ½) does not
    const big = at({ alpha: 4, lr: 1 / 16000 });
    expect(['phase2_step_50', 'phase2_step_90', 'phase2_step'].map((m) => markerUnreachable(m, big))).toEqual([false, false, true]);
    // ‖θ*‖ = 50 at α = 1: floor √20·50/1000 = 0.224 > √η
    expect(markerUnreachable('phase2_mean_step', at({ teacher_norm: 50 }))).toBe(true);
    expect(markerUnreachable('phase2_step_50', at({ sigma: 0 }))).toBe(false);
  });
});
