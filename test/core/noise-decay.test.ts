import { describe, expect, it } from 'vitest';
import { train } from '../../src/core/train.js';
import type { RunSeeds } from '../../src/core/types.js';
import { smallParams } from './helpers.js';

/*
 * Predicted decay of mean ‖w_i‖² under label noise (Phase I), from the per-step identity (batch 1)
 *     Δ(‖w_i‖² − a_i²) = η² r² (a_i² ‖x‖² − (xᵀw_i)²).
 * Summing over i:  Δ(‖W‖²_F − ‖a‖²) = η² r² (‖a‖² ‖x‖² − ‖Wx‖²).
 * Take expectations over the step's sample with x ~ N(0, I_d) (E‖x‖² = d, E‖Wx‖² = ‖W‖²_F), treating r² as
 * uncorrelated with ‖Wx‖² at leading order, and E r² = E(r_clean − ε)² = mean clean r² + σ² (ε independent,
 * mean 0, E ε² = σ² for rademacher); mean clean r² = 2·train_loss:
 *     E Δ(‖W‖²_F − ‖a‖²) = −η² (σ² + 2 L) (‖W‖²_F − d ‖a‖²).
 * At NTK init ‖a‖² ≈ α² ≪ ‖W‖²_F / d ≈ α² m / d, so ‖a‖² is a small, bounded share of ‖W‖²_F (here d‖a‖²/‖W‖²_F
 * ≈ 0.05) and mean ‖w_i‖² = ‖W‖²_F / m decays like exp(−κ t) with
 *     κ = η² (σ² + 2 L)      (L the train loss averaged over the window).
 * The test measures κ over the first 3000 steps at n=50, d=10, m=200, η=4e-3 (σ=4 gives κ ≈ 3e-4: ~one e-fold).
 */
function decay(sigma: number, seeds: RunSeeds) {
  const p = smallParams({ n: 50, d: 10, width: 200, lr: 4e-3, sigma, steps: 3000, log_every: 100 });
  const res = train(p, seeds);
  const { w_norm2_mean: w2, train_loss: L } = res.metrics.values;
  const rows = res.metrics.rows;
  const measured = -Math.log(w2[rows - 1] / w2[0]) / p.steps;
  let meanL = 0;
  for (let r = 0; r < rows; r++) meanL += L[r] / rows;
  const predicted = p.lr * p.lr * (sigma * sigma + 2 * meanL);
  return { measured, predicted, ratio: measured / predicted };
}

/** Eight independent runs: data, teacher, init and SGD streams all differ. */
const SEED_SETS: RunSeeds[] = Array.from({ length: 8 }, (_, s) => ({
  data: [1 + s, 2, 3, 4],
  teacher: [3, 1 + s, 4, 1],
  init: [5, 6 + s, 7, 8],
  sgd: [9, 10, 11 + s, 12],
}));

/*
 * Tolerances from the measured spread. Over 24 such seed sets the ratio measured/predicted was 1.011 ± 0.066 (sd;
 * range 0.87-1.11) at σ = 2 and 0.889 ± 0.056 (range 0.78-0.99) at σ = 4: the prediction is leading order (it drops
 * the ‖a‖² share and the r²-‖Wx‖² correlation, which matter more as the norms shrink further at σ = 4). So:
 *   each run's ratio within [0.7, 1.3]:    0.7 is 3.4 sd below the σ = 4 mean, 1.3 is 4.4 sd above the σ = 2 mean
 *   the mean over the 8 runs in [0.8, 1.1]: an 8-run mean has sd 0.056/√8 ≈ 0.020 (σ = 4) and 0.023 (σ = 2), so
 *                                          0.8 is 4.5 sd below 0.889 and 1.1 is 3.8 sd above 1.011
 */
describe('label noise shrinks the first layer', () => {
  it('at the rate η²(σ² + mean clean r²): every one of 8 seeds within 30%, their mean within 0.8-1.1x; faster for larger σ', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const s2 = SEED_SETS.map((seeds) => decay(2, seeds));
    const s4 = SEED_SETS.map((seeds) => decay(4, seeds));
    for (const runs of [s2, s4]) {
      for (const { ratio } of runs) {
        expect(ratio).toBeGreaterThan(0.7);
        expect(ratio).toBeLessThan(1.3);
      }
      expect(mean(runs.map((r) => r.ratio))).toBeGreaterThan(0.8);
      expect(mean(runs.map((r) => r.ratio))).toBeLessThan(1.1);
    }
    // σ² grows 4x; with the loss term the predicted rate grows ≥ 3x, and each seed's measured rate does too.
    s2.forEach((r, i) => expect(s4[i].measured).toBeGreaterThan(2.5 * r.measured));
  });
});
