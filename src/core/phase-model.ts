/**
 * Phase I of label-noise SGD, integrated neuron by neuron from the run's own data and init, with no fitted parameter
 * (docs/formats.md, "Summary file"; theory.ts for the closed forms). What it models:
 *
 * 1. The noise clock. Label noise shrinks the weights through Δ(‖w_i‖² − a_i²) = η²r²(a_i²‖x‖² − ⟨w_i, x⟩²) (exact
 *    per step; the first-order terms cancel). With E r² = σ̄² + 2L, batch B and a_i² ≪ ‖w_i‖² this is
 *    d‖w_i‖²/dt = −(η²(σ̄² + 2L)/B)·w_iᵀΣ̂w_i, Σ̂ = XᵀX/n. In the clock s = η²σ̄²t/B the noise part is one unit per
 *    unit; the clean-loss part 2L/σ̄² ≈ ηK/(2B) (the stationary loss of SGD on a kernel of trace K) falls as
 *    K ∝ e^{−s} shrinks, and integrates to ½·min(ηK₀, 1)·(1 − e^{−s})/B (capped where ηK₀ nears the stability
 *    edge). So the model's time is τ(t) = s + ½·min(ηK₀, 1)·(1 − e^{−s})/B, K₀ = ‖W(0)‖²_F + d‖a(0)‖².
 * 2. Anisotropy. The implicit regulariser's flow is ẇ_i = −½Σ̂w_i (in τ) off the θ* direction, so the component of
 *    w_i(0) on eigenvector u_k of Σ̂ restricted to θ̂*⊥ decays as e^{−λ_k τ/2}, its square as e^{−λ_k τ}: late Phase
 *    I follows the smallest λ_k (≈ 0.47 at d/n = 0.1), not the mean.
 * 3. The end point. Along θ̂* the fit Wᵀa = θ* holds the weights up: there w_i relaxes (at the mean rate, e^{−τ})
 *    from ⟨w_i(0), θ̂*⟩² to the end point of label-noise SGD (theory.ts endPoint, on this run's Σ̂): balanced aligned
 *    neurons with ‖W‖²_F = W∞ (≈ √d‖θ*‖), spread over neurons in proportion to ⟨w_i(0), θ̂*⟩² (a χ²₁ law, F∞).
 * So ‖w_i(τ)‖² = Σ_k c_ik² e^{−λ_k τ} + p_i²·(R + (1 − R)e^{−τ}), c_ik = ⟨u_k, w_i(0)⟩, p_i = ⟨w_i(0), θ̂*⟩,
 * R = W∞/Σ_j p_j², and |cos(w_i, θ*)| = p_i·√(R + (1 − R)e^{−τ})/‖w_i(τ)‖.
 * 4. The terminal state. Past the gate of terminal-state.ts (d·x ≥ 0.75, x = (d − 1)ησ̄²/(2B√d‖θ*‖)) the end point is
 *    unstable or nearly so and W∞ in R is the limit equation's noise-sustained state instead (larger, up to ≈ 10x on
 *    the phase-diagram grid). F∞ (endFraction) stays the end point's, a ceiling: the state holds the weights further
 *    out and spreads them more evenly (χ²_k, k > 1).
 * 5. The relaxation to it. Near the state the noise also feeds the directions across θ*, and the excess decays more
 *    slowly than 3. says; no closed form for it is known here. So past the gate (rich starts aside) the closed form
 *    holds until its mean ‖w_i‖² is HAND_OFF times the state, and from there the model is the limit equation itself,
 *    integrated from the closed form's own neurons (attachTail, relaxation.ts): PATHS paths, each neuron moved by the
 *    path's product of step matrices, the model's values their means.
 * What it leaves out: below the gate, the slower decay across θ* near the onset (the slowest direction's rate falls
 * from λ_min as x grows, to half of it by x ≈ 0.03 at d = 20; docs/theory.md), and any start that leaves the lazy
 * regime at once (σ/α² ≥ 8, rich_start).
 *
 * Cost: one d×d eigendecomposition and m·(d−1)·d multiply-adds to build, m·(d−1) per evaluation, ~110 evaluations
 * for the alignment crossing and 2 for Phase I's when it never ends (most runs: R ≤ 1 and F∞ < ½, firstStep), up to
 * ~150 each otherwise: a few milliseconds at m = 1000, 0.12 ms at m = 20, d = 5 (the per-run bench's); past the gate
 * one solve of the limit equation per data set and x and process (0.4–1 s at d = 20, terminal-state.ts) and, per run,
 * the paths (about as many O(d²) steps as the run's own training at d = 20; relaxation.ts), integrated only when a
 * value past the hand-off is asked for.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { initNetwork, makeData, type Dataset, type Network } from './data.js';
import { noiseRate } from './noise-variance.js';
import { RelaxationTail } from './relaxation.js';
import { LATE_FROM } from './summarize.js';
import { deriveSeed } from './seed-derivation.js';
import { terminalState, type TerminalState } from './terminal-state.js';
import { endPoint, isRichStart, phase2Thresholds, theoryApplies, type ModelPrediction } from './theory.js';
import type { RunParams, RunSeeds } from './types.js';

export type ModelParams = Pick<
  RunParams,
  | 'experiment'
  | 'optimizer'
  | 'n'
  | 'd'
  | 'width'
  | 'alpha'
  | 'lr'
  | 'batch'
  | 'sigma'
  | 'noise'
  | 'noise_schedule'
  | 'teacher_norm'
  | 'teacher_sparsity'
  | 'steps'
>;

/** Grid points of the scan that brackets a crossing before bisection; bisection steps after it. */
const SCAN_POINTS = 96;
const BISECTIONS = 60;
/** The scan goes to the τ where every transient is below e^{−40} (at most TAU_CAP: a direction with λ ≈ 0 never decays). */
const TRANSIENT_EFOLDS = 40;
const TAU_CAP = 1e4;
/** Past the gate, the model hands off to the limit equation where its mean ‖w_i‖² is this many times the state's
 * (attachTail): the closed form leaves out the noise's feed across θ*, about 4% of the way at 30 times the state. */
