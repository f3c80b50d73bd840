/**
 * The subspace kernel's per-neuron metric columns in WebAssembly (src/core/wasm/neurons.ts, loaded from dist/:
 * `npm run build` first) against the JavaScript pass, bit for bit, after training moved C away from C(0), at
 * widths that exercise the padding to four neurons (odd, 2 mod 4, a multiple of 4).
 */
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { METRIC_NAMES } from '../../src/core/types.js';
import { SEEDS, smallParams } from './helpers.js';

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

describe('WebAssembly neuron columns (subspace kernel)', () => {
  for (const [width, d] of [[30, 5], [1001, 20], [1000, 20], [7, 3]] as const) {
    it(`m=${width}, d=${d}: ‖w_i‖², ‖w_i − w_i(0)‖², a_i, ⟨w_i, θ*⟩ and the row have the same bits as JavaScript`, () => {
      const p = smallParams({ width, d, n: 40, lr: width > 100 ? 1e-3 : 0.01, steps: 3000, kernel: 'subspace', noise: 'gaussian' });
      const js = createCore(p, SEEDS, { wasm: false });
      const wa = createCore(p, SEEDS, { wasm: true });
      expect(js.kernel.kind).toBe('subspace');
      expect(js.advance(3000)).toBe(3000);
      expect(wa.advance(3000)).toBe(3000);
      const rj = new Float64Array(METRIC_NAMES.length), rw = new Float64Array(METRIC_NAMES.length);
      js.metrics.row(rj);
      wa.metrics.row(rw);
      for (const c of ['wn2', 'dn2', 'a', 'ip'] as const) {
        expect(wa.metrics.cols[c].length).toBe(width);
        expect(bits(wa.metrics.cols[c]), c).toBe(bits(js.metrics.cols[c]));
      }
      // The comparison means something only if training moved the weights: ‖Δw‖² is not zero everywhere.
      expect(js.metrics.cols.dn2.some((x) => x > 0)).toBe(true);
      expect(bits(rw)).toBe(bits(rj));
    });
  }
});
