/**
 * One metric row (SPEC §3) from a kernel's state. The global quantities come from (M, v) alone, valid for both
 * kernels because Q is orthonormal: θ = Mᵀv, WᵀW = MᵀM, ‖a‖² = ‖v‖², ‖W‖²_F = tr MᵀM. Only the per-neuron
 * columns (kernel.neuronColumns) depend on m.
 *
 * Cost per row: rows·d² / 2 (MᵀM) + n·d (train loss) + p·d² + p²·d / 2 (kernel matrix, p = min(64, n))
 * + the kernel's per-neuron pass + 8·m for the reductions. All scratch is allocated once, here.
 */
import type { Dataset } from './data.js';
import { allocNeuronColumns, type KernelImpl, type NeuronColumns } from './kernel-api.js';
import { METRIC_NAMES, type MetricName, type TrainParams } from './types.js';

/** Column index of each metric in a row (METRIC_NAMES order). */
export const METRIC_INDEX = Object.fromEntries(METRIC_NAMES.map((name, i) => [name, i])) as Record<MetricName, number>;
const KERNEL_POINTS = 64;

export class MetricComputer {
  readonly cols: NeuronColumns;
  /** θ = Wᵀa as of the last trainLoss() or row() call */
  readonly theta: Float64Array;
  private readonly G: Float64Array;
  private readonly Y: Float64Array;
  private readonly K: Float64Array;
  private readonly K0: Float64Array;
  private readonly K0norm: number;
  private readonly p: number;
  private readonly m: number;
  private readonly d: number;
  private readonly n: number;
  private readonly lr: number;
  private readonly starNorm: number;

  constructor(params: TrainParams, private readonly data: Dataset, private readonly kernel: KernelImpl) {
    const { d, n, width: m } = params;
    this.m = m;
    this.d = d;
    this.n = n;
    this.lr = params.lr;
    this.p = Math.min(KERNEL_POINTS, n);
    this.cols = allocNeuronColumns(m);
    this.theta = new Float64Array(d);
    this.G = new Float64Array(d * d);
    this.Y = new Float64Array(this.p * d);
    this.K = new Float64Array(this.p * this.p);
    let s = 0;
    for (let j = 0; j < d; j++) s += data.thetaStar[j] * data.thetaStar[j];
    this.starNorm = Math.sqrt(s);
    this.K0 = new Float64Array(this.p * this.p);
    this.kernelMatrix(this.globals().aa, this.K0);
    this.K0norm = Math.sqrt(frob2(this.K0));
  }

