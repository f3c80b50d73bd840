/**
 * The WebAssembly step loops (src/core/wasm/*.ts, built by `npm run build` into dist/core/wasm/steps.wasm):
 * every optimiser at every batch size, f64x2 SIMD, bit-identical to the JavaScript loops (steps-b1.ts,
 * steps-batch.ts), which stay as the fallback where WebAssembly SIMD or its memory is missing and as the reference
 * the tests compare against. The memory and instance come from the thread's arena (wasm-arena.ts).
 *
 * LNSWEEP_WASM=0 in the environment (or `wasm: false` to createCore) forces the JavaScript loops.
 *
 * A run's data and state are laid out once in the lent memory: the subspace kernel's neuron pass first, from the
 * module's heap base, then the kernel's M and v and the step state's h, θ and generator words (the loops step them
 * in place, so the metrics read them there and nothing is copied between chunks), then the loops' own arrays.
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

/**
 * Bytes of the step loops' state and layout, alignment included: M, v, h, θ and the generator's words (in the lease
 * from the kernel and createStepState, or copies made by wasmLoopFor), then layout and layoutBatch
 * (src/core/wasm/steps.ts and batch.ts).
 */
export function stepLoopBytes(n: number, d: number, rows: number, perStep: number): number {
  const state = 8 * (rows * d + 2 * rows + d) + 16 + 5 * 16;
  return state + 8 * (n * d + 2 * n + 8) + 8 * (4 * d + rows + perStep) + 4 * perStep + 32;
}

/**
 * The subspace kernel's per-neuron pass in WebAssembly: `cols` are views of the lent memory, refilled by each
 * call (valid while the lease is held: the memory never grows); `sums` also fills the metric row's sums over neurons.
 */
export interface NeuronPass {
  readonly cols: NeuronColumns;
  /** fills cols from the packed forms, v and p (see neuronColumns in kernel-subspace.ts; packed and p are ignored
   * where the memory forms them itself, lease.packedInPlace) */
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
  // The packed forms and p = Cθ*: formed in the memory from the M the loops step (lease.packedInPlace, rows-wasm.ts),
  // or copied in from the kernel's JavaScript formPacked.
  const load = (packed: Float64Array, v: Float64Array, p: Float64Array) => {
    if (lease.packedInPlace) w.formPacked(w.offNP(), w.offNPacked());
    else {
      packedW.set(packed);
      pW.set(p);
    }
    vW.set(v);
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
      w.neuronRow(c.lazyTol2, c.lazyRelTol2, c.phase2W2, c.phase2A, c.starNorm, dv !== null);
      out.set(dv ? sumsW : sumsW.subarray(0, 8));
    },
  };
}

/**
 * The WebAssembly loop for these parameters (every optimiser and batch size), laid out in the lease after whatever
 * is there already (stepLoopBytes). Copies X, y and ‖x‖² into the memory once. M, v, h, θ and the generator's words
 * are stepped in place where the state keeps them in the lease's memory (createCore puts them there); any that are
 * ordinary arrays (a state built elsewhere) get a copy in the memory, refreshed in and out around every call.
 */
export function wasmLoopFor(lease: WasmLease, p: Pick<TrainParams, 'optimizer' | 'batch'>, s: StepState): Loop {
  const { w } = lease;
  const { n, d, rows, perStep } = s;
  const inPlace = (a: Float64Array | Int32Array) => a.buffer === lease.buffer;
  const M = inPlace(s.M) ? s.M : lease.f64(rows * d);
  const v = inPlace(s.v) ? s.v : lease.f64(rows);
  const h = inPlace(s.h) ? s.h : lease.f64(rows);
  const R = inPlace(s.rng.s) ? s.rng.s : lease.i32(4);
  const theta = inPlace(s.theta) ? s.theta : lease.f64(d);
  const batchEnd = w.layout(lease.free, n, d, rows, M.byteOffset, v.byteOffset, h.byteOffset, R.byteOffset);
  claim(lease, w.layoutBatch(batchEnd, perStep, s.fullBatch ? 1 : 0, theta.byteOffset));
  const buf = lease.buffer;
  new Float64Array(buf, w.offX(), n * d).set(s.X);
  new Float64Array(buf, w.offY(), n).set(s.y);
  new Float64Array(buf, w.offXsq(), n).set(s.xsq);
  const S = new Float64Array(buf, w.offS(), 5);
  /** Copies what is not stepped in place: in before a call, out after it. */
  const copies: [Float64Array | Int32Array, () => Float64Array | Int32Array][] = (
    [
      [M, () => s.M],
      [v, () => s.v],
      [h, () => s.h],
      [R, () => s.rng.s],
      [theta, () => s.theta],
    ] as [Float64Array | Int32Array, () => Float64Array | Int32Array][]
  ).filter(([mine, theirs]) => mine !== theirs());
  const copyIn = () => {
    for (const [mine, theirs] of copies) mine.set(theirs());
  };
  const copyOut = () => {
    for (const [mine, theirs] of copies) theirs().set(mine);
  };
  const sam = p.optimizer === 'sam';
  if (p.optimizer === 'gd' || p.optimizer === 'oscillate' || p.batch > 1) {
    const osc = p.optimizer === 'oscillate';
    return (st: StepState, t0: number, count: number): number => {
      if (!st.thetaFresh) refreshTheta(st);
      copyIn();
      const taken = osc
        ? w.oscillateGd(t0, count, st.lr, st.q, st.code, st.sigma, st.period)
        : sam
          ? w.samBatch(t0, count, st.lr, st.rho, st.code, st.sigma, st.period)
          : w.sgdBatch(t0, count, st.lr, st.code, st.sigma, st.period);
      copyOut();
      return taken;
    };
  }

  return (st: StepState, t0: number, count: number): number => {
    if (!st.primed) primeB1(st, t0);
    copyIn();
    S[0] = st.idx;
    S[1] = st.eps;
    S[2] = st.f;
    S[3] = st.hh;
    S[4] = st.aa;
    const taken = sam ? w.samB1(t0, count, st.lr, st.rho, st.code, st.sigma, st.period) : w.sgdB1(t0, count, st.lr, st.code, st.sigma, st.period);
    copyOut();
    st.idx = S[0];
    st.eps = S[1];
    st.f = S[2];
    st.hh = S[3];
    st.aa = S[4];
    return taken;
  };
}
