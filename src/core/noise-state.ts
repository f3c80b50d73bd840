/**
 * The noise-sustained state: the stationary mean of the limit equation of label-noise SGD (docs/theory.md, "The
 * noise-sustained state"), solved numerically. Pure; no I/O.
 *
 * Every neuron u = (w, a) is moved by one matrix per step, u ← (I − η[[0, g], [gᵀ, 0]])u, so the loss and ‖W‖²_F are
 * functions of the Gram matrix S = [[M, θ], [θᵀ, s]], M = WᵀW, θ = Wᵀa, s = ‖a‖². In units of ν = ησ̄²/B
 * (M̃ = M/ν, θ̃ = θ/ν, s̃ = s/ν) on the clock τ = η²σ̄²t/B, η → 0 at fixed θ̃* = θ* in units of ν, the process becomes the Itô
 * equation, with dG = Σ̂(θ̃ − θ̃*)dτ + dZ, ⟨dZ dZᵀ⟩ = Σ̂dτ:
 *   dM̃ = −(θ̃ dGᵀ + dG θ̃ᵀ) + s̃Σ̂ dτ,   dθ̃ = −(M̃ + s̃I)dG + Σ̂θ̃ dτ,   ds̃ = −2θ̃ᵀdG + tr(M̃Σ̂) dτ,
 * whose only parameters are d, Σ̂ and θ̃* (‖θ̃*‖ = (d − 1)/(2√d·x)): (η, σ̄, B, ‖θ*‖, m) enter through x alone, and
 * the width through S(0) alone. Corrections to it are O(ηK) (K = ‖W‖²_F + d‖a‖²), as the end point's ε.
 *
 * solveNoiseState integrates it with d + 1 neurons (the product form above, which keeps S positive) and a Gaussian
 * dZ: two coupled copies at steps h and h/2 driven by the same Brownian path, extrapolated to h = 0 (Richardson,
 * 2·fine − coarse: the coupling makes the difference nearly noise-free), time-averaged over the last two thirds of
 * `units` of τ after starting from the end point plus a full-rank part.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Dataset } from './data.js';
import { Xoshiro128 } from './rng.js';
import type { StreamSeed } from './types.js';

export interface LimitProblem {
  /** eigenvalues of Σ̂ */
  lambda: ArrayLike<number>;
  /** θ̂* in Σ̂'s eigenbasis (unit length) */
  dir: ArrayLike<number>;
  /** Σ̂'s eigenvectors, row-major d×d: column c is eigenvector c (the data's coordinates into the equation's) */
  basis?: Float64Array;
  /** the noise ratio x = (d − 1)ησ̄²/(2B√d‖θ*‖) */
  x: number;
}

export interface SolveOptions {
  /** length in τ (noise units); the average runs over the last two thirds */
  units: number;
  /** h·λ_max·K̃ per fine step, K̃ the larger of the end point's and the teacher-free state's kernel trace */
  stepScale: number;
  seed: StreamSeed;
}

export interface NoiseState {
  /** E‖W‖²_F / ν, extrapolated to η → 0 */
  w: number;
  /** E‖a‖² / ν */
  a: number;
  /** (tr M)²/tr M², time-averaged: the spread of ‖w_i‖² across Gaussian-started neurons is that of χ²_k/k */
  k: number;
  /** the fine copy's E‖W‖²_F/ν before extrapolation (its difference from w is the O(h) correction) */
  fine: number;
  /** std/mean of ‖W‖²_F over time in the state: how far one snapshot (a run's final value) strays from the mean */
  cv: number;
}

/** The limit equation's parameters for a run's data at noise ratio x: Σ̂ = XᵀX/n's eigenvalues and θ̂* in its eigenbasis. */
export function limitProblem({ X, thetaStar }: Pick<Dataset, 'X' | 'thetaStar'>, x: number): LimitProblem {
  const d = thetaStar.length;
  const n = X.length / d;
  const cov = Array.from({ length: d }, (_, j) =>
    Array.from({ length: d }, (_, l) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[i * d + j] * X[i * d + l];
      return s / n;
    }),
  );
  const evd = new EigenvalueDecomposition(new Matrix(cov), { assumeSymmetric: true });
  const V = evd.eigenvectorMatrix;
  const norm = Math.hypot(...thetaStar);
  const dir = Array.from({ length: d }, (_, c) => thetaStar.reduce((acc, t, j) => acc + t * V.get(j, c), 0) / norm);
  const basis = Float64Array.from({ length: d * d }, (_, k) => V.get(Math.floor(k / d), k % d));
  return { lambda: Float64Array.from(evd.realEigenvalues), dir, x, basis };
}