  /** Train loss on clean labels, refreshing θ. O(rows·d + n·d). */
  trainLoss(): number {
    const { M, v, rows } = this.kernel;
    const { d, n, theta } = this;
    const { X, y } = this.data;
    theta.fill(0);
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const ai = v[i];
      for (let j = 0; j < d; j++) theta[j] += ai * M[base + j];
    }
    let loss = 0;
    for (let s = 0, xo = 0; s < n; s++, xo += d) {
      let f = 0;
      for (let j = 0; j < d; j++) f += theta[j] * X[xo + j];
      const r = f - y[s];
      loss += 0.5 * r * r;
    }
    return loss / n;
  }

  /** Fills out[METRIC_INDEX[name]] for every metric, and this.cols with the per-neuron columns. */
  row(out: Float64Array): void {
    const { d, m, theta, lr } = this;
    const star = this.data.thetaStar;
    out[METRIC_INDEX.train_loss] = this.trainLoss();
    let diff2 = 0, tt = 0, ts = 0;
    for (let j = 0; j < d; j++) {
      const e = theta[j] - star[j];
      diff2 += e * e;
      tt += theta[j] * theta[j];
      ts += theta[j] * star[j];
    }
    out[METRIC_INDEX.test_loss] = 0.5 * diff2;
    out[METRIC_INDEX.theta_cos] = tt > 0 ? ts / (Math.sqrt(tt) * this.starNorm) : 0;

    const { aa, fro2 } = this.globals();
    out[METRIC_INDEX.w_norm2_mean] = fro2 / m;
    out[METRIC_INDEX.w_fro] = Math.sqrt(fro2);
    out[METRIC_INDEX.balance_mean] = (fro2 - aa) / m;
    this.kernelMatrix(aa, this.K);
    let cross = 0;
    for (let x = 0; x < this.K.length; x++) cross += this.K0[x] * this.K[x];
    out[METRIC_INDEX.kernel_dist] = 1 - cross / (this.K0norm * Math.sqrt(frob2(this.K)));

    this.kernel.neuronColumns(star, this.cols);
    const { wn2, dn2, a, ip } = this.cols;
    const w0n2 = this.kernel.w0n2;
    const lazyTol2 = 1 / m; // ‖Δw_i‖ ≤ 1/√m, squared
    const sqrtLr = Math.sqrt(lr);
    let sumW = 0, sumA = 0, maxA = 0, sumIp = 0, sumCos = 0, lazy = 0, lazyRel = 0, phase2 = 0;
    for (let i = 0; i < m; i++) {
      const wn = Math.sqrt(wn2[i]);
      const absA = Math.abs(a[i]);
      const absIp = Math.abs(ip[i]);
      sumW += wn;
      sumA += absA;
      if (absA > maxA) maxA = absA;
      sumIp += absIp;
      if (wn > 0) sumCos += absIp / (wn * this.starNorm);
      if (dn2[i] <= lazyTol2) lazy++;
      if (dn2[i] <= w0n2[i] * lazyTol2) lazyRel++;
      if (wn2[i] <= lr && absA <= sqrtLr) phase2++;
    }
    out[METRIC_INDEX.w_norm_mean] = sumW / m;
    out[METRIC_INDEX.a_abs_mean] = sumA / m;
    out[METRIC_INDEX.a_abs_max] = maxA;
    out[METRIC_INDEX.align_ip_mean] = sumIp / m;
    out[METRIC_INDEX.align_cos_mean] = sumCos / m;
    out[METRIC_INDEX.lazy_frac] = lazy / m;
    out[METRIC_INDEX.lazy_frac_rel] = lazyRel / m;
    out[METRIC_INDEX.phase2_frac] = phase2 / m;
  }

  /** G = MᵀM (= WᵀW), ‖a‖², ‖W‖²_F. O(rows·d²/2). */
  private globals(): { aa: number; fro2: number } {
    const { M, v, rows } = this.kernel;
    const { d, G } = this;
    G.fill(0);
    let aa = 0;
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      aa += v[i] * v[i];
      for (let j = 0; j < d; j++) {
        const mj = M[base + j];
        for (let l = j; l < d; l++) G[j * d + l] += mj * M[base + l];
      }
    }
    let fro2 = 0;
    for (let j = 0; j < d; j++) {
      fro2 += G[j * d + j];
      for (let l = j + 1; l < d; l++) G[l * d + j] = G[j * d + l];
    }
    return { aa, fro2 };
  }

  /** K = X_p (G + aa·I) X_pᵀ on the first p training points (G from the last globals() call). O(p·d² + p²·d/2). */
  private kernelMatrix(aa: number, out: Float64Array): void {
    const { d, p, G, Y } = this;
    const X = this.data.X;
    for (let s = 0; s < p; s++) {
      for (let j = 0; j < d; j++) {
        let acc = aa * X[s * d + j];
        for (let l = 0; l < d; l++) acc += X[s * d + l] * G[l * d + j];
        Y[s * d + j] = acc;
      }
    }
    for (let s = 0; s < p; s++) {
      for (let u = s; u < p; u++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += Y[s * d + j] * X[u * d + j];
        out[s * p + u] = acc;
        out[u * p + s] = acc;
      }
    }
  }
}

function frob2(K: Float64Array): number {
  let s = 0;
  for (let x = 0; x < K.length; x++) s += K[x] * K[x];
  return s;
}
