/**
 * The realdata experiment's own metric columns (`runs/<run_id>.realdata.arrow`), one row per logged step. The run's
 * ordinary file keeps the metric columns every run file has (docs/formats.md, Metrics: train_loss, test_loss, w_fro …
 * of the network; see train.ts); these put the network beside its linearised model. Losses are (1/N) Σ ½‖f(x) − y‖²
 * over one-hot labels, on clean labels.
 */
import { ColumnLog } from '../../core/metric-log.js';

export const REALDATA_METRICS = [
  'train_loss', //     network, the n training examples
  'test_loss', //      network, the n_test held-out examples
  'test_acc', //       network, fraction of held-out examples whose largest output is the true class
  'lin_train_loss', // linearised model f(θ0) + J(θ0)(θ − θ0), same examples
  'lin_test_loss',
  'lin_test_acc',
  'w1_fro', //         ‖W₁‖_F of the network
  'lin_w1_fro', //     ‖W₁‖_F of the linearised model's parameters
  'w1_move', //        ‖W₁ − W₁(0)‖_F / ‖W₁(0)‖_F, network
  'lin_w1_move', //    the same for the linearised model
  'out_dist', //       √(mean over held-out x of ‖f(x) − f_lin(x)‖²): how far the network has left its linearisation
] as const;
export type RealDataMetric = (typeof REALDATA_METRICS)[number];

export interface RealDataColumns {
  rows: number;
  step: Float64Array; // integral values; written as Int64
  values: Record<RealDataMetric, Float64Array>;
}

/** The realdata columns of a run, one row per logged step. */
export class RealDataLog extends ColumnLog<RealDataMetric> {
  constructor(capacity: number) {
    super(REALDATA_METRICS, capacity);
  }

  pushRow(step: number, row: Record<RealDataMetric, number>): void {
    this.push(
      step,
      REALDATA_METRICS.map((name) => row[name]),
    );
  }
}
