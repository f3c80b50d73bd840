import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { LabelNoiseStream } from '../../src/core/noise.js';
import { SEEDS, smallParams } from './helpers.js';

// The paper's per-step identities for batch-1 label-noise SGD, with r the step's residual and x its sample:
//   Δ(‖w_i‖² − a_i²) = η² r² (a_i² ‖x‖² − (xᵀw_i)²)      (a_i² and w_i of the old parameters)
//   (a_i(t+1) − a_i(t))² = η² r² (xᵀw_i)²
describe("the paper's per-step identities hold on real steps", () => {
  for (const kernel of ['dense', 'subspace'] as const) {
    it(`for every neuron over 50 steps (${kernel})`, () => {
      const p = smallParams({ n: 15, d: 6, width: 40, lr: 0.02, sigma: 2, kernel });
      const { d, width: m, lr } = p;
      const core = createCore(p, SEEDS);
      const { X, y } = core.data;
      const stream = new LabelNoiseStream(p, SEEDS.sgd);
      const idx = new Int32Array(1);
      const eps = new Float64Array(1);
      let cur = core.kernel.denseWeights();
      let worstBalance = 0,
        worstA = 0;
      for (let t = 0; t < 50; t++) {
        stream.draw(t, idx, eps);
        const xo = idx[0] * d;
        const h = new Float64Array(m);
        let f = 0,
          xx = 0;
        for (let j = 0; j < d; j++) xx += X[xo + j] ** 2;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < d; j++) h[i] += cur.W[i * d + j] * X[xo + j];
          f += cur.a[i] * h[i];
        }
        const r = f - y[idx[0]] - eps[0];
        core.advance(1);
        const next = core.kernel.denseWeights();
        for (let i = 0; i < m; i++) {
          let w2 = 0,
            w2n = 0;
          for (let j = 0; j < d; j++) {
            w2 += cur.W[i * d + j] ** 2;
            w2n += next.W[i * d + j] ** 2;
          }
          const lhs = w2n - next.a[i] ** 2 - (w2 - cur.a[i] ** 2);
          const rhs = lr * lr * r * r * (cur.a[i] ** 2 * xx - h[i] ** 2);
          const scale = lr * lr * r * r * (cur.a[i] ** 2 * xx + h[i] ** 2);
          // The lhs is a difference of O(1) numbers: allow rounding of the squared norms (~1e-15 each).
          worstBalance = Math.max(worstBalance, Math.abs(lhs - rhs) / (scale + 1e-12));
          const da2 = (next.a[i] - cur.a[i]) ** 2;
          worstA = Math.max(worstA, Math.abs(da2 - lr * lr * r * r * h[i] ** 2) / (lr * lr * r * r * h[i] ** 2 + 1e-30));
        }
        cur = next;
      }
      expect(worstBalance).toBeLessThan(1e-5);
      expect(worstA).toBeLessThan(1e-8);
    });
  }
});
