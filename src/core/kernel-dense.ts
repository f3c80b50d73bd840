/** The dense kernel: M = W and v = a themselves; per-neuron metrics read W and W(0) row by row. */
import type { Network } from './data.js';
import { rowNorms2, type KernelImpl, type NeuronColumns } from './kernel-api.js';
import type { StateArrays } from './step-state.js';

/** `arrays`: where M and v live (a WebAssembly loop's memory, stepped in place; default ordinary arrays). */
export function createDenseKernel(net: Network, m: number, d: number, arrays?: StateArrays): KernelImpl {
  const M = arrays ? arrays.f64(m * d) : new Float64Array(m * d);
  const v = arrays ? arrays.f64(m) : new Float64Array(m);
  M.set(net.W);
  v.set(net.a);
  const W0 = net.W; // W(0) is only read from here on: share it rather than hold a third m×d copy
  return {
    kind: 'dense',
    rows: m,
    M,
    v,
    w0n2: rowNorms2(W0, m, d),
    /** 3·m·d FMA, one pass over W and W(0). */
    neuronColumns(thetaStar: Float64Array, out: NeuronColumns): void {
      const { wn2, dn2, a, ip } = out;
      for (let i = 0, base = 0; i < m; i++, base += d) {
        let s2 = 0,
          e2 = 0,
          p = 0;
        for (let j = 0; j < d; j++) {
          const w = M[base + j];
          const e = w - W0[base + j];
          s2 += w * w;
          e2 += e * e;
          p += w * thetaStar[j];
        }
        wn2[i] = s2;
        dn2[i] = e2;
        ip[i] = p;
        a[i] = v[i];
      }
    },
    /** m subtractions: v is a itself. */
    aStepAbsMean(vPrev: Float64Array): number {
      let s = 0;
      for (let i = 0; i < m; i++) s += Math.abs(v[i] - vPrev[i]);
      return s / m;
    },
    denseWeights(): Network {
      return { W: Float64Array.from(M), a: Float64Array.from(v) };
    },
  };
}
