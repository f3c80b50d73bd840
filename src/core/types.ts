/**
 * The training core's vocabulary: a run's resolved parameters, its random streams and what it returns. Pure types;
 * every layer above (sweep, run, io, analysis) speaks in these terms (README.md#the-model, docs/formats.md).
 */

export type Optimizer = 'sgd' | 'sam' | 'gd' | 'oscillate';
export type NoiseKind = 'rademacher' | 'gaussian' | 'none';
export type NoiseSchedule = 'constant' | 'periodic';
/** `auto` resolves (resolveKernel) to `subspace` where that reparametrisation is exact, else `dense`. */
export type KernelChoice = 'auto' | 'dense' | 'subspace';
export type Kernel = 'dense' | 'subspace';
export type Engine = 'native' | 'tfjs';
/**
 * `linear`: the paper's two-layer linear network on synthetic data (README.md#the-model). `realdata`: a two-layer
 * network with a nonlinearity on a subset of MNIST beside its linearised model (paper Figs. 3, 5;
 * src/engines/realdata).
 */
export type Experiment = 'linear' | 'realdata';
export type Activation = 'erf' | 'relu';

/** One run's fully resolved training parameters (docs/formats.md#parameters). Names are the sweep-file keys. */
export interface TrainParams {
  /** training-set size */
  n: number;
  /** input dimension */
  d: number;
  /** hidden width m (number of neurons) */
  width: number;
  /** init scale: w_ij ~ alpha·N(0, 1/d), a_i ~ alpha·N(0, 1/m) */
  alpha: number;
  /** step size η */
  lr: number;
  /** SGD steps to take */
  steps: number;
  /** a metric row every this many steps (and at step 0 and the last step) */
  log_every: number;
  optimizer: Optimizer;
  /** samples per step for sgd and sam (the paper: 1) */
  batch: number;
  /** SAM radius ρ (sam only) */
  rho: number;
  /** label-noise scale σ */
  sigma: number;
  noise: NoiseKind;
  noise_schedule: NoiseSchedule;
  /** periodic schedule: noise on for this many steps, then off for as many */
  noise_period: number;
  /** ‖θ*‖ */
  teacher_norm: number;
  /** number of non-zero coordinates of θ*; 0 means dense */
  teacher_sparsity: number;
  /** a train loss above this stops the run with status `diverged` */
  diverge_loss: number;
  /** steps at which per-neuron snapshots are taken (sorted, each in [0, steps]) */
  snapshot_steps: number[];
  kernel: KernelChoice;
}

/**
 * A 128-bit generator state as four uint32 words (xoshiro128** seeds). Never all zero.
 * Derived once per run and stream by the sweep layer (src/sweep/seeds.ts).
 */
export type StreamSeed = readonly [number, number, number, number];

/**
 * The independent random streams of a run (docs/formats.md#random-streams; θ* has its own since results version 2,
 * src/sweep/plan.ts).
 */
export interface RunSeeds {
  /** X */
  data: StreamSeed;
  /** θ* */
  teacher: StreamSeed;
  /** W(0), a(0) */
  init: StreamSeed;
  /** sample indices and label noise, step after step */
  sgd: StreamSeed;
}

/** The metric columns (docs/formats.md#metrics), in file order (after `step`). */
export const METRIC_NAMES = [
  'train_loss',
  'test_loss',
  'theta_cos',
  'w_norm_mean',
  'w_norm2_mean',
  'w_fro',
  'a_abs_mean',
  'a_abs_max',
  'align_ip_mean',
  'align_cos_mean',
  'lazy_frac',
  'lazy_frac_rel',
  'phase2_frac',
  'balance_mean',
  'kernel_dist',
  'a_step_abs_mean',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Columns of per-neuron snapshots (paper Fig. 2c), one row per (step, neuron). */
export interface NeuronSnapshots {
  step: Float64Array; // integral values; written as Int64
  neuron: Float64Array; // integral values; written as Int64
  w_norm2: Float64Array;
  w_theta_ip: Float64Array;
  a: Float64Array;
}

export type RunStatus = 'done' | 'diverged';

/** Metric trajectory: `rows` logged steps; every array has length `rows` (trimmed, no slack). */
export interface MetricColumns {
  rows: number;
  step: Float64Array; // integral values; written as Int64
  values: Record<MetricName, Float64Array>;
}

export interface TrainResult {
  status: RunStatus;
  /** steps actually taken (< params.steps when diverged) */
  stepsDone: number;
  /** the kernel that ran */
  kernel: Kernel;
  /** whether the step loops ran in WebAssembly (the same bits as the JavaScript ones; provenance only) */
  wasm?: boolean;
  /** WebAssembly was wanted but its memory was refused (e.g. under `ulimit -v`): why; the JavaScript loops ran */
  wasmRefused?: string;
  metrics: MetricColumns;
  snapshots: NeuronSnapshots;
  /** why it diverged, e.g. "train loss 3.2e6 > diverge_loss 1e6 at step 812" */
  divergeReason?: string;
}

/** Optional callbacks; the core calls them between steps, never inside the hot loop. */
export interface TrainHooks {
  /** called every few thousand steps with steps done so far */
  onProgress?: (stepsDone: number) => void;
  /** polled as often as onProgress; returning true stops the run (throws an AbortError-like Error named 'AbortError') */
  shouldAbort?: () => boolean;
}

/** What identifies a run's computation: the training parameters and the engine (docs/formats.md#run-ids). */
export interface RunParams extends TrainParams {
  engine: Engine;
  experiment: Experiment;
  /** realdata: probability that a training label is replaced by a uniformly random class, fresh every step */
  tau: number;
  /** realdata: the hidden layer's nonlinearity */
  activation: Activation;
  /** realdata: held-out examples the test loss is measured on */
  n_test: number;
}
