#!/usr/bin/env node
// Where the end point stops being stable, from the limit equation (docs/theory.md, "The limit equation"): the growth
// rate, per unit of τ, of a direction that adds a second neuron direction to the end point, as in tangent.mjs but
// with the engine's sampled step replaced by the limit equation's Gaussian one (η → 0 at fixed x). The end point is a
// single neuron u₁ = (w, a) (S of rank one, θ̃ = a·w); a tangent z is moved by the same matrices; F = ‖z_w − (z_a/a)w‖²
// is z's part off u₁. Σ̂ and θ̂* of the stationary.mjs / tangent.mjs seed sets.
//
//   npm run build && node scripts/theory/onset.mjs [--d 20] [--n 200] [--x 0.0005,0.0085,0.034,0.077,0.136] [--units 150]
//        [--seeds 2] [--scale 0.05]
//
// Prints per x the growth rate on each seed set (last 80% of the run) and −λ_min across θ* (the model's rate at
// x → 0); the onset is where it crosses zero.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { makeData } = await import(join(REPO, 'dist', 'core', 'data.js'));
const { Xoshiro128 } = await import(join(REPO, 'dist', 'core', 'rng.js'));
const { defaultParams } = await import(join(REPO, 'dist', 'core', 'params.js'));
const { limitProblem } = await import(join(REPO, 'dist', 'core', 'noise-state.js'));

const argv = process.argv.slice(2);
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const d = Number(flag('--d', 20));
const n = Number(flag('--n', 200));
const xs = flag('--x', '0.0005,0.0085,0.034,0.077,0.136').split(',').map(Number);
const units = Number(flag('--units', 150));
const seeds = Number(flag('--seeds', 2));
const stepScale = Number(flag('--scale', 0.05));

function growth({ lambda, dir, x }, rng) {
  const star = (d - 1) / (2 * Math.sqrt(d) * x);
  const c = Math.sqrt(Math.sqrt(d) * star); // ‖w‖² = √d‖θ̃*‖, a² = ‖θ̃*‖/√d
  const w = dir.map((u) => c * u);
  let a = c / Math.sqrt(d);
  const z = Array.from({ length: d }, () => rng.nextGaussian());
  let za = 0;
  const lambdaMax = Math.max(...lambda);
  const h = stepScale / (lambdaMax * 2 * Math.sqrt(d) * star);
  const sq = Array.from(lambda, (l) => Math.sqrt(Math.max(l, 0) * h));
  const steps = Math.round(units / h);
  const burn = Math.round(steps / 5);
  const off = () => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (z[j] - (za / a) * w[j]) ** 2;
    return s;
  };
  let logSum = 0;
  let start = 0;
  const dg = new Float64Array(d);
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < d; j++) dg[j] = h * lambda[j] * (a * w[j] - dir[j] * star) + sq[j] * rng.nextGaussian();
    let wg = 0;
    let zg = 0;
    for (let j = 0; j < d; j++) {
      wg += w[j] * dg[j];
      zg += z[j] * dg[j];
    }
    for (let j = 0; j < d; j++) {
      w[j] -= dg[j] * a;
      z[j] -= dg[j] * za;
    }
    a -= wg;
    za -= zg;
    if (t === burn) start = Math.log(off());
    if (t % 1000 === 999) {
      // renormalise z (its growth is linear in z)
      const f = off();
      const scale = 1 / Math.sqrt(f);
      if (t > burn) logSum += Math.log(f);
      for (let j = 0; j < d; j++) z[j] *= scale;
      za *= scale;
    }
  }
  // log F accumulated over renormalisations since the burn-in, per unit of τ
  return (logSum + Math.log(off()) - start) / ((steps - burn) * h);
}

console.log(`limit equation, d = ${d}, n = ${n}, ${units} units, step scale ${stepScale}`);
for (const x of xs) {
  const rates = [];
  let lambdaMin = NaN;
  for (let k = 0; k < seeds; k++) {
    const runSeeds = { data: [11 + k, 2, 3, 4], teacher: [3, 1, 4, 1 + k], init: [5, 6, 7, 8 + k], sgd: [9, 10, 11, 12 + k] };
    const problem = limitProblem(makeData({ ...defaultParams(), n, d, width: d + 1, steps: 1 }, runSeeds), x);
    rates.push(growth(problem, new Xoshiro128([70 + k, 1, 2, 3])));
    if (k === 0) lambdaMin = smallestAcross(problem);
  }
  console.log(
    `x ${x.toFixed(4).padEnd(8)} growth ${rates
      .map((r) => r.toFixed(3))
      .join(', ')
      .padEnd(20)} −λ_min ${(-lambdaMin).toFixed(3)}`,
  );
}

/** Smallest eigenvalue of Σ̂ restricted to θ̂*⊥ (Σ̂ diagonal here: P Λ P with P = I − uuᵀ). */
function smallestAcross({ lambda, dir }) {
  // power iteration on (c·I − PΛP) restricted to u⊥
  const c = Math.max(...lambda) + 1;
  let v = Array.from({ length: d }, (_, j) => Math.sin(j + 1));
  const project = (y) => {
    const dot = y.reduce((acc, yj, j) => acc + yj * dir[j], 0);
    return y.map((yj, j) => yj - dot * dir[j]);
  };
  v = project(v);
  let value = 0;
  for (let it = 0; it < 5000; it++) {
    const pv = project(v);
    const next = project(pv.map((p, j) => c * p - lambda[j] * p));
    const norm = Math.hypot(...next);
    value = c - norm / Math.hypot(...v);
    v = next.map((q) => q / norm);
  }
  return value;
}
