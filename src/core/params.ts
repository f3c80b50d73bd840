/**
 * The run parameters' kinds and defaults: one table that the sweep validator, the Arrow column types and the
 * docs all read. Adding a parameter means adding it to `RunParams` (types.ts) and here.
 */
import type { RunParams } from './types.js';

export type ParamKind =
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'float'; min: number; exclusiveMin?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'int_list'; min: number };

export interface ParamSpec {
  kind: ParamKind;
  default: RunParams[keyof RunParams];
}

/**
 * Defaults follow the paper's synthetic setting (a-usually/Label-Noise-SGD README: n=200, d=20, m=1000, η=1e-3, α=1,
 * ±σ label noise) in everything but the noise level: σ defaults to 0, not the paper's 4. ‖θ*‖ = 1 is the notebook's
 * choice, not the paper's: its analysis assumes ‖θ*‖ ≤ m^{-1/4} (A4), 0.18 at m = 1000. The noise level is
 * the axis every experiment sets (sweeps/*.yaml all do), and an omitted σ then gives the noiseless control rather
 * than silently adding noise; a default of 4 would also change the id of every run that leaves σ out.
 */
export const PARAM_SPECS: { readonly [K in keyof RunParams]: ParamSpec } = {
  n: { kind: { kind: 'int', min: 1 }, default: 200 }, // training-set size
  d: { kind: { kind: 'int', min: 1 }, default: 20 }, // input dimension
  width: { kind: { kind: 'int', min: 1 }, default: 1000 }, // hidden width m
  alpha: { kind: { kind: 'float', min: 0, exclusiveMin: true }, default: 1 }, // init scale α
  lr: { kind: { kind: 'float', min: 0, exclusiveMin: true }, default: 0.001 }, // step size η
  steps: { kind: { kind: 'int', min: 1 }, default: 100000 }, // steps to take
  log_every: { kind: { kind: 'int', min: 1 }, default: 1000 }, // a metric row every this many steps
  optimizer: { kind: { kind: 'enum', values: ['sgd', 'sam', 'gd', 'oscillate'] }, default: 'sgd' }, // update rule
  batch: { kind: { kind: 'int', min: 1 }, default: 1 }, // samples per step (sgd, sam)
  rho: { kind: { kind: 'float', min: 0 }, default: 0 }, // SAM radius ρ
  sigma: { kind: { kind: 'float', min: 0 }, default: 0 }, // label-noise scale σ
  noise: { kind: { kind: 'enum', values: ['rademacher', 'gaussian', 'none'] }, default: 'rademacher' }, // label-noise law
  noise_schedule: { kind: { kind: 'enum', values: ['constant', 'periodic'] }, default: 'constant' }, // noise on always, or on/off
  noise_period: { kind: { kind: 'int', min: 1 }, default: 5000 }, // periodic: steps on, then as many off
  teacher_norm: { kind: { kind: 'float', min: 0, exclusiveMin: true }, default: 1 }, // ‖θ*‖
  teacher_sparsity: { kind: { kind: 'int', min: 0 }, default: 0 }, // non-zero coordinates of θ* (0: dense)
  diverge_loss: { kind: { kind: 'float', min: 0, exclusiveMin: true }, default: 1e6 }, // train loss that counts as diverged
  snapshot_steps: { kind: { kind: 'int_list', min: 0 }, default: [] }, // steps with per-neuron snapshots
  kernel: { kind: { kind: 'enum', values: ['auto', 'dense', 'subspace'] }, default: 'auto' }, // native kernel
  engine: { kind: { kind: 'enum', values: ['native', 'tfjs'] }, default: 'native' }, // native typed-array kernels or TensorFlow.js
  // synthetic linear network, or MNIST subset beside its linearisation
  experiment: { kind: { kind: 'enum', values: ['linear', 'realdata'] }, default: 'linear' },
  tau: { kind: { kind: 'float', min: 0 }, default: 0 }, // realdata: label-replacement probability τ (≤ 1)
  activation: { kind: { kind: 'enum', values: ['erf', 'relu'] }, default: 'erf' }, // realdata: hidden nonlinearity
  n_test: { kind: { kind: 'int', min: 1 }, default: 256 }, // realdata: held-out test examples
};

export const PARAM_KEYS = Object.keys(PARAM_SPECS) as (keyof RunParams)[];

export function defaultParams(): RunParams {
  const out: Record<string, unknown> = {};
  for (const key of PARAM_KEYS) {
    const value = PARAM_SPECS[key].default;
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as unknown as RunParams;
}
