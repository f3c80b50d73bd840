/**
 * How a run above the onset relaxes to the noise-sustained state: the limit equation (noise-state.ts, docs/theory.md
 * "The limit equation") integrated from the Phase I model's weights at a hand-off time, one path per call. Pure; no I/O.
 *
 * Why a path and not a closed form. Far above the state the weights follow the implicit regulariser's flow, which the
 * Phase I model integrates in closed form (phase-model.ts). Near the state the same label noise that shrinks the
 * weights also feeds the directions across θ* (the Itô term s̃Σ̂ in dM̃), and the mass there decays to a noise floor
 * at a rate that falls towards the onset; no closed form for it is known here (nor for the state). The limit equation
 * holds all of it, with no parameter but (Σ̂, θ̂*, x), so the model hands off to it once its mean ‖wᵢ‖² has fallen to
 * HAND_OFF times the state (phase-model.ts) and integrates from there.
 *
 * Every neuron moves by one matrix, so the path carries d + 1 neurons U whose Gram matrix UUᵀ is the run's S at the
 * hand-off. Each of the run's own neurons lies in U's column space, uᵢ = U(0)cᵢ (S = Σᵢuᵢuᵢᵀ), so it is U(τ)cᵢ at any
 * later τ: only Φ = W(τ)ᵀW(τ) and φ = W(τ)ᵀθ̂* are kept per snapshot ((d + 1)² + d + 1 numbers; W the fine copy's
 * weights), from which ‖wᵢ‖² = cᵢᵀΦcᵢ and ⟨wᵢ, θ̂*⟩ = φᵀcᵢ for every neuron. tr M̃ itself is the Richardson pair's
 * (2·fine − coarse), as in the state's solve; the per-neuron values are the fine copy's.
 *
 * The step. Early after the hand-off the kernel K̃ = tr M̃ + d·s̃ is large and θ̃ relaxes at λ_max·K̃ per unit of τ, so
 * the step follows it: h·λ_max·K̃ = stepScale at every step (the state's solve fixes h from the state's K̃). Cost per
 * unit of τ: about λ_max·K̃/(2·stepScale) pair steps of 3 moves and 3 θ̃'s, d·(d + 1) multiply-adds each.
 */
import { LimitCopy, pairStep, pairStepScratch, type LimitProblem } from './noise-state.js';
import { Xoshiro128 } from './rng.js';
import type { StreamSeed } from './types.js';

interface RelaxationOptions {
  /** τ to integrate after the hand-off */
  horizon: number;
  /** τ between snapshots */
  every: number;
  /** h·λ_max·K̃ of the fine step */
  stepScale: number;
  seed: StreamSeed;
}

export interface RelaxationPath {
  /** d + 1: the length of a neuron u = (w, a) in the path's coordinates */
  dim: number;
  /** τ since the hand-off at each snapshot */
  tau: Float64Array;
  /** tr M̃ (units of ν) at each snapshot, Richardson-extrapolated */
  trace: Float64Array;
  /** the fine copy's own tr M̃ (= tr Φ) */
  fine: Float64Array;
  /** per snapshot, Φ = WᵀW of the fine copy, row-major (d + 1)² */
  gram: Float64Array;
  /** per snapshot, φ = Wᵀθ̂* (d + 1) */
  along: Float64Array;
}

/** Largest fine step in τ: the snapshots stay finer than the step, and the step stays in the equation's range. */
const MAX_STEP = 0.01;
/** Pair steps between two choices of the step size: K̃ moves by well under 1% over them (it relaxes at O(1) per unit of
 * τ, and 16 steps are about 16·0.2/(λ_max·K̃) ≤ 0.02 units at K̃ ≥ 100), and the trace costs as much as a move. */
const RESIZE_EVERY = 16;

/**
 * One path of the limit equation for `problem` from the neurons (W: d×(d + 1), column i neuron i's w in Σ̂'s
 * eigenbasis; A: their a's; both in units of √ν), snapshots every `opts.every` from τ = 0 to `opts.horizon`.
 */
