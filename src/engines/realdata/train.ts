/**
 * A realdata run (paper Figs. 3, 5): a two-layer network and its linearised model on n MNIST examples, full-batch
 * gd or sam on one-hot squared loss, with label noise τ (the linearised model: gd on the clean labels, model.ts),
 * logging both models' train and test loss and ‖W₁‖_F.
 *
 * Streams (the run's three, as for the linear experiment; src/sweep/seeds.ts):
 *   data  which examples (mnist.ts)
 *   init  W₁ row-major (m·d gaussians × α/√d), then W₂ row-major (10·m gaussians × α/√m): the linear experiment's
 *         NTK scaling (docs/formats.md, Random streams)
 *   sgd   per step, per training example j = 0..n−1: one 53-bit uniform u, then one class word c (nextIndex(10));
 *         the label is replaced by c when u < τ (c may equal the true class). Both are drawn whatever τ, so runs
 *         that differ only in τ share their draws, and a larger τ replaces a superset of the labels.
 *
 * Outputs: the run file's metric row (docs/formats.md, Metrics) of the network (train_loss, test_loss on the held-out set, w_fro = ‖W₁‖_F, the per-neuron
 * norms over W₁'s rows, |a| over W₂'s entries, lazy fractions, phase2_frac with ‖W₂[:, i]‖ for |a_i|, balance with
 * ‖W₂[:, i]‖²; NaN where θ* has no meaning: theta_cos, align_*, kernel_dist), and the realdata columns (columns.ts).
 */
import { Xoshiro128 } from '../../core/rng.js';
import { METRIC_INDEX } from '../../core/metrics.js';
import { lazyTolerance2, phase2Thresholds } from '../../core/theory.js';
import { driveRun, rowCapacity, type RunEngine } from '../../core/run-driver.js';
import type { RunParams, RunSeeds, TrainHooks, TrainResult } from '../../core/types.js';
import { loadTfjs, type TfjsBackend } from '../tfjs/backend.js';
import { RealDataLog, type RealDataColumns } from './columns.js';
import { CLASSES, loadMnistSubset } from './mnist.js';
import { createRealDataModels, type RealDataModels } from './model.js';

type ModelEvals = ReturnType<RealDataModels['evaluate']>;

/** A step of both models costs milliseconds: a poll every 64 steps keeps progress and aborts prompt. */
const POLL_EVERY = 64;

export interface RealDataResult {
  result: TrainResult;
  columns: RealDataColumns;
  backend: TfjsBackend;
}

export async function trainRealData(params: RunParams, seeds: RunSeeds, hooks: TrainHooks = {}): Promise<RealDataResult> {
  const { tf, backend } = await loadTfjs();
  const { n, d, width: m, tau } = params;
  const { train, test } = loadMnistSubset(n, params.n_test, d, seeds.data);
  const init = initTwoLayer(m, d, params.alpha, seeds.init);
  const models = createRealDataModels(tf, params, train, test, init);
  const noise = new Xoshiro128(seeds.sgd);
  const targets = new Float32Array(n * CLASSES);
  const rdLog = new RealDataLog(rowCapacity(params));
  const w0 = rowNorms2(init.W1, m, d);
  const fro0 = Math.sqrt(w0.reduce((s, v) => s + v, 0));
  let t = 0;
  // the evaluation at step evalAt: the loss check's, reused by a row at the same step
  let ev: ModelEvals | undefined;
  let evalAt = -1;
  const evaluate = (): ModelEvals => {
    if (ev === undefined || evalAt !== t) {
      ev = models.evaluate();
      evalAt = t;
    }
    return ev;
  };
  const engine: RunEngine = {
    tag: '[tfjs]',
    pollEvery: POLL_EVERY,
    advance(count) {
      for (let i = 0; i < count; i++, t++) {
        drawTargets(noise, train.label, tau, targets);
        models.step(targets);
      }
      return count;
    },
    trainLoss: () => evaluate().net.trainLoss,
    // no neurons(): a realdata run takes no per-neuron snapshots, so every row is a logged one
    row(out, step) {
      const ev = evaluate();
      const w = models.weights();
      specRow(out, w.W1, w.W2, init.W1, m, d, { ...phase2Thresholds(params), lazy2: lazyTolerance2(params) }, ev.net.trainLoss, ev.net.testLoss);
      rdLog.pushRow(step, {
        train_loss: ev.net.trainLoss,
        test_loss: ev.net.testLoss,
        test_acc: ev.net.testAcc,
        lin_train_loss: ev.lin.trainLoss,
        lin_test_loss: ev.lin.testLoss,
        lin_test_acc: ev.lin.testAcc,
        w1_fro: Math.sqrt(sumSq(w.W1)),
        lin_w1_fro: Math.sqrt(sumSq(w.linW1)),
        w1_move: Math.sqrt(diffSq(w.W1, init.W1)) / fro0,
        lin_w1_move: Math.sqrt(diffSq(w.linW1, init.W1)) / fro0,
        out_dist: ev.outDist,
      });
    },
  };
  try {
    const result: TrainResult = { ...driveRun(engine, params, hooks), kernel: 'dense' };
    return { result, columns: rdLog.finish(), backend };
  } finally {
    models.dispose();
  }
}

