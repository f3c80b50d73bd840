/**
 * The subspace kernel's per-neuron metric columns and the row's sums over neurons in WebAssembly
 * (src/core/wasm/neurons.ts, loaded from dist/: `npm run build` first) against the JavaScript pass and sumNeurons,
 * bit for bit, after training moved C away from C(0), at widths that exercise the padding to eight neurons (odd,
 * 2 mod 4, a multiple of 8, fewer than 8), at a small init scale that keeps part of the neurons in their lazy balls,
 * and after enough of Phase I that part of them are in Phase II (‖w_i‖² ≤ α⁴η, |a_i| ≤ α²√η), so that each count
 * in the row is neither 0 nor m in some case. Rows are taken as train() takes them, with the second layer held
 * one step before (a_step_abs_mean is then a number, not NaN).
 */
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { METRIC_INDEX } from '../../src/core/metrics.js';
import { METRIC_NAMES } from '../../src/core/types.js';
import { SEEDS, smallParams } from './helpers.js';

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

type Count = 'lazy_frac' | 'lazy_frac_rel' | 'phase2_frac';
const CASES: { width: number; d: number; lr: number; alpha: number; steps: number; sigma?: number; teacher_norm?: number; partial?: Count[] }[] = [
  { width: 30, d: 5, lr: 0.01, alpha: 1, steps: 3000 },
  { width: 1001, d: 20, lr: 1e-3, alpha: 1, steps: 3000 },
  { width: 1000, d: 20, lr: 1e-3, alpha: 1, steps: 3000 },
  { width: 7, d: 3, lr: 0.01, alpha: 1, steps: 3000 },
  { width: 203, d: 6, lr: 0.01, alpha: 0.1, steps: 1000, partial: ['lazy_frac', 'lazy_frac_rel'] },
  { width: 203, d: 6, lr: 0.016, alpha: 0.5, steps: 8000, sigma: 2, teacher_norm: 0.05, partial: ['phase2_frac'] },
];

describe('WebAssembly neuron columns and row sums (subspace kernel)', () => {
  for (const { width, d, lr, alpha, steps, sigma = 1, teacher_norm = 1, partial = [] } of CASES) {
    it(`m=${width}, d=${d}, α=${alpha}, ${steps} steps: ‖w_i‖², ‖w_i − w_i(0)‖², a_i, ⟨w_i, θ*⟩ and the whole row have the same bits as JavaScript`, () => {
      const p = smallParams({ width, d, n: 40, lr, alpha, steps, sigma, teacher_norm, kernel: 'subspace', noise: 'gaussian' });
      const js = createCore(p, SEEDS, { wasm: false });
      const wa = createCore(p, SEEDS, { wasm: true });
      expect(js.kernel.kind).toBe('subspace');
      expect('neuronSums' in js.kernel && js.kernel.neuronSums !== undefined).toBe(false);
      expect(typeof wa.kernel.neuronSums === 'function').toBe(true);
      // As train() takes a logged row: the second layer held one step before it, for a_step_abs_mean.
      for (const c of [js, wa]) {
        expect(c.advance(steps - 1)).toBe(steps - 1);
        c.metrics.holdPrevious();
        expect(c.advance(1)).toBe(1);
      }
      const rj = new Float64Array(METRIC_NAMES.length),
        rw = new Float64Array(METRIC_NAMES.length);
      js.metrics.row(rj);
      wa.metrics.row(rw);
      expect(rj[METRIC_INDEX.a_step_abs_mean]).toBeGreaterThan(0);
      for (const c of ['wn2', 'dn2', 'a', 'ip'] as const) {
        expect(wa.metrics.cols[c].length).toBe(width);
        expect(bits(wa.metrics.cols[c]), c).toBe(bits(js.metrics.cols[c]));
      }
      // The comparison means something only if training moved the weights: ‖Δw‖² is not zero everywhere.
      expect(js.metrics.cols.dn2.some((x) => x > 0)).toBe(true);
      for (const [i, name] of METRIC_NAMES.entries()) expect(bits(rw.subarray(i, i + 1)), name).toBe(bits(rj.subarray(i, i + 1)));
      for (const name of partial) {
        expect(rj[METRIC_INDEX[name]], name).toBeGreaterThan(0);
        expect(rj[METRIC_INDEX[name]], name).toBeLessThan(1);
      }
    });
  }

  it('the columns a row filled are what a later snapshot copies (views of the WebAssembly memory stay valid)', () => {
    const p = smallParams({ width: 203, d: 6, n: 40, lr: 0.01, alpha: 0.1, steps: 500, kernel: 'subspace', noise: 'gaussian' });
    const js = createCore(p, SEEDS, { wasm: false });
    const wa = createCore(p, SEEDS, { wasm: true });
    const row = new Float64Array(METRIC_NAMES.length);
    for (const c of [js, wa]) {
      c.advance(500);
      c.metrics.row(row);
    }
    const direct = { wn2: new Float64Array(203), dn2: new Float64Array(203), a: new Float64Array(203), ip: new Float64Array(203) };
    wa.kernel.neuronColumns(wa.data.thetaStar, direct);
    for (const c of ['wn2', 'dn2', 'a', 'ip'] as const) {
      expect(bits(wa.metrics.cols[c]), c).toBe(bits(js.metrics.cols[c]));
      expect(bits(direct[c]), c).toBe(bits(js.metrics.cols[c]));
    }
  });
});