/**
 * One copy of the reduced process: W is d×cols (column i is neuron i's w), A its a's. The state solve and the
 * relaxation path (relaxation.ts) use d + 1 neurons.
 */
export class LimitCopy {
  readonly W: Float64Array;
  readonly A: Float64Array;
  private readonly wg: Float64Array;
  private readonly theta: Float64Array;
  constructor(
    private readonly d: number,
    W: Float64Array,
    A: Float64Array,
  ) {
    this.W = W.slice();
    this.A = A.slice();
    this.wg = new Float64Array(A.length);
    this.theta = new Float64Array(d);
  }

  /** θ̃ = Wa */
  thetaNow(): Float64Array {
    const { d, W, A, theta } = this;
    const m = A.length;
    for (let j = 0; j < d; j++) {
      let t = 0;
      for (let i = 0, row = j * m; i < m; i++) t += W[row + i] * A[i];
      theta[j] = t;
    }
    return theta;
  }

  /** u ← (I − [[0, dg], [dgᵀ, 0]])u for every neuron */
  move(dg: Float64Array): void {
    const { d, W, A, wg } = this;
    const m = A.length;
    wg.fill(0);
    for (let j = 0; j < d; j++) {
      const gj = dg[j];
      for (let i = 0, row = j * m; i < m; i++) {
        wg[i] += W[row + i] * gj;
        W[row + i] -= gj * A[i];
      }
    }
    for (let i = 0; i < m; i++) A[i] -= wg[i];
  }

  /** [tr M̃, s̃] */
  traces(): [number, number] {
    let tr = 0;
    let s = 0;
    for (const v of this.W) tr += v * v;
    for (const v of this.A) s += v * v;
    return [tr, s];
  }

  /** [tr M̃, s̃, tr M̃²] */
  moments(): [number, number, number] {
    const { d, W, A } = this;
    const m = A.length;
    const [tr, s] = this.traces();
    // tr M² = ‖WᵀW‖²_F = ‖Gram of the neurons‖²_F
    let tr2 = 0;
    for (let i = 0; i < m; i++) {
      for (let l = i; l < m; l++) {
        let g = 0;
        for (let j = 0; j < d; j++) g += W[j * m + i] * W[j * m + l];
        tr2 += (l === i ? 1 : 2) * g * g;
      }
    }
    return [tr, s, tr2];
  }
}

/** What one step of the Richardson pair needs besides the copies. */
export interface PairStep {
  /** eigenvalues of Σ̂ */
  lambda: ArrayLike<number>;
  /** θ̃* in Σ̂'s eigenbasis, units of ν */
  thetaStar: Float64Array;
  /** √(λ_j·h_fine): the Brownian increment's scale per fine step */
  sq: Float64Array;
  /** scratch: the two fine steps' Gaussians and the increment */
  xi1: Float64Array;
  xi2: Float64Array;
  dg: Float64Array;
}

export function pairStepScratch(lambda: ArrayLike<number>, thetaStar: Float64Array): PairStep {
  const d = lambda.length;
  return { lambda, thetaStar, sq: new Float64Array(d), xi1: new Float64Array(d), xi2: new Float64Array(d), dg: new Float64Array(d) };
}

/**
 * One step of the Richardson pair driven by one Brownian path: `coarse` moves by 2h with the two fine increments'
 * noise summed, `fine` by two steps of h. Cost: 3 θ̃ evaluations and 3 moves of d·cols multiply-adds each, 2d Gaussians.
 */
export function pairStep(fine: LimitCopy, coarse: LimitCopy, s: PairStep, hFine: number, rng: Xoshiro128): void {
  const { lambda, thetaStar, sq, xi1, xi2, dg } = s;
  const d = lambda.length;
  const hCoarse = 2 * hFine;
  for (let j = 0; j < d; j++) {
    xi1[j] = rng.nextGaussian();
    xi2[j] = rng.nextGaussian();
  }
  // coarse step: the two half-step increments summed
  const thC = coarse.thetaNow();
  for (let j = 0; j < d; j++) dg[j] = hCoarse * lambda[j] * (thC[j] - thetaStar[j]) + sq[j] * (xi1[j] + xi2[j]);
  coarse.move(dg);
  for (const xi of [xi1, xi2]) {
    const th = fine.thetaNow();
    for (let j = 0; j < d; j++) dg[j] = hFine * lambda[j] * (th[j] - thetaStar[j]) + sq[j] * xi[j];
    fine.move(dg);
  }
}

