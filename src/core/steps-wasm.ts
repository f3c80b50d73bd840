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
import { invNormalCdf } from './normal.js';
import type { NeuronColumns } from './kernel-api.js';
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
  neuronColumns(): void;
}

/** dist/core/wasm/steps.wasm, from this file in src/core (tests) or in dist/core (the built CLI). */
const WASM_URL = new URL('../../dist/core/wasm/steps.wasm', import.meta.url);

/** The part of the WebAssembly JS API used here (the project's lib settings carry no WebAssembly types). */
interface WasmModule { readonly __brand: 'WebAssembly.Module' }
interface WasmMemory { readonly buffer: ArrayBuffer }
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
  const inst = new WA.Instance(mod, { env: { memory, invNormalCdf } });
  return { w: inst.exports as StepsExports, memory };
}

/** Fills the subspace kernel's neuron columns from the packed forms, v and p (see neuronColumns there). */
export type NeuronPass = (packed: Float64Array, v: Float64Array, p: Float64Array, out: NeuronColumns) => void;

/**
 * The per-neuron pass of the subspace kernel in WebAssembly (two neurons per SIMD lane pair, each in the JavaScript
 * order, so the same bits), or null when it cannot run here. Copies Q (m×k row-major) in once, as neuron pairs:
 * the instance holds m·k + 4m doubles for the run.
 */
export function wasmNeuronPass(Q: Float64Array, m: number, k: number): NeuronPass | null {
  const mod = stepsModule();
  if (mod === null) return null;
  const m4 = (m + 7) & ~7;
  const { w, memory } = instantiate(mod, 8 * (m4 * k + k * (k + 1) + 2 * k + 4 * m4) + 64);
  const need = w.layoutNeurons(m, k);
  if (need > memory.buffer.byteLength) throw new Error(`[core] bug: wasm layout needs ${need} bytes, memory has ${memory.buffer.byteLength}`);
  const buf = memory.buffer;
  const q = new Float64Array(buf, w.offNQ(), m4 * k);
  for (let i = 0; i < m; i++) {
    const pair = (i >> 1) * 2 * k, lane = i & 1;
    for (let j = 0; j < k; j++) q[pair + 2 * j + lane] = Q[i * k + j];
  }
  const packedW = new Float64Array(buf, w.offNPacked(), k * (k + 1));
  const vW = new Float64Array(buf, w.offNV(), k);
  const pW = new Float64Array(buf, w.offNP(), k);
  const cols = [w.offNWn(), w.offNDn(), w.offNA(), w.offNIp()].map((o) => new Float64Array(buf, o, m));
  return (packed, v, p, out) => {
    packedW.set(packed);
    vW.set(v);
    pW.set(p);
    w.neuronColumns();
    out.wn2.set(cols[0]);
    out.dn2.set(cols[1]);
    out.a.set(cols[2]);
    out.ip.set(cols[3]);
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
    const taken = sam
      ? w.samB1(t0, count, st.lr, st.rho, st.code, st.sigma, st.period)
      : w.sgdB1(t0, count, st.lr, st.code, st.sigma, st.period);
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
