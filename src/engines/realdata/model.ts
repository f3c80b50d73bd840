/**
 * The realdata experiment's two models in TensorFlow.js (paper Figs. 3, 5), trained side by side on the same targets:
 *
 *   network      f(x; W₁, W₂) = W₂ φ(W₁x),  W₁ ∈ R^{m×d}, W₂ ∈ R^{10×m},  φ = erf or ReLU
 *   linearised   f_lin(x; θ) = f(x; θ₀) + J(θ₀)(θ − θ₀)                       (the empirical NTK model)
 *                            = W₂ φ(z₀) + W₂⁰ (φ'(z₀) ⊙ (W₁ − W₁⁰)x),   z₀ = W₁⁰x
 *
 * The second line is the first-order expansion written out (∂f/∂W₂ = φ(z₀), ∂f/∂W₁ = W₂⁰ diag φ'(z₀) xᵀ at θ₀), so
 * f_lin is linear in θ and its gradients, like the network's, come from tfjs autograd of the loss. φ(z₀) and φ'(z₀)
 * are computed once per data set. Loss over N examples: (1/N) Σ ½‖f(x) − y‖², y one-hot.
 *
 *   gd:   θ ← θ − η ∇L(θ)
 *   sam:  θ ← θ − η ∇L(θ + ρ g/‖g‖),  g = ∇L(θ), one norm over W₁ and W₂, the same targets for both gradients
 *
 * The network takes the run's optimiser on the run's (noisy) targets. The linearised model is the baseline the
 * network is compared with, trained as the paper's notebook trains it: by gd on the clean labels, whatever the
 * run's optimiser and τ, so every run of a sweep compares against the same lazy-regime reference.
 *
 * Per step and model: O(n·d·m) for the products, ≈ 15 tfjs ops (sam ≈ 30), temporaries freed by tf.tidy.
 */
import type { Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Activation, Optimizer } from '../../core/types.js';
import type { Tfjs } from '../tfjs/backend.js';
import { CLASSES, type ImageSet } from './mnist.js';

/** One data set as tensors, with the linearisation's constants at θ₀. */
interface SetTensors {
  X: Tensor2D;
  /** clean one-hot labels, N×10 */
  Y: Tensor2D;
  label: Int32Array;
  H0: Tensor2D;
  D0: Tensor2D;
}

interface ModelEval {
  trainLoss: number;
  testLoss: number;
  testAcc: number;
}

export interface RealDataModels {
  /** one step: the network on `targets` (one-hot, noisy, n×10 row-major) with the run's optimiser, the linearisation
   * by gd on the clean labels */
  step(targets: Float32Array): void;
  evaluate(): { net: ModelEval; lin: ModelEval; outDist: number };
  /** the network's W₁ (m×d) and W₂ (10×m), and the linearised model's W₁, as host arrays */
  weights(): { W1: Float32Array; W2: Float32Array; linW1: Float32Array };
  dispose(): void;
}

type Forward = (W1: Tensor, W2: Tensor, set: SetTensors) => Tensor2D;

