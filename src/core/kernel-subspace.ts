/**
 * The subspace kernel: an exact reparametrisation for sgd, sam and gd. Every update moves a along W's columns
 * (∇a = W g) and W's columns along a (∇W = a gᵀ), so a and the d columns of W stay in S = span(a(0), W(0)e_1, …,
 * W(0)e_d), of dimension k ≤ d+1. With Q (m×k) an orthonormal basis of S:
 *
 *     W = Q C   (C: k×d)        a = Q c   (c: k)        Q stored row-major: row i is q_i, so w_i = Cᵀq_i, a_i = c·q_i
 *
 * and the step loops run on (C, c) at O(k·d) per step, whatever m is. Metrics that are invariants of Q
 * (θ = Cᵀc, WᵀW = CᵀC, ‖a‖ = ‖c‖) never touch Q; the per-neuron ones stream over q_i with k×k quadratic forms.
 */
import type { Network } from './data.js';
import { rowNorms2, type KernelImpl, type NeuronColumns, type NeuronSumConstants } from './kernel-api.js';
import { wasmNeuronPass } from './steps-wasm.js';
import type { WasmLease } from './wasm-arena.js';

/** A candidate whose residual after projection is below this fraction of its norm is dropped as dependent. */
const DEPENDENT_TOL = 1e-12;

/**
 * Orthonormal basis of span(a, W's columns) by modified Gram-Schmidt with one re-orthogonalisation pass ("twice
 * is enough", Giraud et al. 2005), dropping near-dependent candidates. Returns Q row-major (m×k).
 * O(m·k²·4) once per run; allocates k+1 m-vectors.
 */
export function spanBasis(W: Float64Array, a: Float64Array, m: number, d: number): { Q: Float64Array; k: number } {
  const basis: Float64Array[] = [];
  const w = new Float64Array(m);
  for (let cand = 0; cand <= d; cand++) {
    if (cand === 0) w.set(a);
    else for (let i = 0; i < m; i++) w[i] = W[i * d + cand - 1];
    let norm0 = 0;
    for (let i = 0; i < m; i++) norm0 += w[i] * w[i];
    norm0 = Math.sqrt(norm0);
    if (norm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i] * w[i];
        for (let i = 0; i < m; i++) w[i] -= dot * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    if (norm <= DEPENDENT_TOL * norm0) continue;
    const q = new Float64Array(m);
    for (let i = 0; i < m; i++) q[i] = w[i] / norm;
    basis.push(q);
  }
  const k = basis.length;
  const Q = new Float64Array(m * k);
  for (let l = 0; l < k; l++) {
    const q = basis[l];
    for (let i = 0; i < m; i++) Q[i * k + l] = q[i];
  }
  return { Q, k };
}

