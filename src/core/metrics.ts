/**
 * One metric row (docs/formats.md#metrics) from a kernel's state. The global quantities come from (M, v) alone, valid
 * for both kernels because Q is orthonormal: θ = Mᵀv, WᵀW = MᵀM, ‖a‖² = ‖v‖², ‖W‖²_F = tr MᵀM. Only the per-neuron
 * columns (kernel.neuronColumns) depend on m.
 *
 * kernel_dist never forms the p×p kernel matrices (p = min(64, n)): with K = X_p A X_pᵀ, A = WᵀW + ‖a‖²I and
 * S = X_pᵀX_p, ⟨K₀, K⟩_F = tr(A₀ S A S) and ‖K‖²_F = tr(A S A S), so with P = A S (d×d) both are Σ_ij P_ij P'_ji.
 *
 * Cost per row: rows·d²/2 (MᵀM) + n·d (train loss) + d³ (P = A S) + the kernel's per-neuron pass + 8·m for the
 * sums over neurons (in WebAssembly with the pass, where the kernel has one: kernel.neuronSums) + m·rows for
 * a_step_abs_mean (m·k on the subspace kernel, m on the dense one). All scratch is allocated once, here.
 */
import type { Dataset } from './data.js';
import { allocNeuronColumns, type KernelImpl, type NeuronColumns, type NeuronSumConstants } from './kernel-api.js';
import { lazyTolerance2, phase2Thresholds } from './theory.js';
import type { WasmRows } from './rows-wasm.js';
import { METRIC_NAMES, type MetricName, type TrainParams } from './types.js';

/** Column index of each metric in a row (METRIC_NAMES order). */
export const METRIC_INDEX = Object.fromEntries(METRIC_NAMES.map((name, i) => [name, i])) as Record<MetricName, number>;
const KERNEL_POINTS = 64;

export class MetricComputer {
  readonly cols: NeuronColumns;
  /** θ = Wᵀa as of the last trainLoss() or row() call */
  readonly theta: Float64Array;
  private readonly G: Float64Array;
  /** S = X_pᵀX_p, and P = A S for the current and the initial parameters */
  private readonly S: Float64Array;
  private readonly P: Float64Array;
  private readonly P0: Float64Array;
  private readonly K0norm: number;
  /** the train loss as a quadratic in θ: ½(θᵀ Sn θ − 2 bᵀθ + c), Sn = XᵀX/n, b = Xᵀy/n, c = yᵀy/n */
  private readonly Sn: Float64Array;
  private readonly bn: Float64Array;
  private readonly cn: number;
  private readonly m: number;
  private readonly d: number;
  private readonly n: number;
  private readonly starNorm: number;
  private readonly sumConstants: NeuronSumConstants;
  /** the row's sums over neurons (sumNeurons), and Σ|a_i − a_i'| from kernel.neuronSums */
  private readonly sums = new Float64Array(9);
  /** the kernel's v one step before the coming metric row (holdPrevious), for a_step_abs_mean */
  private readonly vPrev: Float64Array;
  private hasPrev = false;

  /** `wasmRows`: the row's global parts and the loss check in WebAssembly (rows-wasm.ts; the same bits) */
  constructor(
    params: TrainParams,
    private readonly data: Dataset,
    private readonly kernel: KernelImpl,
    private readonly wasmRows: WasmRows | null = null,
  ) {
    const { d, n, width: m } = params;
    this.m = m;
    this.d = d;
    this.n = n;
    this.cols = kernel.ownColumns ?? allocNeuronColumns(m);
    this.vPrev = new Float64Array(kernel.rows);
    this.theta = new Float64Array(d);
    this.G = new Float64Array(d * d);
    this.S = new Float64Array(d * d);
    const p = Math.min(KERNEL_POINTS, n);
    for (let q = 0; q < p; q++) {
      for (let j = 0; j < d; j++) {
        const xj = data.X[q * d + j];
        for (let l = 0; l < d; l++) this.S[j * d + l] += xj * data.X[q * d + l];
      }
    }
    this.Sn = new Float64Array(d * d);
    this.bn = new Float64Array(d);
    let cn = 0;
    for (let q = 0; q < n; q++) {
      const yq = data.y[q];
      cn += (yq * yq) / n;
      for (let j = 0; j < d; j++) {
        const xj = data.X[q * d + j];
        this.bn[j] += (xj * yq) / n;
        for (let l = 0; l < d; l++) this.Sn[j * d + l] += (xj * data.X[q * d + l]) / n;
      }
    }
    this.cn = cn;
    this.P = new Float64Array(d * d);
    this.P0 = new Float64Array(d * d);
    let s = 0;
    for (let j = 0; j < d; j++) s += data.thetaStar[j] * data.thetaStar[j];
    this.starNorm = Math.sqrt(s);
    // ‖Δw_i‖ ≤ α/√m is lazy, squared; Phase II at ‖w_i‖² ≤ α⁴η, |a_i| ≤ α²√η: the paper's balls in the run's units
    const phase2 = phase2Thresholds(params);
    this.sumConstants = {
      lazyTol2: lazyTolerance2(params),
      lazyRelTol2: 1 / m,
      phase2W2: phase2.w2,
      phase2A: phase2.a,
      starNorm: this.starNorm,
    };
    this.kernelFactor(this.globals().aa, this.P0);
    this.K0norm = Math.sqrt(traceOfProduct(this.P0, this.P0, d));
    wasmRows?.setup(this.S, this.Sn, this.bn, this.P0);
  }