const HAND_OFF = 30;
/** Paths of the limit equation per run; their means are the model's values (relaxation.ts). */
const PATHS = 2;
/** Noise units the path runs past the run's last step (or past the hand-off when that comes later). */
const TAIL_UNITS = 10;
const SNAPSHOT_EVERY = 0.1;
/** Eigenvalues of the hand-off's S below this share of the largest count as directions S does not span. */
const RANK_TOL = 1e-12;
/** Points of the model's late window (lateMeanW2). */
const LATE_WINDOW = 41;
const PATH_STEP_SCALE = 0.2;

export class PhaseModel {
  readonly width: number;
  /** K₀ = ‖W(0)‖²_F + d‖a(0)‖² */
  readonly k0: number;
  /** directions ⊥ θ̂*: d − 1 */
  private readonly k: number;
  /** eigenvalues of Σ̂ restricted to θ̂*⊥ */
  private readonly lambda: Float64Array;
  /** m×k: c_ik = ⟨u_k, w_i(0)⟩ */
  private readonly perp: Float64Array;
  /** p_i = ⟨w_i(0), θ̂*⟩ */
  private readonly par: Float64Array;
  /** k×d: row kk is u_k, the kk-th kept eigenvector of Σ̂ restricted to θ̂*⊥ */
  private readonly perpVectors: Float64Array;
  /** θ̂* and ‖θ*‖ */
  private readonly unit: Float64Array;
  private readonly starNorm: number;
  /** the limit equation's path from the hand-off on (relaxation.ts); null below the gate and for rich starts */
  private tail: RelaxationTail | null = null;
  /** τ of the hand-off, and the noise clock s there (the path's τ counts s: the clean-loss part is not in it) */
  private tauHandOff = Infinity;
  private sHandOff = Infinity;
  /** R: the end point's p_i²-multiple (F∞) */
  private readonly floorRatio: number;
  /** R of the terminal state the trajectory relaxes to: the end point's, or the noise-sustained state's past the gate */
  private readonly settleRatio: number;
  /** tr Σ̂ and θ̂*ᵀΣ̂θ̂*: what the end point needs of the data */
  readonly sigmaTrace: number;
  readonly sigmaAlong: number;
  /** η²σ̄²/B: s per step */
  private readonly rate: number;
  /** ½·min(ηK₀, 1)/B */
  private readonly lossBoost: number;
  private readonly decay: Float64Array;

