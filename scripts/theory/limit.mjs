#!/usr/bin/env node
// The noise-sustained state from the limit equation (src/core/noise-state.ts) against the engine's long runs
// (stationary.mjs): G = E‖W‖²_F/W∞ over x, with the same Σ̂ and θ̂* as stationary.mjs's seed sets.
//
//   npm run build && node scripts/theory/limit.mjs [--d 20] [--n 200] [--x 0.1,0.2,0.4,0.8] [--scale 0.1]
//        [--units 150] [--seeds 3] [--iso]
//
// Per x: G on each seed set (its own Σ̂, θ̂* and an independent stream), k = (tr M)²/tr M², the fine copy's G before
// extrapolation to h = 0, and the time taken. W∞ here is the η → 0 end point on the seed set's Σ̂ (endPoint without
// its ε, which is O(η)): √(tr Σ̂/ρ)·√d‖θ̃*‖·… − d/(d + 1), in units of ν.
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { makeData } = await import(join(REPO, 'dist', 'core', 'data.js'));
const { defaultParams } = await import(join(REPO, 'dist', 'core', 'params.js'));
const { limitProblem, solveNoiseState } = await import(join(REPO, 'dist', 'core', 'noise-state.js'));

const argv = process.argv.slice(2);
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const d = Number(flag('--d', 20));
const n = Number(flag('--n', 200));
const xs = flag('--x', '0.1,0.2,0.4,0.8').split(',').map(Number);
const scales = flag('--scale', '0.1').split(',').map(Number);
const units = Number(flag('--units', 150));
const seeds = Number(flag('--seeds', 3));
const iso = argv.includes('--iso');

function problem(k) {
  const runSeeds = { data: [11 + k, 2, 3, 4], teacher: [3, 1, 4, 1 + k], init: [5, 6, 7, 8 + k], sgd: [9, 10, 11, 12 + k] };
  const { lambda, dir } = limitProblem(makeData({ ...defaultParams(), n, d, width: d + 1, steps: 1 }, runSeeds), 1);
  return iso ? { lambda: new Float64Array(d).fill(1), dir } : { lambda, dir };
}

console.log(`limit equation, d = ${d}${iso ? ', Σ̂ = I' : `, n = ${n}`}, ${units} units, ${seeds} seed sets`);
for (const x of xs) {
  for (const stepScale of scales) {
    const t0 = performance.now();
    const runs = Array.from({ length: seeds }, (_, k) => {
      const pr = problem(k);
      const r = solveNoiseState({ ...pr, x }, { units, stepScale, seed: [100 + k, 7, 7, 7] });
      const trace = pr.lambda.reduce((a, b) => a + b, 0);
      const along = pr.dir.reduce((acc, u, j) => acc + u * u * pr.lambda[j], 0);
      const w0 = Math.sqrt(trace / along) * ((d - 1) / (2 * Math.sqrt(d) * x)) - d / (d + 1);
      return { G: r.w / w0, fineG: r.fine / w0, w: r.w, k: r.k, cv: r.cv };
    });
    const ms = (performance.now() - t0) / seeds;
    const mean = (f) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
    console.log(
      `x ${x}  scale ${stepScale}  G ${mean((r) => r.G).toFixed(4)} [${runs.map((r) => r.G.toFixed(3)).join(' ')}]  fine ${mean((r) => r.fineG).toFixed(4)}  ‖W‖²/ν ${mean((r) => r.w).toFixed(1)}  k ${mean((r) => r.k).toFixed(2)}  cv ${mean((r) => r.cv).toFixed(3)}  ${ms.toFixed(0)} ms/solve`,
    );
  }
}