/** With a `lease`, the per-neuron pass runs in WebAssembly (the same bits as the JavaScript pass below). */
export function createSubspaceKernel(net: Network, m: number, d: number, lease: WasmLease | null = null): KernelImpl {
  const { Q, k } = spanBasis(net.W, net.a, m, d);
  const w0n2 = rowNorms2(net.W, m, d);
  const wasmPass = lease ? wasmNeuronPass(lease, Q, m, k, w0n2) : null;
  // C = QᵀW, c = Qᵀa, streaming over neurons: O(m·k·d). With a lease, in its memory: the loops step them in place.
  const M = lease ? lease.f64(k * d) : new Float64Array(k * d);
  const v = lease ? lease.f64(k) : new Float64Array(k);
  for (let i = 0; i < m; i++) {
    const qo = i * k,
      wo = i * d,
      ai = net.a[i];
    for (let l = 0; l < k; l++) {
      const ql = Q[qo + l];
      v[l] += ql * ai;
      for (let j = 0; j < d; j++) M[l * d + j] += ql * net.W[wo + j];
    }
  }
  const C0 = Float64Array.from(M);
  // Packed upper triangles of G = CCᵀ and E = (C − C0)(C − C0)ᵀ, interleaved per (j, l ≥ j), off-diagonals
  // doubled so that qᵀGq = Σ_j q_j Σ_{l≥j} packed·q_l. Refilled at each metric row; allocated once.
  const packed = new Float64Array(k * (k + 1));
  const p = new Float64Array(k);
  const D = new Float64Array(k * d);
  const dv = new Float64Array(k);

  /** dv = c − c' for a_i − a_i' = q_i·dv. */
  const stepOfV = (vPrev: Float64Array): Float64Array => {
    for (let l = 0; l < k; l++) dv[l] = v[l] - vPrev[l];
    return dv;
  };

  /** G, E (packed) and p = Cθ* from the current C: O(k²·d), once per row. */
  const formPacked = (thetaStar: Float64Array): void => {
    for (let x = 0; x < k * d; x++) D[x] = M[x] - C0[x];
    let at = 0;
    for (let j = 0; j < k; j++) {
      let pj = 0;
      for (let c = 0; c < d; c++) pj += M[j * d + c] * thetaStar[c];
      p[j] = pj;
      for (let l = j; l < k; l++) {
        let gs = 0,
          es = 0;
        for (let c = 0; c < d; c++) {
          gs += M[j * d + c] * M[l * d + c];
          es += D[j * d + c] * D[l * d + c];
        }
        const twice = l === j ? 1 : 2;
        packed[at++] = twice * gs;
        packed[at++] = twice * es;
      }
    }
  };

  return {
    kind: 'subspace',
    rows: k,
    M,
    v,
    w0n2,
    /**
     * Per metric row: O(k²·d) to form G, E and p = Cθ*, then per neuron two k×k symmetric quadratic forms and two
     * k-dots: ≈ k(k+1) + 2k FMA (≈ 500 at d = 20), reading only q_i. Never forms W.
     */
    neuronColumns(thetaStar: Float64Array, out: NeuronColumns): void {
      if (!lease?.packedInPlace) formPacked(thetaStar);
      if (wasmPass !== null) {
        wasmPass.columns(packed, v, p);
        if (out !== wasmPass.cols) {
          out.wn2.set(wasmPass.cols.wn2);
          out.dn2.set(wasmPass.cols.dn2);
          out.a.set(wasmPass.cols.a);
          out.ip.set(wasmPass.cols.ip);
        }
        return;
      }
      const { wn2, dn2, a, ip } = out;
      // Two neurons per iteration share every load of `packed` and double the independent add chains (≈1.5x
      // faster than one at a time at k = 21); an odd last neuron is paired with itself.
      for (let i = 0; i < m; i += 2) {
        const ib = i + 1 < m ? i + 1 : i;
        const qa = i * k,
          qb = ib * k;
        let sa = 0,
          sb = 0,
          ea = 0,
          eb = 0,
          aa = 0,
          ab = 0,
          pa = 0,
          pb = 0,
          at2 = 0;
        for (let j = 0; j < k; j++) {
          const qja = Q[qa + j],
            qjb = Q[qb + j];
          aa += v[j] * qja;
          ab += v[j] * qjb;
          pa += p[j] * qja;
          pb += p[j] * qjb;
          let ga = 0,
            gb = 0,
            fa = 0,
            fb = 0;
          for (let l = j; l < k; l++) {
            const g = packed[at2],
              e = packed[at2 + 1];
            const la = Q[qa + l],
              lb = Q[qb + l];
            ga += g * la;
            gb += g * lb;
            fa += e * la;
            fb += e * lb;
            at2 += 2;
          }
          sa += qja * ga;
          sb += qjb * gb;
          ea += qja * fa;
          eb += qjb * fb;
        }
        // Rounding can leave a tiny negative quadratic form; a squared norm is ≥ 0 (NaN passes through: diverged).
        wn2[i] = sa < 0 ? 0 : sa;
        dn2[i] = ea < 0 ? 0 : ea;
        a[i] = aa;
        ip[i] = pa;
        wn2[ib] = sb < 0 ? 0 : sb;
        dn2[ib] = eb < 0 ? 0 : eb;
        a[ib] = ab;
        ip[ib] = pb;
      }
    },
    ...(wasmPass === null
      ? {}
      : {
          ownColumns: wasmPass.cols,
          neuronSums(thetaStar: Float64Array, c: NeuronSumConstants, vPrev: Float64Array | null, out: Float64Array): void {
            if (!lease?.packedInPlace) formPacked(thetaStar);
            wasmPass.sums(packed, v, p, c, vPrev ? stepOfV(vPrev) : null, out);
          },
        }),
    /** a − a' = Q(c − c'): per neuron one k-dot with the row q_i, m·k FMA in all. */
    aStepAbsMean(vPrev: Float64Array): number {
      stepOfV(vPrev);
      let s = 0;
      for (let i = 0, qo = 0; i < m; i++, qo += k) {
        let x = 0;
        for (let l = 0; l < k; l++) x += Q[qo + l] * dv[l];
        s += Math.abs(x);
      }
      return s / m;
    },
    denseWeights(): Network {
      const W = new Float64Array(m * d);
      const a = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        const qo = i * k;
        let ai = 0;
        for (let l = 0; l < k; l++) {
          const ql = Q[qo + l];
          ai += ql * v[l];
          for (let j = 0; j < d; j++) W[i * d + j] += ql * M[l * d + j];
        }
        a[i] = ai;
      }
      return { W, a };
    },
  };
}
