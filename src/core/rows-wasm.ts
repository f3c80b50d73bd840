/**
 * A metric row's global parts and the divergence check in WebAssembly (src/core/wasm/rows.ts): θ and the train loss,
 * the loss check between rows, G = MᵀM, the kernel factor P and its two traces, on the M and v the loops step in
 * place. The same bits as MetricComputer's JavaScript (each sum in the same order), about five times faster.
 */
import type { Dataset } from './data.js';
import type { WasmLease } from './wasm-arena.js';
import { claim } from './wasm-arena.js';

/** Bytes of layoutRows: Xᵀ, five d×d matrices, three d-vectors, the outputs; with `packedRows` k > 0, C(0) and [M, D]. */
export function rowPartsBytes(n: number, d: number, packedRows: number): number {
  return 8 * (n * d + 5 * d * d + 3 * d + 8 + 3 * packedRows * d) + 48;
}

export interface WasmRows {
  /** Copies the row's fixed matrices in: S (p×p points), Sn = XᵀX/n, b = Xᵀy/n, P0. Once. */
  setup(S: Float64Array, Sn: Float64Array, bn: Float64Array, P0: Float64Array): void;
  /** θ = Mᵀv into `theta`; the clean train loss (MetricComputer.trainLoss) */
  trainLoss(theta: Float64Array): number;
  /** θ into `theta`; the divergence check's loss (MetricComputer.checkLoss) */
  checkLoss(cn: number, theta: Float64Array): number;
  /** ‖v‖², ‖W‖²_F, tr(P0 P) and tr(P P) with P = (MᵀM + ‖v‖²I) S */
  globals(): { aa: number; fro2: number; cross: number; pp: number };
}

/**
 * The row parts of a core whose loops run in the lease (after wasmLoopFor laid them out). `C0`: the subspace kernel's
 * C(0), when the packed forms of its neuron pass are to be formed in the memory too (lease.packedInPlace).
 */
export function wasmRowsFor(lease: WasmLease, data: Dataset, C0: Float64Array | null): WasmRows {
  const { w } = lease;
  const d = data.thetaStar.length;
  claim(lease, w.layoutRows(lease.free, C0 !== null));
  const buf = lease.buffer;
  new Float64Array(buf, w.offRowStar(), d).set(data.thetaStar);
  if (C0 !== null) {
    new Float64Array(buf, w.offRowC0(), C0.length).set(C0);
    lease.packedInPlace = true;
  }
  const thetaW = new Float64Array(buf, w.offRowTheta(), d);
  const out = new Float64Array(buf, w.offRowOut(), 4);
  return {
    setup(S, Sn, bn, P0) {
      new Float64Array(buf, w.offRowS(), d * d).set(S);
      new Float64Array(buf, w.offRowSn(), d * d).set(Sn);
      new Float64Array(buf, w.offRowBn(), d).set(bn);
      new Float64Array(buf, w.offRowP0(), d * d).set(P0);
    },
    trainLoss(theta) {
      const loss = w.trainLoss();
      theta.set(thetaW);
      return loss;
    },
    checkLoss(cn, theta) {
      const loss = w.checkLoss(cn);
      theta.set(thetaW);
      return loss;
    },
    globals() {
      w.rowGlobals(w.offRowP());
      return { aa: out[0], fro2: out[1], cross: out[2], pp: out[3] };
    },
  };
}