  /**
   * The train loss for the divergence check, from θ through the d×d quadratic: O(rows·d + d²) instead of n·d.
   * Cancellation makes it inexact near zero loss (absolute error ~1e-16·c), which a threshold test does not mind;
   * metric rows use trainLoss(). Non-finite weights give a non-finite value.
   */
  checkLoss(): number {
    if (this.wasmRows) return this.wasmRows.checkLoss(this.cn, this.theta);
    this.refreshTheta();
    const { d, theta, Sn, bn } = this;
    let quad = 0,
      lin = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let l = 0; l < d; l++) s += Sn[j * d + l] * theta[l];
      quad += theta[j] * s;
      lin += bn[j] * theta[j];
    }
    return 0.5 * (quad - 2 * lin + this.cn);
  }

  /** θ = Mᵀv. O(rows·d). */
  private refreshTheta(): void {
    const { M, v, rows } = this.kernel;
    const { d, theta } = this;
    theta.fill(0);
    for (let i = 0, base = 0; i < rows; i++, base += d) {
      const ai = v[i];
      for (let j = 0; j < d; j++) theta[j] += ai * M[base + j];
    }
  }

  /** Train loss on clean labels, refreshing θ. O(rows·d + n·d). */
  trainLoss(): number {
    if (this.wasmRows) return this.wasmRows.trainLoss(this.theta);
    this.refreshTheta();
    const { d, n, theta } = this;
    const { X, y } = this.data;
    let loss = 0;
    for (let s = 0, xo = 0; s < n; s++, xo += d) {
      let f = 0;
      for (let j = 0; j < d; j++) f += theta[j] * X[xo + j];
      const r = f - y[s];
      loss += 0.5 * r * r;
    }
    return loss / n;
  }

  /**
   * Keeps the second layer as it is now, one step before a metric row: that row's a_step_abs_mean is then
   * (1/m) Σ|a_i(t) − a_i(t−1)|, the backward difference (the paper writes the forward one, which the last row could
   * not have). The driver calls this between the last two steps before each logged row; a row without it (step 0,
   * or a divergence or snapshot row between log steps) gets NaN. O(rows).
   */
  holdPrevious(): void {
    this.vPrev.set(this.kernel.v);
    this.hasPrev = true;
  }

  /** Forgets a held layer whose step did not complete (a diverged step). */
  dropPrevious(): void {
    this.hasPrev = false;
  }

  /** Fills out[METRIC_INDEX[name]] for every metric, and this.cols with the per-neuron columns. */
  row(out: Float64Array): void {
    const { d, m, theta } = this;
    const star = this.data.thetaStar;
    out[METRIC_INDEX.train_loss] = this.trainLoss();
    let diff2 = 0,
      tt = 0,
      ts = 0;
    for (let j = 0; j < d; j++) {
      const e = theta[j] - star[j];
      diff2 += e * e;
      tt += theta[j] * theta[j];
      ts += theta[j] * star[j];
    }
    out[METRIC_INDEX.test_loss] = 0.5 * diff2;
    out[METRIC_INDEX.theta_cos] = tt > 0 ? ts / (Math.sqrt(tt) * this.starNorm) : 0;

    const { aa, fro2, cross, pp } = this.wasmRows ? this.wasmRows.globals() : this.globalsAndTraces();
    out[METRIC_INDEX.w_norm2_mean] = fro2 / m;
    out[METRIC_INDEX.w_fro] = Math.sqrt(fro2);
    out[METRIC_INDEX.balance_mean] = (fro2 - aa) / m;
    out[METRIC_INDEX.kernel_dist] = 1 - cross / (this.K0norm * Math.sqrt(pp));

    const sums = this.sums;
    let stepAbsMean = NaN;
    if (this.kernel.neuronSums) {
      this.kernel.neuronSums(star, this.sumConstants, this.hasPrev ? this.vPrev : null, sums);
      if (this.hasPrev) stepAbsMean = sums[8] / m;
    } else {
      this.kernel.neuronColumns(star, this.cols);
      sumNeurons(this.cols, this.kernel.w0n2, this.sumConstants, sums);
      if (this.hasPrev) stepAbsMean = this.kernel.aStepAbsMean(this.vPrev);
    }
    out[METRIC_INDEX.w_norm_mean] = sums[0] / m;
    out[METRIC_INDEX.a_abs_mean] = sums[1] / m;
    out[METRIC_INDEX.a_abs_max] = sums[2];
    out[METRIC_INDEX.align_ip_mean] = sums[3] / m;
    out[METRIC_INDEX.align_cos_mean] = sums[4] / m;
    out[METRIC_INDEX.lazy_frac] = sums[5] / m;
    out[METRIC_INDEX.lazy_frac_rel] = sums[6] / m;
    out[METRIC_INDEX.phase2_frac] = sums[7] / m;
    out[METRIC_INDEX.a_step_abs_mean] = stepAbsMean;
    this.hasPrev = false;
  }

  /** ‖a‖², ‖W‖²_F, and with P = (G + ‖a‖²I) S, tr(P0 P) and tr(P P). O(rows·d²/2 + d³). */
  private globalsAndTraces(): { aa: number; fro2: number; cross: number; pp: number } {
    const { aa, fro2 } = this.globals();
    this.kernelFactor(aa, this.P);
    return { aa, fro2, cross: traceOfProduct(this.P0, this.P, this.d), pp: traceOfProduct(this.P, this.P, this.d) };
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

  /** out = (G + aa·I) S, G from the last globals() call. d³ FMA, as axpys over rows of S. */
  private kernelFactor(aa: number, out: Float64Array): void {
    const { d, G, S } = this;
    for (let j = 0; j < d; j++) {
      const jo = j * d;
      for (let u = 0; u < d; u++) out[jo + u] = aa * S[jo + u];
      for (let l = 0; l < d; l++) {
        const g = G[jo + l];
        const lo = l * d;
        for (let u = 0; u < d; u++) out[jo + u] += g * S[lo + u];
      }
    }
  }
}

