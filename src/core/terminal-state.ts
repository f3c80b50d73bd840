/**
 * Where a run's weights end: the end point of label-noise SGD (theory.ts endPoint) below the gate, the limit equation's
 * noise-sustained state (noise-state.ts) above it (docs/theory.md, "The limit equation"). Pure; no I/O.
 *
 * The gate. The state departs from the end point only near and above the limit equation's onset, d·x_c ≈ 1.5 (d = 5),
 * 1.35 (10), 1.2 (20), 1.1 (40); below about half of it G − 1 is under 0.5% (d = 20: 1.001 at x = 0.01, 1.002 at 0.03),
 * less than one solve's own error (1–5%, below), so a run with d·x < STATE_GATE_DX gets exactly the end point and
 * costs nothing more. 0.75 is half the largest measured onset: at d = 20 (x ≥ 0.0375) it leaves out x = 0.034, where
 * G = 1.002.
 *
 * The solve. One per (X, θ̂*, x) per process (a Map; a worker thread is a process here), seeded by the project's one
 * seed derivation from the data set's and the teacher's seeds and x, so a run's value depends only on its parameters
 * and seed, never on which runs a worker did before. Its length, solveUnits(d), is 100 noise units at d ≥ 20 and
 * 100·(20/d)² below (1600 at d = 5), at h·λ_max·K̃ = 0.2. Spread of one solve over 8 independent streams: at d = 20
 * (the phase-diagram grid's first data set, n = 200) 0.9% (x = 0.136), 2.7% (0.544), 4.6% (2.18), the means within
 * their standard errors of the reference 150 units at 0.1 (76.7 ± 0.2 vs 77.2 ± 0.7, 41.6 ± 0.4 vs 41.5 ± 0.2,
 * 33.6 ± 0.6 vs 33.7 ± 0.4 in units of ν); at d = 5 (n = 50) 4.6–5.3% (x = 0.8) and 7.9–9.3% (1.6), where 100 units
 * gave 12–18%: the state fluctuates more at small d, and a solve there is cheap. Cost on the shared machine: 0.5–1.6 s
 * at d = 20, 0.3 s at d = 5 (about units·d³); nothing below the gate.
 *
 * The value. The state is solved at η → 0; the run's finite step tilts the end point by ε (theory.ts finiteStepEps),
 * ‖W‖² by −ε/2 and ‖a‖² by +ε/2 (up to 3.4% on the phase-diagram grid), and that shift is kept: mean ‖w_i‖² =
 * (E‖W̃‖²_F·ν − W₀·ε/2)/m with W₀ = √(tr Σ̂/ρ)·‖θ*‖, ‖a‖² = E‖ã‖²·ν + a₀²·ε/2. At the gate this meets the end point
 * within a solve's error.
 *
 * The teacher-free state. From d·x = TEACHER_FREE_DX = 100 on the teacher ‖θ̃*‖ = (d − 1)/(2√d·x) is small against
 * the state (0.42 at d = 20, where E‖W̃‖²_F ≈ 31) and the state no longer depends on it within a solve's error: at d = 20 (first data set, 6 streams each) E‖W̃‖²_F = 31.1 ± 0.5
 * at x = 5 (d·x = 100), 31.0 ± 0.5 at 8.7, 30.9 ± 0.5 at 34.8, 30.8 ± 0.5 at θ̃* = 0. So one solve at θ̃* = 0 per data
 * set serves every x there (the grid's rich starts reach x = 557: 4 values of x, one solve).
 */
import { canonicalJson } from './canonical-json.js';
import type { Dataset } from './data.js';
import { meanNoiseVariance } from './noise-variance.js';
import { limitProblem, solveNoiseState, type LimitProblem, type NoiseState } from './noise-state.js';
import { deriveSeed } from './seed-derivation.js';
import { finiteStepEps, noiseRatio, type EndPointParams } from './theory.js';
import type { RunParams, RunSeeds } from './types.js';

