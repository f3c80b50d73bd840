/**
 * The WebAssembly step loops (src/core/wasm/*.ts, built by `npm run build` into dist/core/wasm/steps.wasm):
 * every optimiser at every batch size, f64x2 SIMD, bit-identical to the JavaScript loops (steps-b1.ts,
 * steps-batch.ts), which stay as the fallback where WebAssembly SIMD is missing and as the reference the tests
 * compare against.
 *
 * LNSWEEP_WASM=0 in the environment (or `wasm: false` to createCore) forces the JavaScript loops.
 *
 * Each run gets its own instance over a memory sized once for its data and state and never grown: growing (or
 * transferring) an ArrayBuffer detaches it, and once any buffer in the process is detached every typed-array access
 * in optimised JavaScript slows by about a quarter. The StepState stays the source of truth between calls: a call
 * copies M, v, h, the pending sample and the generator's four words in and back out, O(rows·d) per chunk of steps.
 */
import { readFileSync } from 'node:fs';
import type { NeuronColumns, NeuronSumConstants } from './kernel-api.js';
import type { StepState } from './step-state.js';
import { primeB1 } from './steps-b1.js';
import { refreshTheta } from './steps-batch.js';
import type { TrainParams } from './types.js';

type Loop = (s: StepState, t0: number, count: number) => number;

interface StepsExports {
  layout(n: number, d: number, rows: number): number;
  offX(): number;
  offY(): number;
  offXsq(): number;
  offM(): number;
  offV(): number;
  offH(): number;
  offS(): number;
  offR(): number;
  sgdB1(t0: number, count: number, lr: number, code: number, sigma: number, period: number): number;
  samB1(t0: number, count: number, lr: number, rho: number, code: number, sigma: number, period: number): number;
  layoutBatch(base: number, perStep: number, fullBatch: number): number;
  offTheta(): number;
  sgdBatch(t0: number, count: number, lr: number, code: number, sigma: number, period: number): number;
  samBatch(t0: number, count: number, lr: number, rho: number, code: number, sigma: number, period: number): number;
  oscillateGd(t0: number, count: number, lr: number, q: number, code: number, sigma: number, period: number): number;
  layoutNeurons(m: number, k: number): number;
  offNQ(): number;
  offNPacked(): number;
  offNV(): number;
  offNP(): number;
  offNWn(): number;
  offNDn(): number;
  offNA(): number;
  offNIp(): number;
  offNW0(): number;
  offNDv(): number;
  offNSums(): number;
  neuronColumns(): void;
  neuronRow(lazyTol2: number, lr: number, sqrtLr: number, starNorm: number, step: boolean): void;
}

/** dist/core/wasm/steps.wasm, from this file in src/core (tests) or in dist/core (the built CLI). */
const WASM_URL = new URL('../../dist/core/wasm/steps.wasm', import.meta.url);

/** The part of the WebAssembly JS API used here (the project's lib settings carry no WebAssembly types). */
interface WasmModule {
  readonly __brand: 'WebAssembly.Module';
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule, imports: object) => { exports: unknown };
  Memory: new (desc: { initial: number; maximum: number }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

/** The compiled module, or null where it is missing or this runtime lacks WebAssembly SIMD. Once per thread. */
function stepsModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = readFileSync(WASM_URL);
    compiled = WA.validate(bytes) ? new WA.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the WebAssembly loops are wanted: LNSWEEP_WASM=0 turns them off, an explicit option wins. */
export function wasmWanted(option?: boolean): boolean {
  if (option !== undefined) return option;
  return process.env.LNSWEEP_WASM !== '0';
}

/** Whether the WebAssembly loops can run here (module built and SIMD supported). */
export function wasmAvailable(): boolean {
  return stepsModule() !== null;
}

/** An instance over its own memory of `bytes` plus a page for the module's static data; the memory never grows. */
function instantiate(mod: WasmModule, bytes: number): { w: StepsExports; memory: WasmMemory } {
  const pages = Math.ceil((bytes + 65536) / 65536);
  const memory = new WA.Memory({ initial: pages, maximum: pages });
  const inst = new WA.Instance(mod, { env: { memory } });
  return { w: inst.exports as StepsExports, memory };
}

/**
 * The subspace kernel's per-neuron pass in WebAssembly: `cols` are views of the instance's memory, refilled by each
 * call (valid for the run: the memory never grows); `sums` also fills the metric row's sums over neurons.
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
 * order, so the same bits), or null when it cannot run here. Copies Q (m×k row-major) in once, in blocks of eight
 * neurons, and ‖w_i(0)‖²: the instance holds m·k + 5m doubles for the run.
 */
export function wasmNeuronPass(Q: Float64Array, m: number, k: number, w0n2: Float64Array): NeuronPass | null {
  const mod = stepsModule();
  if (mod === null) return null;
  const m4 = (m + 7) & ~7;
  const { w, memory } = instantiate(mod, 8 * (m4 * k + k * (k + 1) + 3 * k + 5 * m4 + 8 + 9) + 64);
  const need = w.layoutNeurons(m, k);
  if (need > memory.buffer.byteLength) throw new Error(`[core] bug: wasm layout needs ${need} bytes, memory has ${memory.buffer.byteLength}`);
  const buf = memory.buffer;
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
 * The WebAssembly loop for these parameters (every optimiser and batch size), or null when it cannot run here.
 * Copies X, y and ‖x‖² into the instance's memory once.
 */
export function wasmLoopFor(p: Pick<TrainParams, 'optimizer' | 'batch'>, s: StepState): Loop | null {
  const mod = stepsModule();
  if (mod === null) return null;
  const { n, d, rows, perStep } = s;
  // Batch-1 part, batch part (with alignment slack), and one page for the module's static data below the base.
  const { w, memory } = instantiate(mod, 8 * (n * d + 2 * n + rows * d + 2 * rows + 8) + 16 + 8 * (5 * d + rows + perStep) + 4 * perStep + 32);
  const need = w.layoutBatch(w.layout(n, d, rows), perStep, s.fullBatch ? 1 : 0);
  if (need > memory.buffer.byteLength) throw new Error(`[core] bug: wasm layout needs ${need} bytes, memory has ${memory.buffer.byteLength}`);
  const buf = memory.buffer;
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
