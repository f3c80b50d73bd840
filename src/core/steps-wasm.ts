/**
 * The WebAssembly step loops (src/core/wasm/*.ts, built by `npm run build` into dist/core/wasm/steps.wasm):
 * every optimiser at every batch size, f64x2 SIMD, bit-identical to the JavaScript loops (steps-b1.ts,
 * steps-batch.ts), which stay as the fallback where WebAssembly SIMD or its memory is missing and as the reference
 * the tests compare against. The memory and instance come from the thread's arena (wasm-arena.ts).
 *
 * LNSWEEP_WASM=0 in the environment (or `wasm: false` to createCore) forces the JavaScript loops.
 *
 * A run's data and state are laid out once in the lent memory (the subspace kernel's neuron pass first, from the
 * module's heap base, then the step loops' arrays). The StepState stays the source of truth between calls: a call
 * copies M, v, h, the pending sample and the generator's four words in and back out, O(rows·d) per chunk of steps.
 */
import { claim, type WasmLease } from './wasm-arena.js';
import type { NeuronColumns, NeuronSumConstants } from './kernel-api.js';
import type { StepState } from './step-state.js';
import { primeB1 } from './steps-b1.js';
import { refreshTheta } from './steps-batch.js';
import type { TrainParams } from './types.js';

type Loop = (s: StepState, t0: number, count: number) => number;

/** Bytes of the neuron pass's layout for m neurons and rank k (layoutNeurons in src/core/wasm/neurons.ts). */
export function neuronPassBytes(m: number, k: number): number {
  const m8 = (m + 7) & ~7;
  return 8 * (m8 * k + k * (k + 1) + 3 * k + 5 * m8 + 8 + 9) + 64;
}

/** Bytes of the step loops' layout (layout and layoutBatch in src/core/wasm/steps.ts and batch.ts), alignment included. */
export function stepLoopBytes(n: number, d: number, rows: number, perStep: number): number {
  return 8 * (n * d + 2 * n + rows * d + 2 * rows + 8) + 16 + 8 * (5 * d + rows + perStep) + 4 * perStep + 48;
}

/**
 * The subspace kernel's per-neuron pass in WebAssembly: `cols` are views of the lent memory, refilled by each
 * call (valid while the lease is held: the memory never grows); `sums` also fills the metric row's sums over neurons.
 */
export interface NeuronPass {
  readonly cols: NeuronColumns;
  /** fills cols from the packed forms, v and p (see neuronColumns in kernel-subspace.ts) */
  columns(packed: Float64Array, v: Float64Array, p: Float64Array): void;
  /**
   * the same, and the row's sums over neurons into `out` (sumNeurons order, see metrics.ts), then with `dv`
   * (= c − c') Σ_i |q_i·dv| = Σ|a_i − a'_i| into out[8]
   */
  sums(packed: Float64Array, v: Float64Array, p: Float64Array, c: NeuronSumConstants, dv: Float64Array | null, out: Float64Array): void;
}

/**
 * The per-neuron pass of the subspace kernel in WebAssembly (two neurons per SIMD lane pair, each in the JavaScript
 * order, so the same bits), laid out first in the lease. Copies Q (m×k row-major) in once, in blocks of eight
 * neurons, and ‖w_i(0)‖²: the memory holds m·k + 5m doubles for the run (neuronPassBytes).
 */
