import { describe, expect, it } from 'vitest';
import { train } from '../../src/core/train.js';
import { SEEDS, smallParams } from './helpers.js';

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
function decay(sigma: number) {
  const p = smallParams({ n: 50, d: 10, width: 200, lr: 4e-3, sigma, steps: 3000, log_every: 100 });
  const res = train(p, SEEDS);
  const { w_norm2_mean: w2, train_loss: L } = res.metrics.values;
  const rows = res.metrics.rows;
  const measured = -Math.log(w2[rows - 1] / w2[0]) / p.steps;
  let meanL = 0;
  for (let r = 0; r < rows; r++) meanL += L[r] / rows;
  const predicted = p.lr * p.lr * (sigma * sigma + 2 * meanL);
  return { measured, predicted };
}

describe('label noise shrinks the first layer', () => {
  it('at a rate within 2x of η²(σ² + mean clean r²), faster for larger σ', () => {
    const s2 = decay(2);
    const s4 = decay(4);
    for (const { measured, predicted } of [s2, s4]) {
      expect(measured / predicted).toBeGreaterThan(0.5);
      expect(measured / predicted).toBeLessThan(2);
    }
    expect(s4.measured).toBeGreaterThan(2 * s2.measured);
  });
});
