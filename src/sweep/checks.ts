/**
 * Checks on one resolved run, for constraints between parameters that a single value cannot show: teacher_sparsity ≤ d,
 * batch ≤ n, snapshots within the run, a kernel that can run the optimizer, and a stable learning rate. Each problem
 * is reported at the key path that set the offending value (`base.batch`, `grid.lr[2]`, `default`, …).
 */
import { estimateRunBytes, resolveKernel } from '../core/kernel-choice.js';
import { PARAM_SPECS } from '../core/params.js';
import type { RunParams } from '../core/types.js';
import type { SweepProblem } from './errors.js';
import type { ParamKey } from './values.js';

/** Where each parameter's value came from: a key path, or 'default'. */
export type Origins = Partial<Record<ParamKey, string>>;

/**
 * A run may hold at most this much memory (its whole trajectory stays in memory until its file is written); with one
 * run per core, a 2-core machine with 24 GiB keeps room to spare.
 */
const MAX_RUN_BYTES = 4 * 2 ** 30;

/** lr times the squared gradient norm at init must stay below this (GD on a quadratic diverges above 2/λ_max). */
const STABILITY_BOUND = 2;

const sig = (x: number) => Number(x.toPrecision(4));

/**
 * The stability quantity of a run, compared with STABILITY_BOUND:
 * - sgd, sam, gd: lr·α²·(width + d). At init ‖∂f/∂(a,W)‖² = ‖Wx‖² + ‖a‖²‖x‖² ≈ α²(m + d) for x ~ N(0, I_d), and
 *   batch-1 SGD on ½(f − y)² is stable only while lr·‖∇f‖² < 2.
 * - oscillate: lr·(width·√lr/2)·(1 + √(d/n))². GD on W with a_i ∈ {−q, 0, q}, q = lr^{1/4}, half of them non-zero:
 *   ‖a‖² ≈ width·√lr/2 times the largest eigenvalue of XᵀX/n, ≈ (1 + √(d/n))² (Marchenko–Pastur edge).
 */
function stabilityOf(p: RunParams): { value: number; formula: string; why: string } {
  if (p.optimizer === 'oscillate') {
    return {
      value: p.lr * ((p.width * Math.sqrt(p.lr)) / 2) * (1 + Math.sqrt(p.d / p.n)) ** 2,
      formula: 'lr·(width·√lr/2)·(1 + √(d/n))²',
      why: 'GD on W with |a_i| = lr^{1/4} on half the neurons: ‖a‖²·λ_max(XᵀX/n)',
    };
  }
  return {
    value: p.lr * p.alpha ** 2 * (p.width + p.d),
    formula: 'lr·alpha²·(width + d)',
    why: 'batch-1 SGD at init, where ‖∂f/∂(a,W)‖² ≈ alpha²·(width + d) for x ~ N(0, I_d)',
  };
}

function advice(p: RunParams, lrOrigin: string): string {
  if (lrOrigin.startsWith('lr_rule')) return 'lower eta_alpha2_width';
  if (p.optimizer === 'oscillate') return 'lower lr';
  return 'lower lr (lr_rule keeps lr·alpha²·width fixed)';
}

export function checkRun(p: RunParams, origins: Origins, allowUnstable: boolean): SweepProblem[] {
  const at = (key: ParamKey) => origins[key] ?? 'default';
  const from = (key: ParamKey) => `${key} is ${String(p[key])}, from ${at(key)}`;
  const problems: SweepProblem[] = [];

  if (p.teacher_sparsity > p.d) {
    problems.push({ path: at('teacher_sparsity'), reason: `teacher_sparsity must be ≤ d (got ${p.teacher_sparsity}; ${from('d')})` });
  }
  if (p.batch > p.n) {
    problems.push({ path: at('batch'), reason: `batch must be ≤ n (got ${p.batch}; ${from('n')})` });
  }
  const late = p.snapshot_steps.filter((s) => s > p.steps);
  if (late.length > 0) {
    problems.push({
      path: at('snapshot_steps'),
      reason: `snapshot step${late.length > 1 ? 's' : ''} ${late.join(', ')} after the last step (${from('steps')})`,
    });
  }
  const bytes = estimateRunBytes(p);
  if (bytes > MAX_RUN_BYTES) {
    problems.push({
      path: at('log_every'),
      reason:
        `a run would hold ${(bytes / 2 ** 30).toFixed(1)} GiB (${Math.ceil(p.steps / p.log_every)} metric rows, ` +
        `${p.snapshot_steps.length} snapshots of ${p.width} neurons); the limit is ${MAX_RUN_BYTES / 2 ** 30} GiB per run: ` +
        `raise log_every, or take fewer snapshot_steps (${from('steps')})`,
    });
  }
  problems.push(...checkExperiment(p, at, from));
  try {
    resolveKernel(p);
  } catch (e) {
    problems.push({
      path: at('kernel'),
      reason: `kernel '${p.kernel}' cannot run optimizer '${p.optimizer}' (${from('optimizer')}): oscillate moves a off the span the subspace kernel tracks; use 'dense' or 'auto'`,
      cause: e,
    });
  }
  // The realdata network's stability depends on its data and nonlinearity, not on lr·α²·(width + d): a run past its
  // edge stops with status 'diverged', which is a result.
  if (!allowUnstable && p.experiment === 'linear') {
    const s = stabilityOf(p);
    if (s.value > STABILITY_BOUND) {
      const run = `{optimizer: ${p.optimizer}, lr: ${p.lr}, alpha: ${p.alpha}, width: ${p.width}, d: ${p.d}, n: ${p.n}}`;
      problems.push({
        path: at('lr'),
        reason:
          `unstable learning rate for the run ${run}: ${s.formula} = ${sig(s.value)} > ${STABILITY_BOUND}, the stability ` +
          `bound of ${s.why}; ${advice(p, at('lr'))}, or set allow_unstable: true to map the ` +
          `divergence edge on purpose (such runs stop with status 'diverged')`,
      });
    }
  }
  return problems;
}