/**
 * The stationary E‖W‖²_F/ν, E‖a‖²/ν and spread k of the limit equation for one (Σ̂, θ̂*, x) (module comment).
 * Cost: about 3·(d + 1)²·units/h_fine multiply-adds.
 */
export function solveNoiseState(problem: LimitProblem, opts: SolveOptions): NoiseState {
  const { lambda, dir, x } = problem;
  const d = lambda.length;
  const m = d + 1;
  const rng = new Xoshiro128(opts.seed);
  const star = (d - 1) / (2 * Math.sqrt(d) * x);
  let lambdaMax = 0;
  let trace = 0;
  for (let j = 0; j < d; j++) {
    lambdaMax = Math.max(lambdaMax, lambda[j]);
    trace += lambda[j];
  }
  // the kernel trace K̃ = tr M̃ + d·s̃ ≈ 2·tr M̃ sets θ's fastest relaxation, λ_max·K̃; the teacher-free state has
  // tr M̃ of order d²/10 (docs/theory.md), the end point √d‖θ̃*‖
  const kernel = 2 * (Math.sqrt(d) * star + (d * d) / 8);
  const hFine = opts.stepScale / (lambdaMax * kernel);
  const hCoarse = 2 * hFine;
  const thetaStar = Float64Array.from(dir, (u) => u * star);

  // start: the end point (one balanced neuron along θ*, spread over the d + 1 neurons) plus a full-rank part of
  // trace ≈ d·trace/d (the teacher-free state's order) so that the across directions need not grow from nothing
  const W0 = new Float64Array(d * m);
  const A0 = new Float64Array(m);
  const c = Math.sqrt(Math.sqrt(d) * star);
  const spread = Math.sqrt(Math.max(1, trace) / m);
  for (let i = 0; i < m; i++) {
    const z = rng.nextGaussian() / Math.sqrt(m);
    A0[i] = (z * c) / Math.sqrt(d) + spread * rng.nextGaussian() * 0.5;
    for (let j = 0; j < d; j++) W0[j * m + i] = z * c * dir[j] + (spread * rng.nextGaussian()) / Math.sqrt(d);
  }
  const fine = new LimitCopy(d, W0, A0);
  const coarse = new LimitCopy(d, W0, A0);

  const step = pairStepScratch(lambda, thetaStar);
  for (let j = 0; j < d; j++) step.sq[j] = Math.sqrt(Math.max(lambda[j], 0) * hFine);
  const coarseSteps = Math.ceil(opts.units / hCoarse);
  const from = Math.floor(coarseSteps / 3);
  const every = Math.max(1, Math.round(0.05 / hCoarse));
  const sum = { fine: 0, fine2: 0, coarse: 0, a: 0, aCoarse: 0, k: 0, count: 0 };
  for (let t = 0; t < coarseSteps; t++) {
    pairStep(fine, coarse, step, hFine, rng);
    if (t >= from && (t - from) % every === 0) {
      const [tr, s, tr2] = fine.moments();
      const [trC, sC] = coarse.traces();
      if (!Number.isFinite(tr + trC))
        throw new Error(`noise-sustained state: the limit equation diverged at x = ${x} (step scale ${opts.stepScale})`);
      sum.fine += tr;
      sum.fine2 += tr * tr;
      sum.coarse += trC;
      sum.a += s;
      sum.aCoarse += sC;
      sum.k += (tr * tr) / tr2;
      sum.count++;
    }
  }
  const mean = (v: number) => v / sum.count;
  return {
    w: 2 * mean(sum.fine) - mean(sum.coarse),
    a: 2 * mean(sum.a) - mean(sum.aCoarse),
    k: mean(sum.k),
    fine: mean(sum.fine),
    cv: Math.sqrt(Math.max(0, mean(sum.fine2) - mean(sum.fine) ** 2)) / mean(sum.fine),
  };
}
