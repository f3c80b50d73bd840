#!/usr/bin/env node
// Is the end point stable? The growth rate of a direction that adds a second neuron direction to the end point, over
// the noise ratio x = (d − 1)ησ²/(2√d‖θ*‖): the measurements behind docs/theory.md, "Where the end point holds".
//
//   npm run build && node scripts/theory/tangent.mjs [--d 20] [--n 200] [--eta 0.004] [--x 0.0005,0.002,0.0085,0.034,0.077,0.136,0.3]
//        [--units 150] [--seeds 2]
//
// Every neuron u = (w, a) is moved by the same matrix I − ηr·B_x per step (batch 1), so the end point, where all
// neurons are one balanced neuron u₁ = (w₁, a₁) along θ* (scaled), is carried by a single neuron, and a perturbation
// of the end point that is not a multiple of u₁ by a second vector z moved by the same matrices. What grows or decays
// is z's part off u₁, F = ‖z_w − (z_a/a₁)w₁‖² (the Schur complement of the Gram matrix [u₁ z][u₁ z]ᵀ): its growth rate
// per unit of the noise clock η²σ², measured over the last 80% of the run, against −λ_min, the rate at which the
// model (src/core/phase-model.ts) has the slowest direction across θ* decay (λ_min: smallest eigenvalue of Σ̂ = XᵀX/n
// across θ*). Below zero the end point is stable; above, the weights leave it. Same X and θ* streams as the runs.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { makeData } = await import(join(REPO, 'dist', 'core', 'data.js'));
const { Xoshiro128 } = await import(join(REPO, 'dist', 'core', 'rng.js'));
const { defaultParams } = await import(join(REPO, 'dist', 'core', 'params.js'));
const { EigenvalueDecomposition, Matrix } = await import('ml-matrix');

const argv = process.argv.slice(2);
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const d = Number(flag('--d', 20));
const n = Number(flag('--n', 200));
const eta = Number(flag('--eta', 0.004));
const xs = flag('--x', '0.0005,0.002,0.0085,0.034,0.077,0.136,0.3').split(',').map(Number);
const units = Number(flag('--units', 150));
const seeds = Number(flag('--seeds', 2));

console.log(`d = ${d}, n = ${n}, η = ${eta}, ‖θ*‖ = 1, ${units} noise units per run`);
console.log('x        growth of F per noise unit (per seed set)     −λ_min');
for (const x of xs) {
  const sigma = Math.sqrt((2 * Math.sqrt(d) * x) / ((d - 1) * eta));
  const rates = [];
  let lambdaMin = NaN;
  for (let k = 0; k < seeds; k++) {
    const runSeeds = { data: [11 + k, 2, 3, 4], teacher: [3, 1, 4, 1 + k], init: [5, 6, 7, 8 + k], sgd: [9, 10, 11, 12 + k] };
    const p = { ...defaultParams(), n, d, width: d + 1, lr: eta, sigma, steps: 1 };
    const data = makeData(p, runSeeds);
    rates.push(growth(data, sigma, new Xoshiro128(runSeeds.sgd)));
    if (k === 0) lambdaMin = smallestAcross(data);
  }
  console.log(
    `${x.toFixed(4).padEnd(8)} ${rates
      .map((r) => r.toFixed(3))
      .join(', ')
      .padEnd(45)} ${(-lambdaMin).toFixed(3)}`,
  );
}

function growth({ X, y, thetaStar }, sigma, rng) {
  const norm = Math.hypot(...thetaStar);
  const c = Math.sqrt(Math.sqrt(d) * norm); // ‖w₁‖² = √d‖θ*‖, a₁² = ‖θ*‖/√d: the end point as one neuron
  const w = Array.from(thetaStar, (v) => (c * v) / norm);
  let a = c / Math.sqrt(d);
  const f = Array.from({ length: d }, () => rng.nextGaussian());
  let za = 0;
  const steps = Math.round(units / (eta * eta * sigma * sigma));
  const burn = Math.round(steps / 5);
  let logNorm = 0;
  let start = null;
  const offPart = () => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (f[j] - (za / a) * w[j]) ** 2;
    return s;
  };
  for (let t = 0; t < steps; t++) {
    const row = rng.nextIndex(n) * d;
    let wx = 0;
    let fx = 0;
    for (let j = 0; j < d; j++) {
      wx += w[j] * X[row + j];
      fx += f[j] * X[row + j];
    }
    const r = a * wx - y[row / d] - (rng.nextDouble() < 0.5 ? sigma : -sigma);
    const e = eta * r;
    for (let j = 0; j < d; j++) {
      w[j] -= e * a * X[row + j];
      f[j] -= e * za * X[row + j];
    }
    a -= e * wx;
    za -= e * fx;
    if (t % 64 === 0) {
      // F does not change when a multiple of u₁ is added to z: take u₁'s part out, or z would turn towards u₁ (the
      // direction that neither grows nor shrinks) until F is lost below the rounding of z
      let zu = za * a;
      let uu = a * a;
      for (let j = 0; j < d; j++) {
        zu += f[j] * w[j];
        uu += w[j] * w[j];
      }
      for (let j = 0; j < d; j++) f[j] -= (zu / uu) * w[j];
      za -= (zu / uu) * a;
      // z is linear: rescale it now and then and keep the log of the scale
      let zz = za * za;
      for (let j = 0; j < d; j++) zz += f[j] * f[j];
      if (start === null && t >= burn) start = logNorm + Math.log(offPart()); // log F, F of the unscaled z
      const s = 1 / Math.sqrt(zz);
      for (let j = 0; j < d; j++) f[j] *= s;
      za *= s;
      logNorm += Math.log(zz);
    }
  }
  return (logNorm + Math.log(offPart()) - start) / ((steps - burn) * eta * eta * sigma * sigma);
}

/** The smallest eigenvalue of PΣ̂P on θ̂*⊥ (P = I − θ̂θ̂ᵀ), Σ̂ = XᵀX/n: the model's slowest rate across θ*. */
function smallestAcross({ X, thetaStar }) {
  const norm = Math.hypot(...thetaStar);
  const u = Array.from(thetaStar, (v) => v / norm);
  const P = Matrix.eye(d).sub(Matrix.columnVector(u).mmul(Matrix.rowVector(u)));
  const S = new Matrix(Array.from({ length: n }, (_, s) => Array.from(X.subarray(s * d, (s + 1) * d))));
  const values = new EigenvalueDecomposition(P.mmul(S.transpose().mmul(S).div(n)).mmul(P), { assumeSymmetric: true }).realEigenvalues;
  return values.sort((p, q) => p - q)[1]; // [0] is θ̂*'s own 0
}
