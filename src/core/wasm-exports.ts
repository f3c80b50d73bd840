/** The exports of dist/core/wasm/steps.wasm (src/core/wasm/*.ts) that the JavaScript side calls. */
export interface StepsExports {
  heapBase(): number;
  layout(base: number, n: number, d: number, rows: number): number;
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
