/**
 * Which native kernel runs a given parameter set, and roughly what it costs.
 *
 * The `subspace` kernel is an exact reparametrisation for every update that moves a along W's columns and W's
 * columns along a (sgd, sam, gd): both stay in span(a(0), W(0)'s columns), of dimension k ≤ d+1. It pays off once
 * m > d+1. `oscillate` drives a by a Markov chain that leaves that span, so it is dense-only.
 */
import type { Kernel, RunParams, TrainParams } from './types.js';

export function subspaceIsExact(p: Pick<TrainParams, 'optimizer'>): boolean {
  return p.optimizer !== 'oscillate';
}

export function resolveKernel(p: Pick<TrainParams, 'optimizer' | 'kernel' | 'width' | 'd'>): Kernel {
  if (p.kernel === 'subspace' && !subspaceIsExact(p)) {
    throw new Error(`kernel 'subspace' is not exact for optimizer '${p.optimizer}': use 'dense' or 'auto'`);
  }
  if (p.kernel !== 'auto') return p.kernel;
  return subspaceIsExact(p) && p.width > p.d + 1 ? 'subspace' : 'dense';
}

/**
 * A run's cost in multiply-adds, for ETA weighting and shard balancing (not a promise of seconds). `rows` is what the
 * step loops sweep: k ≤ d+1 (subspace) or m (dense).
 * Per step (steps-b1.ts, steps-batch.ts): batch-1 sgd/sam make one fused pass of 2·rows·d (SAM's ascent point adds
 * O(rows)); batch > 1, gd and oscillate form the residuals from θ (samples·d) and make one pass of 3·rows·d; SAM
 * twice. Per logged row: the per-neuron metrics, two k×k quadratic forms per neuron (m·k²) on the subspace kernel or
 * two passes over W on the dense one, plus θ against the training points. tfjs: ≈ 10× the dense kernel (bench).
 */
export function estimateRunCost(p: RunParams): number {
  if (p.experiment === 'realdata') {
    // Network and linearised model, full batch: ≈ 3 passes (forward, two backward products) over n·d·width each,
    // ten outputs aside; SAM twice. Per row: both models on the train and test sets. tfjs's per-op overhead ≈ 1e4.
    const perStep = 2 * 3 * p.n * p.d * p.width * (p.optimizer === 'sam' ? 2 : 1) + 1e4;
    const perLog = 2 * (p.n + p.n_test) * p.d * p.width;
    return p.steps * perStep + (Math.ceil(p.steps / p.log_every) + 2) * perLog;
  }
  const kernel = p.engine === 'native' ? resolveKernel(p) : 'dense';
  const rows = kernel === 'subspace' ? Math.min(p.width, p.d + 1) : p.width;
  const samples = p.optimizer === 'gd' || p.optimizer === 'oscillate' ? p.n : p.batch;
  const fusedBatch1 = samples === 1 && (p.optimizer === 'sgd' || p.optimizer === 'sam');
  const perStep = fusedBatch1
    ? 2 * rows * p.d + (p.optimizer === 'sam' ? 8 * rows : 0) + 16
    : (p.optimizer === 'sam' ? 2 : 1) * (3 * rows * p.d + samples * p.d) + 16;
  const logRows = Math.ceil(p.steps / p.log_every) + 2;
  const perLog = (kernel === 'subspace' ? p.width * rows * rows : 2 * p.width * p.d) + p.n * p.d;
  const engineFactor = p.engine === 'tfjs' ? 10 : 1;
  return engineFactor * (p.steps * perStep + logRows * perLog);
}

/**
 * The bytes a run holds at once, for refusing runs that cannot fit before they start (a worker's
 * resourceLimits cap only the V8 heap, not typed arrays). The trajectory is kept whole until the run file is written:
 * 16 Float64 columns per logged row; snapshots 5 per neuron per snapshot step; the weights W and W(0) (dense) or the
 * basis Q and its row data (subspace; plus the WebAssembly neuron pass's own copy of Q and its four output columns),
 * and the data set.
 */
export function estimateRunBytes(p: RunParams): number {
  const rows = Math.ceil(p.steps / p.log_every) + 2;
  const k = Math.min(p.width, p.d + 1);
  // Not resolveKernel: this must not throw for a combination that checkRun reports on its own.
  const subspace = p.engine === 'native' && subspaceIsExact(p) && (p.kernel === 'subspace' || (p.kernel === 'auto' && p.width > p.d + 1));
  const weights = subspace ? 3 * p.width * k + 4 * p.width : 3 * p.width * p.d;
  return 8 * (16 * rows + 5 * p.width * p.snapshot_steps.length + weights + 4 * p.width + p.n * (p.d + 1));
}
