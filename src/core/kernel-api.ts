/**
 * The interface both native kernels implement. The step loops only see (M, v); a kernel says what M and v mean
 * and how to read per-neuron quantities back out of them for the metrics.
 */
import type { Network } from './data.js';
import type { Kernel } from './types.js';

/** Per-neuron columns, length m each, refilled at every metric row. */
export interface NeuronColumns {
  /** ‖w_i‖² */
  wn2: Float64Array;
  /** ‖w_i − w_i(0)‖² */
  dn2: Float64Array;
  /** a_i */
  a: Float64Array;
  /** ⟨w_i, θ*⟩ */
  ip: Float64Array;
}

/** The thresholds and scale the metric row's sums over neurons need (metrics.ts, sumNeurons). */
export interface NeuronSumConstants {
  /** ‖Δw_i‖² ≤ lazyTol2 counts as lazy (α²/m: theory.ts lazyTolerance2) */
  lazyTol2: number;
  /** ‖Δw_i‖² ≤ ‖w_i(0)‖²·lazyRelTol2 counts as relatively lazy (1/m) */
  lazyRelTol2: number;
  /** a neuron is in Phase II when ‖w_i‖² ≤ phase2W2 and |a_i| ≤ phase2A (α⁴η and α²√η: theory.ts phase2Thresholds) */
  phase2W2: number;
  phase2A: number;
  /** ‖θ*‖ */
  starNorm: number;
}

export function allocNeuronColumns(m: number): NeuronColumns {
  return { wn2: new Float64Array(m), dn2: new Float64Array(m), a: new Float64Array(m), ip: new Float64Array(m) };
}

export interface KernelImpl {
  readonly kind: Kernel;
  /** rows of M: m (dense) or k ≤ d+1 (subspace) */
  readonly rows: number;
  /** the stepped state, rows×d row-major, and rows; θ = Mᵀv, WᵀW = MᵀM and ‖a‖ = ‖v‖ hold for both kernels */
  readonly M: Float64Array;
  readonly v: Float64Array;
  /** ‖w_i(0)‖² per neuron */
  readonly w0n2: Float64Array;
  neuronColumns(thetaStar: Float64Array, out: NeuronColumns): void;
  /** columns the kernel keeps itself (WebAssembly memory), filled by neuronSums; the metrics read them from there */
  readonly ownColumns?: NeuronColumns;
  /**
   * Where the kernel has it (the subspace kernel in WebAssembly): the per-neuron pass into ownColumns and the metric
   * row's sums over neurons in one go, bit for bit what sumNeurons (metrics.ts) gives on the same columns; with
   * `vPrev` also out[8] = Σ_i |a_i − a_i'|, bit for bit m·aStepAbsMean(vPrev).
   */
  neuronSums?(thetaStar: Float64Array, c: NeuronSumConstants, vPrev: Float64Array | null, out: Float64Array): void;
  /** (1/m) Σ_i |a_i − a_i'| where a' is the second layer whose stepped form (v) was `vPrev`: the per-step movement
   * of a, the quantity the paper plots for its oscillation. */
  aStepAbsMean(vPrev: Float64Array): number;
  /** W (m×d) and a as fresh dense arrays (subspace: forms QC, O(m·k·d)); for tests and other engines */
  denseWeights(): Network;
}

/** ‖row i‖² of an m×d row-major matrix. O(m·d). */
export function rowNorms2(W: Float64Array, m: number, d: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0, base = 0; i < m; i++, base += d) {
    let s = 0;
    for (let j = 0; j < d; j++) s += W[base + j] * W[base + j];
    out[i] = s;
  }
  return out;
}
