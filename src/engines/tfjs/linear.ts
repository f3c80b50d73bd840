/**
 * The paper's two-layer linear network f(x) = aᵀWx (README.md) as TensorFlow.js variables, stepped by gradients
 * that tfjs's autograd takes of the loss itself: nothing here restates ∇W or ∇a. The samples and label noise of a
 * step come from the core's LabelNoiseStream, drawn on the JS side, so a tfjs run consumes exactly the SGD stream a
 * native run does (same seeds → same samples and ε), and only float32 arithmetic tells them apart.
 *
 *   loss(W, a) = (1/B) Σ_b ½(⟨Wᵀa, x_b⟩ − (y_b + ε_b))²        over the step's B samples (gd: all n)
 *   sgd, gd:  (W, a) ← (W, a) − η ∇loss(W, a)
 *   sam:      g = ∇loss(W, a);  (W, a) ← (W, a) − η ∇loss((W, a) + ρ g/‖g‖)   (joint norm; ρ/‖g‖ := 0 when g = 0)
 *
 * Per step: one host→device copy of B·(d+1) floats, ≈ 20 tfjs ops (sam ≈ 40), every temporary freed by tf.tidy.
 */
import type { Dataset, Network } from '../../core/data.js';
import type { LabelNoiseStream } from '../../core/noise.js';
import type { TrainParams } from '../../core/types.js';
import type { Tfjs } from './backend.js';
import type { Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';

export interface TfLinearModel {
  /** takes step t: draws its samples and noise from `stream`, then updates W and a */
  step(t: number, stream: LabelNoiseStream): void;
  /** copies W (m×d row-major) and a into Float64 arrays, for the core's metrics */
  readInto(W: Float64Array, a: Float64Array): void;
  /** frees every tensor the model holds */
  dispose(): void;
}

export function createTfLinearModel(
  tf: Tfjs,
  p: Pick<TrainParams, 'n' | 'd' | 'width' | 'lr' | 'rho' | 'optimizer' | 'batch'>,
  data: Dataset,
  init: Network,
): TfLinearModel {
  if (p.optimizer === 'oscillate') throw new Error(`[tfjs] optimizer 'oscillate' runs on the native engine only`);
  const { n, d, width: m, lr, rho } = p;
  const fullBatch = p.optimizer === 'gd';
  const B = fullBatch ? n : p.batch;
  const sam = p.optimizer === 'sam';
  // tidy frees the initial tensors: a variable copies its initial value and does not own it
  const W: Variable = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(init.W), [m, d]), true));
  const a: Variable = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(init.a), [m, 1]), true));
  const Xall = fullBatch ? tf.keep(tf.tensor2d(Float32Array.from(data.X), [n, d])) : null;
  const lrT = tf.keep(tf.scalar(lr));
  const rhoT = tf.keep(tf.scalar(rho));
  const idx = new Int32Array(B);
  const eps = new Float64Array(B);
  const xb = new Float32Array(B * d);
  const target = new Float32Array(B);

  /** ½ mean squared residual of f(x) = x·(Wᵀa) against `t`. */
  const lossAt =
    (x: Tensor2D, t: Tensor2D) =>
    (Wt: Tensor, at: Tensor): Scalar => {
      const theta = tf.matMul(Wt, at, true, false); // d×1
      const r = tf.sub(tf.matMul(x, theta), t); // B×1
      return tf.mul<Scalar>(0.5, tf.mean(tf.square(r)));
    };

  return {
    step(t: number, stream: LabelNoiseStream): void {
      stream.draw(t, idx, eps);
      for (let b = 0; b < B; b++) {
        target[b] = data.y[idx[b]] + eps[b];
        if (!fullBatch) xb.set(data.X.subarray(idx[b] * d, idx[b] * d + d), b * d);
      }
      tf.tidy(() => {
        const x = Xall ?? tf.tensor2d(xb, [B, d]);
        const grads = tf.grads(lossAt(x, tf.tensor2d(target, [B, 1])));
        let [gW, ga] = grads([W, a]);
        if (sam) {
          const norm = tf.sqrt(tf.add(tf.sum(tf.square(gW)), tf.sum(tf.square(ga))));
          const scale = tf.divNoNan(rhoT, norm);
          [gW, ga] = grads([tf.add(W, tf.mul(scale, gW)), tf.add(a, tf.mul(scale, ga))]);
        }
        W.assign(tf.sub(W, tf.mul(lrT, gW)));
        a.assign(tf.sub(a, tf.mul(lrT, ga)));
      });
    },
    readInto(Wout: Float64Array, aout: Float64Array): void {
      Wout.set(W.dataSync());
      aout.set(a.dataSync());
    },
    dispose(): void {
      W.dispose();
      a.dispose();
      Xall?.dispose();
      lrT.dispose();
      rhoT.dispose();
    },
  };
}
