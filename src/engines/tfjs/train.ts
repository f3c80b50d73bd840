/**
 * A linear-experiment run on the tfjs engine: the same data, init and SGD streams as the native engine (core's
 * makeData, initNetwork, LabelNoiseStream), steps through tfjs autograd (linear.ts), and every metric row computed by
 * the core's own MetricComputer on W and a copied out as Float64, so a metric has one definition for both engines.
 * The run driver (core/run-driver.ts) owns the loop, divergence, rows, snapshots and hooks. Unlike the native loops,
 * which stop at the first non-finite residual, a tfjs run notices divergence at the next loss check (≤ 256 steps
 * later): the residual is never brought back to the host.
 */
import { initNetwork, makeData } from '../../core/data.js';
import { createDenseKernel } from '../../core/kernel-dense.js';
import { MetricComputer } from '../../core/metrics.js';
import { LabelNoiseStream } from '../../core/noise.js';
import { driveRun, type RunEngine } from '../../core/run-driver.js';
import type { RunSeeds, TrainHooks, TrainParams, TrainResult } from '../../core/types.js';
import { loadTfjs, type TfjsBackend } from './backend.js';
import { createTfLinearModel } from './linear.js';

/** tfjs steps cost ~1 ms at the paper's width: poll hooks far more often than the native 4096. */
const POLL_EVERY = 256;

export interface TfjsTrainResult extends TrainResult {
  backend: TfjsBackend;
}

export async function trainTfjs(params: TrainParams, seeds: RunSeeds, hooks: TrainHooks = {}): Promise<TfjsTrainResult> {
  const { tf, backend } = await loadTfjs();
  const { width: m, d } = params;
  const data = makeData(params, seeds);
  const init = initNetwork(params, seeds.init);
  const view = createDenseKernel(init, m, d); // the metrics' window onto the tfjs weights: M = W, v = a
  const metrics = new MetricComputer(params, data, view);
  const stream = new LabelNoiseStream(params, seeds.sgd);
  const model = createTfLinearModel(tf, params, data, init);
  let t = 0;
  let viewFresh = false; // whether `view` holds the weights of step t
  const read = (): void => {
    if (!viewFresh) model.readInto(view.M, view.v);
    viewFresh = true;
  };
  const engine: RunEngine = {
    tag: '[tfjs]',
    pollEvery: POLL_EVERY,
    advance(count, rowNext) {
      for (let i = 0; i < count; i++) {
        if (rowNext && i === count - 1) {
          // a_step_abs_mean at the coming row needs a(t) beside a(t+1): one extra read of the weights per row
          read();
          metrics.holdPrevious();
        }
        model.step(t++, stream);
        viewFresh = false;
      }
      return count;
    },
    trainLoss() {
      read();
      return metrics.trainLoss();
    },
    row(out) {
      read();
      metrics.row(out);
    },
    neurons: () => metrics.cols,
  };
  try {
    return { ...driveRun(engine, params, hooks), kernel: 'dense', backend };
  } finally {
    model.dispose();
  }
}