/**
 * The metric row's sums over neurons, into out[0..8): Σ‖w_i‖, Σ|a_i|, max|a_i|, Σ|⟨w_i,θ*⟩|, Σ|⟨w_i,θ*⟩|/(‖w_i‖‖θ*‖)
 * over ‖w_i‖ > 0, then the counts of lazy neurons (‖Δw_i‖² ≤ α²/m), relatively lazy ones (≤ ‖w_i(0)‖²/m) and those in
 * phase 2 (‖w_i‖² ≤ α⁴η and |a_i| ≤ α²√η, the paper's η and √η in the run's units: theory.ts). In index order: the WebAssembly pass (src/core/wasm/neurons.ts) sums in this
 * very order, so both give the same bits. O(m), a square root and a division per neuron.
 */
function sumNeurons(cols: NeuronColumns, w0n2: Float64Array, c: NeuronSumConstants, out: Float64Array): void {
  const { wn2, dn2, a, ip } = cols;
  const { lazyTol2, lazyRelTol2, phase2W2, phase2A, starNorm } = c;
  const m = wn2.length;
  let sumW = 0,
    sumA = 0,
    maxA = 0,
    sumIp = 0,
    sumCos = 0,
    lazy = 0,
    lazyRel = 0,
    phase2 = 0;
  for (let i = 0; i < m; i++) {
    const wn = Math.sqrt(wn2[i]);
    const absA = Math.abs(a[i]);
    const absIp = Math.abs(ip[i]);
    sumW += wn;
    sumA += absA;
    if (absA > maxA) maxA = absA;
    sumIp += absIp;
    if (wn > 0) sumCos += absIp / (wn * starNorm);
    if (dn2[i] <= lazyTol2) lazy++;
    if (dn2[i] <= w0n2[i] * lazyRelTol2) lazyRel++;
    if (wn2[i] <= phase2W2 && absA <= phase2A) phase2++;
  }
  out[0] = sumW;
  out[1] = sumA;
  out[2] = maxA;
  out[3] = sumIp;
  out[4] = sumCos;
  out[5] = lazy;
  out[6] = lazyRel;
  out[7] = phase2;
}

/** tr(A B) = Σ_ij A_ij B_ji for d×d row-major A, B. d² FMA. */
function traceOfProduct(A: Float64Array, B: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += A[i * d + j] * B[j * d + i];
  return s;
}