function relaxationPath(problem: LimitProblem, W: Float64Array, A: Float64Array, opts: RelaxationOptions): RelaxationPath {
  const { lambda, dir, x } = problem;
  const d = lambda.length;
  const D = d + 1;
  const rng = new Xoshiro128(opts.seed);
  let lambdaMax = 0;
  for (let j = 0; j < d; j++) lambdaMax = Math.max(lambdaMax, lambda[j]);
  const star = (d - 1) / (2 * Math.sqrt(d) * x);
  const step = pairStepScratch(
    lambda,
    Float64Array.from(dir, (u) => u * star),
  );
  const fine = new LimitCopy(d, W, A);
  const coarse = new LimitCopy(d, W, A);

  const count = Math.floor(opts.horizon / opts.every) + 1;
  const out: RelaxationPath = {
    dim: D,
    tau: new Float64Array(count),
    trace: new Float64Array(count),
    fine: new Float64Array(count),
    gram: new Float64Array(count * D * D),
    along: new Float64Array(count * D),
  };
  let tau = 0;
  let hFine = 0;
  for (let snap = 0, t = 0; ; t++) {
    if (tau >= snap * opts.every) {
      record(out, snap, tau, fine, coarse, dir);
      if (++snap === count) break;
      t = 0; // the step size is chosen afresh after each snapshot too
    }
    if (t % RESIZE_EVERY === 0) {
      const [tr, s] = fine.traces();
      if (!Number.isFinite(tr + s)) throw new Error(`relaxation path: the limit equation diverged at x = ${x} (step scale ${opts.stepScale})`);
      hFine = Math.min(MAX_STEP, opts.stepScale / (lambdaMax * (tr + d * s)));
      for (let j = 0; j < d; j++) step.sq[j] = Math.sqrt(Math.max(lambda[j], 0) * hFine);
    }
    pairStep(fine, coarse, step, hFine, rng);
    tau += 2 * hFine;
  }
  return out;
}

/** Snapshot `snap`: τ, the extrapolated tr M̃, and Φ, φ of the fine copy. Cost (d + 1)²·d multiply-adds. */
function record(out: RelaxationPath, snap: number, tau: number, fine: LimitCopy, coarse: LimitCopy, dir: ArrayLike<number>): void {
  const D = out.dim;
  const d = D - 1;
  out.tau[snap] = tau;
  out.fine[snap] = fine.traces()[0];
  out.trace[snap] = 2 * out.fine[snap] - coarse.traces()[0];
  const P = fine.W; // d×D: row j is coordinate j, column k neuron k
  const gram = out.gram.subarray(snap * D * D, (snap + 1) * D * D);
  const along = out.along.subarray(snap * D, (snap + 1) * D);
  for (let k = 0; k < D; k++) {
    let f = 0;
    for (let j = 0; j < d; j++) f += P[j * D + k] * dir[j];
    along[k] = f;
    for (let l = k; l < D; l++) {
      let g = 0;
      for (let j = 0; j < d; j++) g += P[j * D + k] * P[j * D + l];
      gram[k * D + l] = g;
      gram[l * D + k] = g;
    }
  }
}

export interface TailOptions extends Omit<RelaxationOptions, 'seed'> {
  /** one path per seed; observables are their means */
  seeds: StreamSeed[];
}

/**
 * The model after the hand-off: `paths` of the limit equation from the run's neurons there, evaluated for the run's
 * own m neurons (each P·uᵢ). Paths are integrated on the first call that needs them, and each snapshot's per-neuron
 * values once, so a model whose crossings all fall before the hand-off pays for neither. Between snapshots the
 * observables are interpolated linearly; past the horizon they hold the last snapshot's value.
 */
export class RelaxationTail {
  private paths: RelaxationPath[] | null = null;
  /** per snapshot: per path, ‖wᵢ‖²/ν then ⟨wᵢ, θ̂*⟩²/ν for every neuron */
  private readonly values = new Map<number, Float64Array[]>();
  private readonly count: number;

