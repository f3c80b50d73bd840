#!/usr/bin/env node
// The stationary mean ‖wᵢ‖² of label-noise SGD against the end point W∞/m, over the noise ratio
// x = (d − 1)ησ̄²/(2B√d‖θ*‖): the measurements behind docs/theory.md, "Where the end point holds".
//
//   npm run build && node scripts/theory/stationary.mjs [--d 20] [--n 200] [--eta 0.004] [--batch 1] [--teacher 1]
//        [--x 0.01,0.03,0.06,0.1,0.2,0.4,0.8,1.6] [--seeds 3] [--units 150] [--spread 400]
//
// Each run has width d + 1: the dynamics of ‖W‖²_F is the same for every width m ≥ d + 1 (every neuron is moved by one
// shared (d+1)×(d+1) matrix per step, docs/theory.md), so mean ‖wᵢ‖²·m does not depend on m. A run lasts --units of
// the noise clock 1/(η²σ̄²/B) steps and is averaged over its last two thirds. Per x the table gives G = measured
// ‖W‖²_F / W∞ (mean over seed sets, and their range), and ‖W‖²_F/(ησ̄²/B), the noise-sustained state's own scale.
// --spread m adds one run of width m per x (first seed set) and the spread of ‖wᵢ‖² across its neurons over the last
// two thirds: k = 2·mean²/variance, the degrees of freedom of a χ²_k/k law with that spread (1 at the end point, where
// ‖wᵢ‖² ∝ χ²₁; larger where WᵀW has more than one direction).
// Nothing here is fitted: it measures what the model (src/core/phase-model.ts) leaves out.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (path) => import(join(REPO, 'dist', 'core', path));
const { defaultParams } = await load('params.js');
const { predictRun } = await load('phase-model.js');
const { theoryColumns } = await load('theory.js');
const { train } = await load('train.js');
const { meanFrom } = await load('metric-log.js');

const argv = process.argv.slice(2);
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const d = Number(flag('--d', 20));
const n = Number(flag('--n', 200));
const eta = Number(flag('--eta', 0.004));
const batch = Number(flag('--batch', 1));
const teacher = Number(flag('--teacher', 1));
const xs = flag('--x', '0.01,0.03,0.06,0.1,0.2,0.4,0.8,1.6').split(',').map(Number);
const seeds = Number(flag('--seeds', 3));
const units = Number(flag('--units', 150));
const spreadWidth = Number(flag('--spread', 0));

console.log(`d = ${d}, n = ${n}, η = ${eta}, B = ${batch}, ‖θ*‖ = ${teacher}, width ${d + 1}, ${units} noise units per run`);
console.log(`x        G = ‖W‖²/W∞   (range)            ‖W‖²/(ησ²/B)${spreadWidth ? `   k (m = ${spreadWidth})` : ''}`);
for (const x of xs) {
  // x = (d − 1)ησ²/(2B√d‖θ*‖) for ±σ noise
  const sigma = Math.sqrt((2 * batch * Math.sqrt(d) * teacher * x) / ((d - 1) * eta));
  const steps = Math.round(units / ((eta * eta * sigma * sigma) / batch));
  const ratios = [];
  const scales = [];
  for (let k = 0; k < seeds; k++) {
    const runSeeds = { data: [11 + k, 2, 3, 4], teacher: [3, 1, 4, 1 + k], init: [5, 6, 7, 8 + k], sgd: [9, 10, 11, 12 + k] };
    const p = {
      ...defaultParams(),
      n,
      d,
      width: d + 1,
      alpha: 1,
      lr: eta,
      sigma,
      batch,
      teacher_norm: teacher,
      steps,
      log_every: Math.max(1, Math.round(steps / 1500)),
    };
    const res = train(p, runSeeds);
    if (res.status !== 'done') throw new Error(`x = ${x}, seed set ${k}: run ${res.status}`);
    const tail = meanFrom(res.metrics, 'w_norm2_mean', steps / 3);
    const fro = tail * p.width;
    const theory = theoryColumns(p, null, predictRun(p, runSeeds));
    ratios.push(fro / (theory.pred_w_norm2_final * p.width));
    scales.push(fro / ((eta * sigma * sigma) / batch));
  }
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  const range = `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`;
  const spread = spreadWidth ? `   ${spreadDof(sigma, steps).toFixed(2)}` : '';
  console.log(`${x.toFixed(3).padEnd(8)} ${mean(ratios).toFixed(3).padEnd(13)} ${range.padEnd(18)} ${mean(scales).toFixed(1).padEnd(16)}${spread}`);
}

/** 2·mean²/variance of ‖wᵢ‖² across the neurons of one width-`spreadWidth` run, averaged over 20 late snapshots. */
function spreadDof(sigma, steps) {
  const runSeeds = { data: [11, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };
  const at = Array.from({ length: 20 }, (_, j) => Math.round(steps / 3 + ((j + 1) * (2 * steps)) / 60));
  // α chosen so that K₀ = α²(m + d) is the width-(d + 1) runs' 2d + 1: the same distance from the stability edge
  const alpha = Math.sqrt((2 * d + 1) / (spreadWidth + d));
  const p = {
    ...defaultParams(),
    n,
    d,
    width: spreadWidth,
    alpha,
    lr: eta,
    sigma,
    batch,
    teacher_norm: teacher,
    steps,
    log_every: steps,
    snapshot_steps: at,
  };
  const { status, snapshots: s } = train(p, runSeeds);
  if (status !== 'done') return NaN;
  let dof = 0;
  for (const step of at) {
    const w2 = s.w_norm2.filter((_, i) => s.step[i] === step);
    const mu = w2.reduce((a, b) => a + b, 0) / w2.length;
    const variance = w2.reduce((a, b) => a + (b - mu) ** 2, 0) / w2.length;
    dof += (2 * mu * mu) / variance / at.length;
  }
  return dof;
}