/** d·x from which the state is solved (module comment). */
const STATE_GATE_DX = 0.75;
/** d·x from which the state is the teacher-free one (module comment). */
const TEACHER_FREE_DX = 100;
/** Noise units of the solve at dimension d (module comment). */
const solveUnits = (d: number): number => Math.round(100 * Math.max(1, (20 / d) ** 2));
/** h·λ_max·K̃ of the solve's fine step (module comment). */
const STEP_SCALE = 0.2;
/** Solves kept per process; past it the memo starts over (a value depends only on its key, so nothing changes). */
const MEMO_SIZE = 4096;

const memo = new Map<string, NoiseState>();

export type TerminalParams = EndPointParams & Pick<RunParams, 'n'>;

export interface TerminalState {
  /** mean ‖w_i‖² of the state */
  w2: number;
  /** ‖a‖² of the state */
  a2: number;
  /** the limit equation the state solves (relaxation.ts integrates the path to it from the same problem) */
  problem: LimitProblem;
  /** ν = ησ̄²/B: the equation's unit of ‖W‖² */
  nu: number;
  /** the finite step's shift of mean ‖w_i‖², −W₀ε/(2m), kept on the state and on the path to it */
  w2Shift: number;
}

/** True when the run's noise ratio is past the gate, so its terminal state is solved rather than the end point. */
export const stateSolved = (p: EndPointParams): boolean => p.d * noiseRatio(p) >= STATE_GATE_DX;

/**
 * The limit equation's stationary state for the run's data set at its x, memoized; the key is the seed's own input, so
 * equal keys give equal bits whatever the order of the calls.
 */
function solveMemo(p: TerminalParams, seeds: Pick<RunSeeds, 'data' | 'teacher'>, problem: LimitProblem): NoiseState {
  const free = p.d * problem.x >= TEACHER_FREE_DX;
  // the data and teacher seeds already hold the sweep seed and replicate, so the derivation's own are 0
  const relevant = { data: [...seeds.data], teacher: [...seeds.teacher], n: p.n, d: p.d, x: free ? 'teacher-free' : problem.x };
  const key = canonicalJson(relevant);
  const known = memo.get(key);
  if (known) return known;
  const solved = free ? { ...problem, x: Infinity } : problem; // x = ∞: θ̃* = 0
  const state = solveNoiseState(solved, { units: solveUnits(p.d), stepScale: STEP_SCALE, seed: deriveSeed('state', 0, 0, relevant) });
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, state);
  return state;
}

/**
 * The noise-sustained state's mean ‖w_i‖² and ‖a‖² for a run past the gate (module comment); null below it, where the
 * end point holds. `data` is the run's own (makeData(p, seeds)).
 */
export function terminalState(
  p: TerminalParams,
  seeds: Pick<RunSeeds, 'data' | 'teacher'>,
  data: Pick<Dataset, 'X' | 'thetaStar'>,
): TerminalState | null {
  if (!stateSolved(p)) return null;
  const { d } = p;
  const x = noiseRatio(p);
  const problem = limitProblem(data, x);
  const state = solveMemo(p, seeds, problem);
  const { lambda, dir } = problem;
  let trace = 0;
  let along = 0;
  for (let k = 0; k < d; k++) {
    trace += lambda[k];
    along += dir[k] * dir[k] * lambda[k];
  }
  const eps = finiteStepEps(p, { trace, along });
  const nu = (p.lr * meanNoiseVariance(p)) / p.batch;
  const ratio = Math.sqrt(trace / along);
  const w0 = ratio * p.teacher_norm;
  const a0 = p.teacher_norm / ratio;
  return {
    w2: (state.w * nu - (w0 * eps) / 2) / p.width,
    a2: state.a * nu + (a0 * eps) / 2,
    problem,
    nu,
    w2Shift: -(w0 * eps) / 2 / p.width,
  };
}