/** The init stream's draws (module comment). */
export function initTwoLayer(m: number, d: number, alpha: number, seed: RunSeeds['init']): { W1: Float32Array; W2: Float32Array } {
  const rng = new Xoshiro128(seed);
  const W1 = new Float32Array(m * d);
  const s1 = alpha / Math.sqrt(d);
  for (let i = 0; i < m * d; i++) W1[i] = s1 * rng.nextGaussian();
  const W2 = new Float32Array(CLASSES * m);
  const s2 = alpha / Math.sqrt(m);
  for (let i = 0; i < CLASSES * m; i++) W2[i] = s2 * rng.nextGaussian();
  return { W1, W2 };
}

/** One step's one-hot targets: per example one uniform and one class word, replaced when u < τ. 3 words each. */
export function drawTargets(rng: Xoshiro128, label: Int32Array, tau: number, out: Float32Array): void {
  out.fill(0);
  for (let j = 0; j < label.length; j++) {
    const u = rng.nextDouble();
    const c = rng.nextIndex(CLASSES);
    out[j * CLASSES + (u < tau ? c : label[j])] = 1;
  }
}

/** The run file's metric columns for the network (module comment). O(m·d). */
function specRow(
  out: Float64Array,
  W1: Float32Array,
  W2: Float32Array,
  W1_0: Float32Array,
  m: number,
  d: number,
  ball: { w2: number; a: number; lazy2: number },
  trainLoss: number,
  testLoss: number,
): void {
  out.fill(NaN);
  out[METRIC_INDEX.train_loss] = trainLoss;
  out[METRIC_INDEX.test_loss] = testLoss;
  const lazyTol2 = ball.lazy2;
  const relTol2 = 1 / m;
  let sumW = 0,
    sumW2 = 0,
    sumA = 0,
    maxA = 0,
    lazy = 0,
    lazyRel = 0,
    phase2 = 0,
    balance = 0;
  for (let i = 0; i < m; i++) {
    let w2 = 0,
      dw2 = 0,
      w02 = 0;
    for (let j = 0; j < d; j++) {
      const w = W1[i * d + j];
      const e = w - W1_0[i * d + j];
      w2 += w * w;
      dw2 += e * e;
      w02 += W1_0[i * d + j] * W1_0[i * d + j];
    }
    let a2 = 0;
    for (let k = 0; k < CLASSES; k++) {
      const a = Math.abs(W2[k * m + i]);
      a2 += a * a;
      sumA += a;
      if (a > maxA) maxA = a;
    }
    sumW += Math.sqrt(w2);
    sumW2 += w2;
    if (dw2 <= lazyTol2) lazy++;
    if (dw2 <= w02 * relTol2) lazyRel++;
    if (w2 <= ball.w2 && Math.sqrt(a2) <= ball.a) phase2++;
    balance += w2 - a2;
  }
  out[METRIC_INDEX.w_norm_mean] = sumW / m;
  out[METRIC_INDEX.w_norm2_mean] = sumW2 / m;
  out[METRIC_INDEX.w_fro] = Math.sqrt(sumW2);
  out[METRIC_INDEX.a_abs_mean] = sumA / (m * CLASSES);
  out[METRIC_INDEX.a_abs_max] = maxA;
  out[METRIC_INDEX.lazy_frac] = lazy / m;
  out[METRIC_INDEX.lazy_frac_rel] = lazyRel / m;
  out[METRIC_INDEX.phase2_frac] = phase2 / m;
  out[METRIC_INDEX.balance_mean] = balance / m;
}

function rowNorms2(W: Float32Array, m: number, d: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) out[i] += W[i * d + j] * W[i * d + j];
  return out;
}

function sumSq(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

function diffSq(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}
