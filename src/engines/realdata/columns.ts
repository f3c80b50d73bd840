/**
 * The realdata experiment's own metric columns (`runs/<run_id>.realdata.arrow`), one row per logged step. The run's
 * ordinary file keeps SPEC §3's columns (train_loss, test_loss, w_fro … of the network; see train.ts); these put the
 * network beside its linearised model. Losses are (1/N) Σ ½‖f(x) − y‖² over one-hot labels, on clean labels.
 */
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

/** Appends rows to growing-once buffers, trimmed by finish(). */
export class RealDataLog {
  private rows = 0;
  private readonly step: Float64Array;
  private readonly cols: Float64Array[];

  constructor(private readonly capacity: number) {
    this.step = new Float64Array(capacity);
    this.cols = REALDATA_METRICS.map(() => new Float64Array(capacity));
  }

  push(step: number, row: Record<RealDataMetric, number>): void {
    if (this.rows >= this.capacity) throw new Error(`[realdata] bug: log capacity ${this.capacity} exceeded at step ${step}`);
    this.step[this.rows] = step;
    REALDATA_METRICS.forEach((name, c) => (this.cols[c][this.rows] = row[name]));
    this.rows++;
  }

  finish(): RealDataColumns {
    const values = {} as Record<RealDataMetric, Float64Array>;
    REALDATA_METRICS.forEach((name, c) => (values[name] = this.cols[c].slice(0, this.rows)));
    return { rows: this.rows, step: this.step.slice(0, this.rows), values };
  }
}
