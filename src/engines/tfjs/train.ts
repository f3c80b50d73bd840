/**
 * A linear-experiment run on the tfjs engine: the same data, init and SGD streams as the native engine (core's
 * makeData, initNetwork, LabelNoiseStream), steps through tfjs autograd (linear.ts), and every metric row computed by
 * the core's own MetricComputer on W and a copied out as Float64, so a metric has one definition for both engines.
 *
 * Events follow core/train.ts: at step t, a divergence check (train loss, every min(log_every, 256) steps and at
 * every row), then a row (t = 0, multiples of log_every, the last step) and a snapshot (t in snapshot_steps), then
 * hooks every HOOK_EVERY steps. Unlike the native loops, which stop at the first non-finite residual, a tfjs run
 * notices divergence at the next check (≤ 256 steps later): the residual is never brought back to the host.
 */
import { initNetwork, makeData } from '../../core/data.js';
import { createDenseKernel } from '../../core/kernel-dense.js';
import { MetricLog, SnapshotLog } from '../../core/metric-log.js';
import { MetricComputer } from '../../core/metrics.js';
import { LabelNoiseStream } from '../../core/noise.js';
import { METRIC_NAMES, type RunSeeds, type TrainHooks, type TrainParams, type TrainResult } from '../../core/types.js';
import { loadTfjs, type TfjsBackend } from './backend.js';
import { createTfLinearModel } from './linear.js';

/** tfjs steps cost ~1 ms at the paper's width: poll hooks far more often than the native 4096. */
export const HOOK_EVERY = 256;
const LOSS_CHECK_MAX = 256;

export interface TfjsTrainResult extends TrainResult {
  backend: TfjsBackend;
}

export function abortError(step: number): Error {
  const err = new Error(`[tfjs] run aborted at step ${step}`);
  err.name = 'AbortError';
  return err;
}

export async function trainTfjs(params: TrainParams, seeds: RunSeeds, hooks: TrainHooks = {}): Promise<TfjsTrainResult> {
  const { tf, backend } = await loadTfjs();
  const { width: m, d, steps, log_every: logEvery, diverge_loss: divergeLoss } = params;
  const data = makeData(params, seeds);
  const init = initNetwork(params, seeds.init);
  const view = createDenseKernel(init, m, d); // the metrics' window onto the tfjs weights: M = W, v = a
  const metrics = new MetricComputer(params, data, view);
  const stream = new LabelNoiseStream(params, seeds.sgd);
  const checkEvery = Math.min(logEvery, LOSS_CHECK_MAX);
  const snapSteps = [...new Set(params.snapshot_steps)].filter((s) => s >= 0 && s <= steps).sort((a, b) => a - b);
  const log = new MetricLog(Math.floor(steps / logEvery) + 2);
  const snaps = new SnapshotLog(m, snapSteps.length);
  const row = new Float64Array(METRIC_NAMES.length);
  const model = createTfLinearModel(tf, params, data, init);
  let snapAt = 0;
  let t = 0;
  let divergeReason: string | undefined;
  try {
    for (;; t++) {
      const isLog = t % logEvery === 0 || t === steps;
      const isSnap = snapAt < snapSteps.length && snapSteps[snapAt] === t;
      if (t % checkEvery === 0 || isLog || isSnap) {
        model.readInto(view.M, view.v);
        const loss = metrics.trainLoss();
        if (!(loss <= divergeLoss)) divergeReason = `train loss ${loss.toPrecision(3)} > diverge_loss ${divergeLoss} at step ${t}`;
        if (isLog || isSnap || divergeReason !== undefined) {
          metrics.row(row);
          if (isLog || divergeReason !== undefined) log.push(t, row);
          if (isSnap) {
            snaps.push(t, metrics.cols);
            snapAt++;
          }
        }
      }
      if (divergeReason !== undefined || t === steps) break;
      if (t % HOOK_EVERY === 0 && t > 0) {
        hooks.onProgress?.(t);
        if (hooks.shouldAbort?.()) throw abortError(t);
      }
      if ((t + 1) % logEvery === 0 || t + 1 === steps) {
        // a_step_abs_mean at the coming row needs a(t) beside a(t+1): one extra read of the weights per row
        model.readInto(view.M, view.v);
        metrics.holdPrevious();
      }
      model.step(t, stream);
    }
  } finally {
    model.dispose();
  }
  hooks.onProgress?.(t);
  return {
    status: divergeReason === undefined ? 'done' : 'diverged',
    stepsDone: t,
    kernel: 'dense',
    metrics: log.finish(),
    snapshots: snaps.finish(),
    backend,
    ...(divergeReason === undefined ? {} : { divergeReason }),
  };
}