  /** `terminalW2`: the mean ‖w_i‖² the run settles at when it is not the end point (terminal-state.ts) */
  constructor(p: ModelParams, data: Dataset, net: Network, terminalW2?: number) {
    const { d, n, width: m } = p;
    this.width = m;
    const { X, thetaStar } = data;
    let star2 = 0;
    for (let j = 0; j < d; j++) star2 += thetaStar[j] * thetaStar[j];
    const starNorm = Math.sqrt(star2);
    const u = Array.from(thetaStar, (v) => v / starNorm);
    // P Σ̂ P, P = I − θ̂θ̂ᵀ: its eigenvector along θ̂ (eigenvalue 0) is dropped below
    const sigma = new Float64Array(d * d);
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < d; j++) {
        const xj = X[s * d + j] / n;
        for (let l = 0; l < d; l++) sigma[j * d + l] += xj * X[s * d + l];
      }
    }
    const sigmaU = Array.from({ length: d }, (_, j) => u.reduce((acc, ul, l) => acc + sigma[j * d + l] * ul, 0));
    const uSigmaU = u.reduce((acc, uj, j) => acc + uj * sigmaU[j], 0);
    const rows = Array.from({ length: d }, (_, j) =>
      Array.from({ length: d }, (_, l) => sigma[j * d + l] - u[j] * sigmaU[l] - sigmaU[j] * u[l] + u[j] * u[l] * uSigmaU),
    );
    const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
    const vectors = evd.eigenvectorMatrix;
    const values = evd.realEigenvalues;
    let along = 0;
    let best = -1;
    for (let c = 0; c < d; c++) {
      const dot = Math.abs(u.reduce((acc, uj, j) => acc + uj * vectors.get(j, c), 0));
      if (dot > best) [best, along] = [dot, c];
    }
    const keep = [...Array(d).keys()].filter((c) => c !== along);
    this.k = keep.length;
    this.unit = Float64Array.from(u);
    this.starNorm = starNorm;
    this.perpVectors = Float64Array.from({ length: keep.length * d }, (_, q) => vectors.get(q % d, keep[Math.floor(q / d)]));
    this.lambda = Float64Array.from(keep, (c) => Math.max(0, values[c]));
    this.decay = new Float64Array(this.k);

    const { W, a } = net;
    this.perp = new Float64Array(m * this.k);
    this.par = new Float64Array(m);
    let w0 = 0;
    let a0 = 0;
    let par = 0;
    for (let i = 0; i < m; i++) {
      const row = i * d;
      let pi = 0;
      for (let j = 0; j < d; j++) {
        pi += W[row + j] * u[j];
        w0 += W[row + j] * W[row + j];
      }
      this.par[i] = pi;
      par += pi * pi;
      a0 += a[i] * a[i];
      keep.forEach((c, kk) => {
        let ck = 0;
        for (let j = 0; j < d; j++) ck += W[row + j] * vectors.get(j, c);
        this.perp[i * this.k + kk] = ck;
      });
    }
    this.k0 = w0 + d * a0;
    let trace = 0;
    for (let j = 0; j < d; j++) trace += sigma[j * d + j];
    this.sigmaTrace = trace;
    this.sigmaAlong = uSigmaU;
    this.floorRatio = (m * endPoint(p, { trace, along: uSigmaU }).w2) / par;
    this.settleRatio = terminalW2 === undefined ? this.floorRatio : (m * terminalW2) / par;
    this.rate = noiseRate(p);
    this.lossBoost = (0.5 * Math.min(p.lr * this.k0, 1)) / p.batch;
  }

  /** τ at step t. */
  tauAt(t: number): number {
    const s = this.rate * t;
    return s - this.lossBoost * Math.expm1(-s);
  }

  /** The step at which τ is reached (τ(t) is increasing and concave in s: Newton from the left converges up). */
  stepAt(tau: number): number {
    const b = this.lossBoost;
    let s = tau / (1 + b);
    for (let it = 0; it < 100; it++) {
      const e = Math.exp(-s);
      const next = s + (tau - (s + b * (1 - e))) / (1 + b * e);
      if (!(next > s) || next - s <= 1e-15 * next) {
        s = Math.max(s, next);
        break;
      }
      s = next;
    }
    return s / this.rate;
  }

  /** Calls visit(‖w_i‖², p_i²·g) for every neuron at τ, g = R + (1 − R)e^{−τ} (R the terminal state's). */
  private each(tau: number, visit: (w2: number, par: number) => void): void {
    const { k, lambda, decay, perp, par } = this;
    for (let kk = 0; kk < k; kk++) decay[kk] = Math.exp(-lambda[kk] * tau);
    const g = this.settleRatio + (1 - this.settleRatio) * Math.exp(-tau);
    for (let i = 0, base = 0; i < this.width; i++, base += k) {
      let across = 0;
      for (let kk = 0; kk < k; kk++) {
        const c = perp[base + kk];
        across += c * c * decay[kk];
      }
      const along = par[i] * par[i] * g;
      visit(across + along, along);
    }
  }

  /** Mean ‖w_i‖² at τ. */
  meanW2(tau: number): number {
    if (this.tail && tau > this.tauHandOff) return this.tail.meanW2(this.sinceHandOff(tau));
    let sum = 0;
    this.each(tau, (w2) => (sum += w2));
    return sum / this.width;
  }

  /**
   * Mean ‖w_i‖² averaged over the run's last fifth (LATE_WINDOW points from LATE_FROM·steps to steps): the model's
   * side of late_w_norm2_mean. Past the hand-off the model is a mean of PATHS paths, and one snapshot of it strays
   * as the state does; the window average is what says whether the model has settled by the run's end.
   */
  lateMeanW2(steps: number): number {
    let sum = 0;
    for (let j = 0; j < LATE_WINDOW; j++) sum += this.meanW2(this.tauAt(steps * (LATE_FROM + ((1 - LATE_FROM) * j) / (LATE_WINDOW - 1))));
    return sum / LATE_WINDOW;
  }

  /** Mean |cos(w_i, θ*)| at τ. */
  meanAbsCos(tau: number): number {
    if (this.tail && tau > this.tauHandOff) return this.tail.meanAbsCos(this.sinceHandOff(tau));
    let sum = 0;
    this.each(tau, (w2, par) => {
      if (w2 > 0) sum += Math.sqrt(par / w2);
    });
    return sum / this.width;
  }

  /** Fraction of neurons with ‖w_i‖² ≤ threshold at τ. */
  fractionBelow(tau: number, threshold: number): number {
    if (this.tail && tau > this.tauHandOff) return this.tail.fractionBelow(this.sinceHandOff(tau), threshold);
    let count = 0;
    this.each(tau, (w2) => {
      if (w2 <= threshold) count++;
    });
    return count / this.width;
  }

  /**
   * Fraction of neurons with ‖w_i‖² ≤ threshold at the end point itself (τ → ∞: ‖w_i‖² = p_i²R): this run's own F∞,
   * whose mean over inits is P(χ²₁ ≤ threshold·m/W∞). No τ reaches more, since ‖w_i(τ)‖² ≥ p_i²R where R ≤ 1.
   */
  endFraction(threshold: number): number {
    let count = 0;
    for (const p of this.par) if (p * p * this.floorRatio <= threshold) count++;
    return count / this.width;
  }

  /** The τ by which every transient has died out (the scan's end); with a tail, its horizon. */
  private tauEnd(): number {
    if (this.tail) return this.tauAt((this.sHandOff + this.tail.horizon) / this.rate);
    const smallest = Math.min(1, ...this.lambda);
    return Math.min(TAU_CAP, TRANSIENT_EFOLDS / Math.max(smallest, TRANSIENT_EFOLDS / TAU_CAP));
  }

  /**
   * Whether every neuron's ‖w_i(τ)‖² is non-increasing in τ: each e^{−λ_k τ} is (λ_k ≥ 0), and so is
   * g = R + (1 − R)e^{−τ} when R ≤ 1 (below the gate, and past it whenever the state lies inside Σp_j²). Then
   * fractionBelow is non-decreasing in τ, in floating point too (rounding is monotone, the terms are non-negative
   * multiples of decreasing exponentials). Above R = 1 the weights along θ* grow back and the fraction may fall; past
   * the hand-off to the limit equation's paths (attachTail) nothing is monotone: the paths fluctuate.
   */
  get normsNonIncreasing(): boolean {
    return this.settleRatio <= 1 && this.tail === null;
  }

  /**
   * The first step at which f(τ(t)) ≥ level: a scan over τ (0, then geometric up to tauEnd) brackets the first
   * crossing, bisection narrows it. Null when f stays below level over the whole scan.
   *
   * `nonDecreasing`: the caller knows f to be non-decreasing in τ (fractionBelow where normsNonIncreasing). The scan's
   * last point is then looked at first: below level, so is every point before it, and the full scan would return null
   * after all 96 evaluations (most runs' Phase I never ends within the scan: F∞ < ½). Same result, one evaluation.
   */
  firstStep(f: (tau: number) => number, level: number, nonDecreasing = false): number | null {
    const tau = this.firstTau(f, level, nonDecreasing);
    return tau === null ? null : tau === 0 ? 0 : this.stepAt(tau);
  }

  /** The τ of firstStep's crossing. */
  private firstTau(f: (tau: number) => number, level: number, nonDecreasing = false): number | null {
    if (f(0) >= level) return 0;
    const end = this.tauEnd();
    const start = 1e-4;
    if (nonDecreasing && !(f(scanTau(start, end, SCAN_POINTS - 1)) >= level)) return null;
    let lo = 0;
    let hi = NaN;
    for (let j = 0; j < SCAN_POINTS; j++) {
      const tau = scanTau(start, end, j);
      if (f(tau) >= level) {
        hi = tau;
        break;
      }
      lo = tau;
    }
    if (Number.isNaN(hi)) return null;
    for (let it = 0; it < BISECTIONS && hi - lo > 1e-13 * hi; it++) {
      const mid = 0.5 * (lo + hi);
      if (f(mid) >= level) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /**
   * Past the gate: from the τ where the closed form's mean ‖w_i‖² has fallen to HAND_OFF times the state, the model
   * is the limit equation's path (relaxation.ts) from the closed form's own neurons there. Each w_i is its decayed
   * components across θ̂* plus its part along θ̂*; each a_i carries the fit, a_i = κ⟨w_i, θ̂*⟩ with κ set so that
   * Wᵀa = θ* along θ̂*: a relaxes at about tr Σ̂ ≈ d per unit of τ, so what it starts from is forgotten within a
   * twentieth of a unit, while the weights move at O(1).
   */
  attachTail(state: TerminalState, p: ModelParams, seeds: RunSeeds): void {
    const { problem, nu } = state;
    const basis = problem.basis;
    if (!basis) throw new Error('phase model: the limit problem carries no eigenbasis');
    const above = this.firstTau((tau) => -this.meanW2(tau), -HAND_OFF * state.w2);
    const tauH = above ?? this.tauEnd();
    const d = this.unit.length;
    const D = d + 1;
    const m = this.width;
    const { k, lambda, perp, par, perpVectors, unit } = this;
    const amp = Float64Array.from(lambda, (l) => Math.exp((-l * tauH) / 2));
    const g = Math.sqrt(this.settleRatio + (1 - this.settleRatio) * Math.exp(-tauH));
    let q2 = 0;
    for (let i = 0; i < m; i++) q2 += (par[i] * g) ** 2;
    const kappa = this.starNorm / q2;
    const scale = 1 / Math.sqrt(nu);
    const neurons = new Float64Array(m * D);
    const w = new Float64Array(d);
    const S = Array.from({ length: D }, () => new Float64Array(D));
    for (let i = 0; i < m; i++) {
      const q = par[i] * g;
      for (let j = 0; j < d; j++) w[j] = q * unit[j];
      for (let kk = 0; kk < k; kk++) {
        const c = perp[i * k + kk] * amp[kk];
        for (let j = 0; j < d; j++) w[j] += c * perpVectors[kk * d + j];
      }
      const u = neurons.subarray(i * D, (i + 1) * D);
      for (let c = 0; c < d; c++) {
        let v = 0;
        for (let j = 0; j < d; j++) v += w[j] * basis[j * d + c];
        u[c] = v * scale;
      }
      u[d] = kappa * q * scale;
      for (let r = 0; r < D; r++) for (let c = 0; c < D; c++) S[r][c] += u[r] * u[c];
    }
    // d + 1 neurons with the same Gram matrix, U = QΛ^{1/2} (S = QΛQᵀ), and each of the run's neurons on them,
    // cᵢ = Λ^{-1/2}Qᵀuᵢ: uᵢ lies in S's range, and a direction S does not span (Λ below RANK_TOL of the largest: the
    // a's above carry the fit alone, so S has rank d) holds none of any uᵢ
    const evd = new EigenvalueDecomposition(new Matrix(S.map((row) => Array.from(row))), { assumeSymmetric: true });
    const Q = evd.eigenvectorMatrix;
    const values = evd.realEigenvalues;
    const largest = Math.max(...values);
    const W0 = new Float64Array(d * D);
    const A0 = new Float64Array(D);
    const inverseRoot = new Float64Array(D);
    values.forEach((value, c) => {
      const root = Math.sqrt(Math.max(0, value));
      for (let j = 0; j < d; j++) W0[j * D + c] = Q.get(j, c) * root;
      A0[c] = Q.get(d, c) * root;
      inverseRoot[c] = value > RANK_TOL * largest ? 1 / root : 0;
    });
    const coefficients = new Float64Array(m * D);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < D; c++) {
        let v = 0;
        for (let r = 0; r < D; r++) v += Q.get(r, c) * neurons[i * D + r];
        coefficients[i * D + c] = v * inverseRoot[c];
      }
    }
    this.tauHandOff = tauH;
    this.sHandOff = this.rate * this.stepAt(tauH);
    const horizon = Math.max(this.rate * p.steps - this.sHandOff, 0) + TAIL_UNITS;
    // the path's problem in its own units: (α, η, σ, ‖θ*‖) enter through x and ν alone, and the key holds x, not
    // them, so the two members of a symmetry pair (test/core/symmetry.test.ts) draw the same paths
    const { n, d: dim, width, batch, steps, noise, noise_schedule, teacher_sparsity, experiment, optimizer } = p;
    const invariant = { n, d: dim, width, batch, steps, noise, noise_schedule, teacher_sparsity, experiment, optimizer, x: problem.x };
    const key = { data: [...seeds.data], teacher: [...seeds.teacher], init: [...seeds.init], ...invariant };
    const pathSeeds = Array.from({ length: PATHS }, (_, path) => deriveSeed('relaxation', 0, path, key));
    this.tail = new RelaxationTail(problem, { W: W0, A: A0 }, coefficients, nu, state.w2Shift, {
      horizon,
      every: SNAPSHOT_EVERY,
      stepScale: PATH_STEP_SCALE,
      seeds: pathSeeds,
    });
  }

  /** τ of the hand-off to the limit equation's path; Infinity where the model has no path. */
  get handOffTau(): number {
    return this.tauHandOff;
  }

  /** The path's τ (the noise clock since the hand-off) at the model's τ. */
  private sinceHandOff(tau: number): number {
    return this.rate * this.stepAt(tau) - this.sHandOff;
  }
}