/** MNIST inputs may be average-pooled 2×2 or 4×4 (d = 196, 49) to make the realdata runs cheaper. */
const REALDATA_DIMS = [784, 196, 49] as const;
/** examples shipped in the `mnist` package (1000 per digit) */
const REALDATA_EXAMPLES = 10_000;

/**
 * The experiment's own constraints: realdata runs on the tfjs engine with gd or sam, its label noise is τ (not σ),
 * d is a pooling of MNIST's 784 pixels; tau, activation and n_test mean nothing to the linear experiment, and the
 * tfjs engine does not run `oscillate` (a Markov chain, not a gradient: nothing for autograd to add).
 */
function checkExperiment(p: RunParams, at: (key: ParamKey) => string, from: (key: ParamKey) => string): SweepProblem[] {
  const problems: SweepProblem[] = [];
  if (p.tau > 1) problems.push({ path: at('tau'), reason: `tau is a probability: must be ≤ 1 (got ${p.tau})` });
  if (p.experiment === 'realdata') {
    if (p.engine !== 'tfjs') {
      problems.push({
        path: at('engine'),
        reason: `experiment 'realdata' runs on engine 'tfjs' (autograd through the nonlinearity); got '${p.engine}' (${from('experiment')})`,
      });
    }
    if (p.optimizer !== 'gd' && p.optimizer !== 'sam') {
      problems.push({
        path: at('optimizer'),
        reason: `experiment 'realdata' trains full-batch with 'gd' or 'sam'; got '${p.optimizer}' (${from('experiment')})`,
      });
    }
    if (p.sigma !== 0) {
      problems.push({
        path: at('sigma'),
        reason: `experiment 'realdata' has label noise tau (labels replaced by random classes), not sigma; set sigma: 0 (${from('experiment')})`,
      });
    }
    if (!(REALDATA_DIMS as readonly number[]).includes(p.d)) {
      problems.push({
        path: at('d'),
        reason: `experiment 'realdata' takes d = 784 (28×28 MNIST pixels), 196 (2×2 pooled) or 49 (4×4 pooled); got ${p.d} (${from('experiment')})`,
      });
    }
    if (p.snapshot_steps.length > 0) {
      problems.push({
        path: at('snapshot_steps'),
        reason: `per-neuron snapshots are taken for experiment 'linear' only (against θ*); leave snapshot_steps empty (${from('experiment')})`,
      });
    }
    if (p.n + p.n_test > REALDATA_EXAMPLES) {
      problems.push({
        path: at('n_test'),
        reason: `n + n_test must be ≤ ${REALDATA_EXAMPLES}, the MNIST examples the mnist package ships (${from('n')}, ${from('n_test')})`,
      });
    }
  } else {
    for (const key of ['tau', 'activation', 'n_test'] as const) {
      if (p[key] !== PARAM_SPECS[key].default) {
        problems.push({
          path: at(key),
          reason: `${key} is used only by experiment 'realdata'; ${from('experiment')} (leave ${key} at ${String(PARAM_SPECS[key].default)})`,
        });
      }
    }
    if (p.engine === 'tfjs' && p.optimizer === 'oscillate') {
      problems.push({
        path: at('optimizer'),
        reason: `optimizer 'oscillate' runs on the native engine only (its a-chain is a Markov chain, not a gradient step); ${from('engine')}`,
      });
    }
  }
  return problems;
}
