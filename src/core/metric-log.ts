/** Growing-once buffers for a run's metric rows and per-neuron snapshots, trimmed to their length at the end. */
import { METRIC_NAMES, type MetricColumns, type MetricName, type NeuronSnapshots } from './types.js';
import type { NeuronColumns } from './kernel-api.js';

/**
 * Named Float64 columns plus a step column, one row per logged step, allocated once at `capacity` rows. Serves the
 * metric rows (MetricLog) and any engine's own columns (e.g. the real-data experiment's).
 */
export class ColumnLog<N extends string> {
  private rows = 0;
  private readonly step: Float64Array;
  private readonly cols: Float64Array[];

  constructor(
    private readonly names: readonly N[],
    private readonly capacity: number,
  ) {
    this.step = new Float64Array(capacity);
    this.cols = names.map(() => new Float64Array(capacity));
  }

  get length(): number {
    return this.rows;
  }

  lastStep(): number {
    return this.rows > 0 ? this.step[this.rows - 1] : -1;
  }

  /** Appends a row; `values` in the order of `names`. */
  push(step: number, values: ArrayLike<number>): void {
    if (this.rows >= this.capacity) throw new Error(`[core] bug: log capacity ${this.capacity} exceeded at step ${step}`);
    this.step[this.rows] = step;
    for (let c = 0; c < this.cols.length; c++) this.cols[c][this.rows] = values[c];
    this.rows++;
  }

  finish(): { rows: number; step: Float64Array; values: Record<N, Float64Array> } {
    const values = {} as Record<N, Float64Array>;
    this.names.forEach((name, c) => {
      values[name] = this.cols[c].slice(0, this.rows);
    });
    return { rows: this.rows, step: this.step.slice(0, this.rows), values };
  }
}

/** The metric rows of a run (docs/formats.md#metrics). */
export class MetricLog extends ColumnLog<MetricName> {
  constructor(capacity: number) {
    super(METRIC_NAMES, capacity);
  }

  override finish(): MetricColumns {
    return super.finish();
  }
}

export class SnapshotLog {
  private taken = 0;
  private readonly out: NeuronSnapshots;

  constructor(
    private readonly m: number,
    maxSnapshots: number,
  ) {
    const size = m * maxSnapshots;
    this.out = {
      step: new Float64Array(size),
      neuron: new Float64Array(size),
      w_norm2: new Float64Array(size),
      w_theta_ip: new Float64Array(size),
      a: new Float64Array(size),
    };
  }

  /** Copies step's per-neuron columns (as filled by MetricComputer.row). O(m). */
  push(step: number, cols: NeuronColumns): void {
    const { m } = this;
    const at = this.taken * m;
    const o = this.out;
    o.step.fill(step, at, at + m);
    for (let i = 0; i < m; i++) o.neuron[at + i] = i;
    o.w_norm2.set(cols.wn2, at);
    o.w_theta_ip.set(cols.ip, at);
    o.a.set(cols.a, at);
    this.taken++;
  }

  finish(): NeuronSnapshots {
    const end = this.taken * this.m;
    const o = this.out;
    return {
      step: o.step.slice(0, end),
      neuron: o.neuron.slice(0, end),
      w_norm2: o.w_norm2.slice(0, end),
      w_theta_ip: o.w_theta_ip.slice(0, end),
      a: o.a.slice(0, end),
    };
  }
}

/**
 * A metric's time average over the rows logged at or after `fromStep`: a stationary state's mean, which one row (a
 * snapshot) misses by the state's own fluctuation. NaN when no row is that late.
 */
export function meanFrom(metrics: MetricColumns, name: MetricName, fromStep: number): number {
  let sum = 0;
  let rows = 0;
  const values = metrics.values[name];
  for (let r = 0; r < metrics.rows; r++) {
    if (metrics.step[r] < fromStep) continue;
    sum += values[r];
    rows++;
  }
  return rows > 0 ? sum / rows : NaN;
}