/** Point j of firstStep's geometric scan from `start` to `end` (j = SCAN_POINTS − 1 is `end`, up to rounding). */
const scanTau = (start: number, end: number, j: number): number => start * Math.pow(end / start, j / (SCAN_POINTS - 1));

/** The model of a run from its parameters and random streams (the same X, θ* and init as the run's), with its terminal state. */
export function buildPhaseModel(p: ModelParams, seeds: RunSeeds): PhaseModel {
  return modelOf(p, seeds).model;
}

function modelOf(p: ModelParams, seeds: RunSeeds): { model: PhaseModel; terminal: { w2: number; a2: number } | null } {
  const data = makeData(p, seeds);
  const net = initNetwork({ ...p, optimizer: p.optimizer }, seeds.init);
  const terminal = theoryApplies(p) ? terminalState(p, seeds, data) : null;
  const model = new PhaseModel(p, data, net, terminal?.w2);
  if (terminal && !isRichStart(p)) model.attachTail(terminal, p, seeds);
  return { model, terminal };
}

/** theory.ts's model columns for a run; null where theory does not describe it (theoryColumns gives NaN there). */
export function predictRun(p: ModelParams, seeds: RunSeeds): ModelPrediction | null {
  if (!theoryApplies(p)) return null;
  const { model, terminal } = modelOf(p, seeds);
  const threshold = phase2Thresholds(p).w2;
  const end = terminal ?? endPoint(p, { trace: model.sigmaTrace, along: model.sigmaAlong });
  return {
    k0: model.k0,
    w_norm2_end: model.meanW2(model.tauAt(p.steps)),
    w_norm2_late: model.lateMeanW2(p.steps),
    phase1_steps: model.firstStep((tau) => model.fractionBelow(tau, threshold), 0.5, model.normsNonIncreasing),
    align_steps: model.firstStep((tau) => model.meanAbsCos(tau), 0.5),
    sigma_trace: model.sigmaTrace,
    sigma_along: model.sigmaAlong,
    phase2_frac_final: model.endFraction(threshold),
    w_norm2_final: end.w2,
    a_norm2_final: end.a2,
  };
}
