import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { meanNoiseVariance, theoryColumns, type TheoryParams } from '../../src/core/theory.js';
import type { RunParams } from '../../src/core/types.js';

/** The paper's setting (m = 1000, η = 1e-3, ±σ, batch 1, ‖θ*‖ = 1) with σ = 4 unless overridden. */
const at = (over: Partial<RunParams> = {}): TheoryParams => ({ ...defaultParams(), width: 1000, lr: 1e-3, sigma: 4, ...over });
const measured = { norm_decay_rate: 3.4e-5, w_norm2_initial: 1, window_train_loss: 0.5 };

describe('the theory columns, on hand-computed cases', () => {
  it('predicts the decay rate η²(σ̄² + 2L̄) for ±σ noise, and the ratio and Phase I time from it', () => {
    const t = theoryColumns(at(), measured);
    expect(t.pred_norm_decay_rate).toBeCloseTo(1.7e-5, 15); // 1e-6·(16 + 2·0.5)
    expect(t.decay_rate_ratio).toBeCloseTo(2, 12); // 3.4e-5 / 1.7e-5
    expect(t.pred_phase1_steps).toBeCloseTo(406338.5458, 3); // ln(1/1e-3) / 1.7e-5
  });

  it('gives Theorem 2 and Lemma 6 time scales from the parameters alone', () => {
    const t = theoryColumns(at(), measured);
    expect(t.t1_bound).toBeCloseTo(1994709.7635, 3); // 384·√(ln 1000)/(16·1e-6·√1000)
    expect(t.pred_align_steps).toBeCloseTo(6907.7553, 3); // ln(1000)/1e-3
    expect(theoryColumns(at({ teacher_norm: 2 }), measured).pred_align_steps).toBeCloseTo(1726.9388, 3);
  });

  it('takes σ² for gaussian noise, σ²/2 for the periodic schedule and divides by the batch', () => {
    expect(theoryColumns(at({ noise: 'gaussian', sigma: 2 }), { ...measured, window_train_loss: 0 }).pred_norm_decay_rate).toBeCloseTo(4e-6, 15);
    const periodic = theoryColumns(at({ noise_schedule: 'periodic' }), { ...measured, w_norm2_initial: 0.5, window_train_loss: 0.25 });
    expect(periodic.pred_norm_decay_rate).toBeCloseTo(8.5e-6, 15); // 1e-6·(8 + 0.5)
    expect(periodic.pred_phase1_steps).toBeCloseTo(731130.3645, 3); // ln(0.5/1e-3)/8.5e-6
    expect(periodic.t1_bound).toBeCloseTo(3989419.527, 3); // σ̄² = 8
    expect(theoryColumns(at({ sigma: 2, batch: 4 }), { ...measured, window_train_loss: 0 }).pred_norm_decay_rate).toBeCloseTo(1e-6, 15);
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
      const t = theoryColumns(at(over), measured);
      for (const [name, v] of Object.entries(t)) expect(v, `${JSON.stringify(over)} ${name}`).toBeNaN();
    }
  });

  it('is null where the run measured nothing: a failed run, or a window the run never completed', () => {
    const failed = theoryColumns(at(), null);
    expect(failed.pred_norm_decay_rate).toBeNull();
    expect(failed.decay_rate_ratio).toBeNull();
    expect(failed.pred_phase1_steps).toBeNull();
    const short = theoryColumns(at(), { ...measured, norm_decay_rate: null });
    expect(short.decay_rate_ratio).toBeNull();
    expect(short.pred_norm_decay_rate).toBeCloseTo(1.7e-5, 15);
  });
});