export function wasmNeuronPass(lease: WasmLease, Q: Float64Array, m: number, k: number, w0n2: Float64Array): NeuronPass {
  const { w, buffer: buf } = lease;
  // layoutNeurons starts at the module's heap base: the neuron pass is laid out first
  if (lease.free !== w.heapBase()) throw new Error('[core] bug: the neuron pass must be laid out first in its memory');
  const m4 = (m + 7) & ~7;
  claim(lease, w.layoutNeurons(m, k));
  const q = new Float64Array(buf, w.offNQ(), m4 * k);
  for (let i = 0; i < m; i++) {
    const block = (i >> 3) * 8 * k,
      lane = i & 7;
    for (let j = 0; j < k; j++) q[block + 8 * j + lane] = Q[i * k + j];
  }
  new Float64Array(buf, w.offNW0(), m).set(w0n2);
  const packedW = new Float64Array(buf, w.offNPacked(), k * (k + 1));
  const vW = new Float64Array(buf, w.offNV(), k);
  const pW = new Float64Array(buf, w.offNP(), k);
  const dvW = new Float64Array(buf, w.offNDv(), k);
  const sumsW = new Float64Array(buf, w.offNSums(), 9);
  const cols: NeuronColumns = {
    wn2: new Float64Array(buf, w.offNWn(), m),
    dn2: new Float64Array(buf, w.offNDn(), m),
    a: new Float64Array(buf, w.offNA(), m),
    ip: new Float64Array(buf, w.offNIp(), m),
  };
  const load = (packed: Float64Array, v: Float64Array, p: Float64Array) => {
    packedW.set(packed);
    vW.set(v);
    pW.set(p);
  };
  return {
    cols,
    columns(packed, v, p) {
      load(packed, v, p);
      w.neuronColumns();
    },
    sums(packed, v, p, c, dv, out) {
      load(packed, v, p);
      if (dv) dvW.set(dv);
      w.neuronRow(c.lazyTol2, c.lr, c.sqrtLr, c.starNorm, dv !== null);
      out.set(dv ? sumsW : sumsW.subarray(0, 8));
    },
  };
}

/**
 * The WebAssembly loop for these parameters (every optimiser and batch size), laid out in the lease after whatever
 * is there already (stepLoopBytes). Copies X, y and ‖x‖² into the memory once.
 */
export function wasmLoopFor(lease: WasmLease, p: Pick<TrainParams, 'optimizer' | 'batch'>, s: StepState): Loop {
  const { w, buffer: buf } = lease;
  const { n, d, rows, perStep } = s;
  claim(lease, w.layoutBatch(w.layout(lease.free, n, d, rows), perStep, s.fullBatch ? 1 : 0));
  new Float64Array(buf, w.offX(), n * d).set(s.X);
  new Float64Array(buf, w.offY(), n).set(s.y);
  new Float64Array(buf, w.offXsq(), n).set(s.xsq);
  const M = new Float64Array(buf, w.offM(), rows * d);
  const v = new Float64Array(buf, w.offV(), rows);
  const h = new Float64Array(buf, w.offH(), rows);
  const S = new Float64Array(buf, w.offS(), 5);
  const R = new Int32Array(buf, w.offR(), 4);
  const sam = p.optimizer === 'sam';
  if (p.optimizer === 'gd' || p.optimizer === 'oscillate' || p.batch > 1) {
    const theta = new Float64Array(buf, w.offTheta(), d);
    const osc = p.optimizer === 'oscillate';
    return (st: StepState, t0: number, count: number): number => {
      if (!st.thetaFresh) refreshTheta(st);
      M.set(st.M);
      v.set(st.v);
      theta.set(st.theta);
      R.set(st.rng.s);
      const taken = osc
        ? w.oscillateGd(t0, count, st.lr, st.q, st.code, st.sigma, st.period)
        : sam
          ? w.samBatch(t0, count, st.lr, st.rho, st.code, st.sigma, st.period)
          : w.sgdBatch(t0, count, st.lr, st.code, st.sigma, st.period);
      st.M.set(M);
      st.v.set(v);
      st.theta.set(theta);
      st.rng.s.set(R);
      return taken;
    };
  }

  return (st: StepState, t0: number, count: number): number => {
    if (!st.primed) primeB1(st, t0);
    M.set(st.M);
    v.set(st.v);
    h.set(st.h);
    S[0] = st.idx;
    S[1] = st.eps;
    S[2] = st.f;
    S[3] = st.hh;
    S[4] = st.aa;
    R.set(st.rng.s);
    const taken = sam ? w.samB1(t0, count, st.lr, st.rho, st.code, st.sigma, st.period) : w.sgdB1(t0, count, st.lr, st.code, st.sigma, st.period);
    st.M.set(M);
    st.v.set(v);
    st.h.set(h);
    st.idx = S[0];
    st.eps = S[1];
    st.f = S[2];
    st.hh = S[3];
    st.aa = S[4];
    st.rng.s.set(R);
    return taken;
  };
}