export function createRealDataModels(
  tf: Tfjs,
  p: { width: number; lr: number; rho: number; optimizer: Optimizer; activation: Activation },
  train: ImageSet,
  test: ImageSet,
  init: { W1: Float32Array; W2: Float32Array },
): RealDataModels {
  const { width: m, lr, rho } = p;
  const d = train.d;
  const sam = p.optimizer === 'sam';
  const phi = (z: Tensor) => (p.activation === 'erf' ? tf.erf(z) : tf.relu(z));
  const dphi = (z: Tensor) =>
    p.activation === 'erf' ? tf.mul(2 / Math.sqrt(Math.PI), tf.exp(tf.neg(tf.square(z)))) : tf.cast(tf.greater(z, 0), 'float32');

  const W1_0 = tf.keep(tf.tensor2d(init.W1, [m, d]));
  const W2_0 = tf.keep(tf.tensor2d(init.W2, [CLASSES, m]));
  // tidy frees nothing a variable needs: tf.variable copies its initial value
  const vars = {
    net: tf.tidy(() => [tf.variable(W1_0, true), tf.variable(W2_0, true)]) as Variable[],
    lin: tf.tidy(() => [tf.variable(W1_0, true), tf.variable(W2_0, true)]) as Variable[],
  };
  const sets = [train, test].map((s): SetTensors => {
    const [X, Y, H0, D0] = tf.tidy(() => {
      const x = tf.tensor2d(s.X, [s.N, d]);
      const Z0 = tf.matMul(x, W1_0, false, true);
      return [x, tf.oneHot(tf.tensor1d(s.label, 'int32'), CLASSES).toFloat(), phi(Z0), dphi(Z0)] as Tensor2D[];
    });
    return { X, Y, label: s.label, H0, D0 };
  });
  const [trainT, testT] = sets;
  const lrT = tf.keep(tf.scalar(lr));
  const rhoT = tf.keep(tf.scalar(rho));

  const netForward: Forward = (W1, W2, s) => tf.matMul(phi(tf.matMul(s.X, W1 as Tensor2D, false, true)), W2, false, true);
  const linForward: Forward = (W1, W2, s) => {
    const dz = tf.mul(s.D0, tf.matMul(s.X, tf.sub<Tensor2D>(W1, W1_0), false, true)); // N×m
    return tf.add(tf.matMul(s.H0, W2 as Tensor2D, false, true), tf.matMul(dz, W2_0, false, true));
  };
  const lossOf = (F: Tensor, Y: Tensor, N: number): Scalar => tf.div<Scalar>(tf.mul(0.5, tf.sum(tf.square(tf.sub(F, Y)))), N);

  function stepOne(forward: Forward, [W1, W2]: Variable[], Y: Tensor2D, withSam: boolean): void {
    const grads = tf.grads((a: Tensor, b: Tensor) => lossOf(forward(a, b, trainT), Y, train.N));
    let [g1, g2] = grads([W1, W2]);
    if (withSam) {
      const scale = tf.divNoNan(rhoT, tf.sqrt(tf.add(tf.sum(tf.square(g1)), tf.sum(tf.square(g2)))));
      [g1, g2] = grads([tf.add(W1, tf.mul(scale, g1)), tf.add(W2, tf.mul(scale, g2))]);
    }
    W1.assign(tf.sub(W1, tf.mul(lrT, g1)));
    W2.assign(tf.sub(W2, tf.mul(lrT, g2)));
  }

  function evalOne(forward: Forward, [W1, W2]: Variable[]): { e: ModelEval; Ftest: Tensor2D } {
    const Ftr = forward(W1, W2, trainT);
    const Fte = forward(W1, W2, testT);
    const pred = tf.argMax(Fte, 1).dataSync();
    let hits = 0;
    for (let i = 0; i < test.N; i++) if (pred[i] === testT.label[i]) hits++;
    return {
      e: {
        trainLoss: lossOf(Ftr, trainT.Y, train.N).dataSync()[0],
        testLoss: lossOf(Fte, testT.Y, test.N).dataSync()[0],
        testAcc: hits / test.N,
      },
      Ftest: Fte,
    };
  }

  return {
    step(targets: Float32Array): void {
      tf.tidy(() => {
        const Y = tf.tensor2d(targets, [train.N, CLASSES]);
        stepOne(netForward, vars.net, Y, sam);
        stepOne(linForward, vars.lin, trainT.Y, false);
      });
    },
    evaluate() {
      // tf.tidy only returns tensors: collect the numbers through a closure
      let out: ReturnType<RealDataModels['evaluate']> | undefined;
      tf.tidy(() => {
        const net = evalOne(netForward, vars.net);
        const lin = evalOne(linForward, vars.lin);
        const outDist = Math.sqrt(tf.sum(tf.square(tf.sub(net.Ftest, lin.Ftest))).dataSync()[0] / test.N);
        out = { net: net.e, lin: lin.e, outDist };
      });
      return out!;
    },
    weights() {
      return {
        W1: vars.net[0].dataSync() as Float32Array,
        W2: vars.net[1].dataSync() as Float32Array,
        linW1: vars.lin[0].dataSync() as Float32Array,
      };
    },
    dispose(): void {
      for (const v of [...vars.net, ...vars.lin, W1_0, W2_0, lrT, rhoT]) v.dispose();
      for (const s of sets) tf.dispose([s.X, s.Y, s.H0, s.D0]);
    },
  };
}