  /**
   * `start`: the d + 1 neurons U whose Gram matrix is the run's S at the hand-off (W d×(d + 1), A); `neurons`: the run's
   * own m neurons there as coefficients on U's columns, m×(d + 1) rows cᵢ with uᵢ = U(0)cᵢ; `nu`, `w2Shift`:
   * terminal-state.ts's.
   */
  constructor(
    private readonly problem: LimitProblem,
    private readonly start: { W: Float64Array; A: Float64Array },
    private readonly neurons: Float64Array,
    private readonly nu: number,
    private readonly w2Shift: number,
    private readonly opts: TailOptions,
  ) {
    this.count = Math.floor(opts.horizon / opts.every) + 1;
  }

  get horizon(): number {
    return this.opts.horizon;
  }

  /** mean ‖wᵢ‖² at τ after the hand-off: the paths' extrapolated tr M̃, with the finite step's shift */
  meanW2(tau: number): number {
    const m = this.neurons.length / (this.problem.lambda.length + 1);
    return this.interpolate(tau, (snap) => {
      let sum = 0;
      for (const path of this.integrated()) sum += path.trace[snap];
      return (sum / this.integrated().length) * (this.nu / m) + this.w2Shift;
    });
  }

  /** fraction of the run's neurons with ‖wᵢ‖² ≤ threshold, averaged over paths */
  fractionBelow(tau: number, threshold: number): number {
    const limit = threshold / this.nu;
    return this.interpolate(tau, (snap) => this.perNeuronMean(snap, (w2) => (w2 <= limit ? 1 : 0)));
  }

  /** mean |cos(wᵢ, θ*)| over the run's neurons, averaged over paths */
  meanAbsCos(tau: number): number {
    return this.interpolate(tau, (snap) => this.perNeuronMean(snap, (w2, par2) => (w2 > 0 ? Math.sqrt(par2 / w2) : 0)));
  }

  private interpolate(tau: number, at: (snap: number) => number): number {
    const pos = Math.max(0, tau) / this.opts.every;
    const snap = Math.floor(pos);
    if (snap >= this.count - 1) return at(this.count - 1);
    const frac = pos - snap;
    const lo = at(snap);
    return frac === 0 ? lo : lo + frac * (at(snap + 1) - lo);
  }

  private perNeuronMean(snap: number, f: (w2: number, par2: number) => number): number {
    const per = this.snapshotValues(snap);
    let sum = 0;
    let count = 0;
    for (const v of per) {
      for (let i = 0; i < v.length; i += 2) sum += f(v[i], v[i + 1]);
      count += v.length / 2;
    }
    return sum / count;
  }

  private integrated(): RelaxationPath[] {
    this.paths ??= this.opts.seeds.map((seed) => relaxationPath(this.problem, this.start.W, this.start.A, { ...this.opts, seed }));
    return this.paths;
  }

  /** ‖W(τ)cᵢ‖² and ⟨W(τ)cᵢ, θ̂*⟩² for every neuron and path at a snapshot. Cost per path: m·(d + 1)(d + 4)/2 multiply-adds. */
  private snapshotValues(snap: number): Float64Array[] {
    const known = this.values.get(snap);
    if (known) return known;
    const { neurons } = this;
    const out = this.integrated().map((path) => {
      const D = path.dim;
      const m = neurons.length / D;
      const gram = path.gram.subarray(snap * D * D, (snap + 1) * D * D);
      const along = path.along.subarray(snap * D, (snap + 1) * D);
      const v = new Float64Array(2 * m);
      for (let i = 0; i < m; i++) {
        const u = neurons.subarray(i * D, (i + 1) * D);
        let q = 0;
        let c = 0;
        for (let k = 0; k < D; k++) {
          const uk = u[k];
          c += along[k] * uk;
          let row = 0.5 * gram[k * D + k] * uk;
          for (let l = k + 1; l < D; l++) row += gram[k * D + l] * u[l];
          q += 2 * uk * row;
        }
        v[2 * i] = q;
        v[2 * i + 1] = c * c;
      }
      return v;
    });
    this.values.set(snap, out);
    return out;
  }
}
