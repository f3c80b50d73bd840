#!/usr/bin/env node
// What the phase-diagram figures of issue 18 would be if the model's terminal state were the noise-sustained state of
// the limit equation (src/core/noise-state.ts) instead of the end point, on an existing output folder of results
// version 3. From version 4 the model carries the state itself (src/core/terminal-state.ts, from d·x = 0.75 on) and
// pred_w_norm2_final already is it, so on a newer folder G below is about 1 and this script rescores nothing. Nothing in the
// folder or the model changes: this recomputes, per scored run (done, theory applies, not a rich start), the
// terminal state from the run's own Σ̂ and θ̂* (one solve per data set and x, x ≥ --from) and scores against it.
//
//   npm run build && node scripts/theory/score-state.mjs /tmp/h18/pd [--from 0.04] [--units 150] [--scale 0.1]
//
// Per run: G = E‖W‖²_F/W∞ of the limit equation (ν·w over the end point's m·pred_w_norm2_final; 1 below --from);
// the state's mean ‖wᵢ‖² = G·pred_w_norm2_final; the model's end value moved by the same share of its relaxation,
// pred_w_norm2_end + (G − 1)·pred_w_norm2_final·(1 − e^{−τ_end}); and the Phase I model's fraction crossing with the
// end point's per-neuron floor scaled by G (its χ²₁ spread kept: a bound-free sketch, the state's spread is k > 1).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (p) => import(join(REPO, 'dist', p));
const { makeData } = await load('core/data.js');
const { buildPhaseModel } = await load('core/phase-model.js');
const { phase2Thresholds } = await load('core/theory.js');
const { meanNoiseVariance } = await load('core/noise-variance.js');
const { limitProblem, solveNoiseState } = await load('core/noise-state.js');
const { runSeeds } = await load('sweep/seeds.js');

const argv = process.argv.slice(2);
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const folder = argv[0];
const from = Number(flag('--from', 0.04));
const units = Number(flag('--units', 150));
const stepScale = Number(flag('--scale', 0.1));

const table = tableFromIPC(readFileSync(join(folder, 'summary.arrow')));
const rows = table.toArray().map((r) => r.toJSON());
const PARAMS = [
  'experiment',
  'optimizer',
  'n',
  'd',
  'width',
  'alpha',
  'lr',
  'batch',
  'sigma',
  'noise',
  'noise_schedule',
  'teacher_norm',
  'teacher_sparsity',
  'steps',
];
const cache = new Map();

function state(p, seeds, x) {
  const key = JSON.stringify([seeds.data, seeds.teacher, p.n, p.d, x]);
  if (cache.has(key)) return cache.get(key);
  const problem = limitProblem(makeData(p, seeds), x);
  const t0 = performance.now();
  const out = {
    ...solveNoiseState(problem, { units, stepScale, seed: [1, 2, 3, 4] }),
    ms: performance.now() - t0,
  };
  cache.set(key, out);
  return out;
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length ? (s.length % 2 ? s[Math.floor(mid)] : (s[mid - 1] + s[mid]) / 2) : NaN;
};
const scored = rows.filter((r) => r.status === 'done' && r.sigma > 0 && Number.isFinite(r.pred_phase2_frac_final) && r.rich_start === 0);
const out = [];
for (const r of scored) {
  const p = Object.fromEntries(PARAMS.map((k) => [k, typeof r[k] === 'bigint' ? Number(r[k]) : r[k]]));
  const seeds = runSeeds(p, Number(r.seed), Number(r.replicate));
  const x = r.noise_ratio;
  const nu = (p.lr * meanNoiseVariance(p)) / p.batch;
  let G = 1;
  let k = 1;
  if (x >= from) {
    const s = state(p, seeds, x);
    G = (s.w * nu) / (p.width * r.pred_w_norm2_final);
    k = s.k;
  }
  const model = buildPhaseModel(p, seeds);
  const tauEnd = model.tauAt(p.steps);
  const endOld = r.pred_w_norm2_end;
  const endNew = endOld + (G - 1) * r.pred_w_norm2_final * -Math.expm1(-tauEnd);
  let phase1 = r.pred_phase1_steps;
  if (G !== 1) {
    model.floorRatio *= G;
    phase1 = model.firstStep((tau) => model.fractionBelow(tau, phase2Thresholds(p).w2), 0.5);
  }
  out.push({ r, x, G, k, endOld, endNew, phase1, converged: endNew <= 1.01 * G * r.pred_w_norm2_final });
}

const report = (label, pick) => {
  const ratios = out.map(pick).filter((v) => Number.isFinite(v));
  const within = ratios.filter((v) => v >= 0.8 && v <= 1.25).length;
  console.log(`${label}: median ${median(ratios).toFixed(3)}, ${within}/${ratios.length} within [0.8, 1.25]`);
};
console.log(`${out.length} scored runs; ${cache.size} solves (${[...cache.values()].map((s) => (s.ms / 1000).toFixed(1)).join(', ')} s)`);
for (const [key, s] of cache)
  console.log(
    `  x ${JSON.parse(key)[4].toFixed(3)} data ${JSON.parse(key)[0][0]}  w ${s.w.toFixed(2)}  k ${s.k.toFixed(2)}  snapshot cv ${s.cv.toFixed(3)}`,
  );
report('final mean ‖w‖² / pred_w_norm2_end (today)', (o) => o.r.final_w_norm2_mean / o.endOld);
report('final mean ‖w‖² / state-moved end', (o) => o.r.final_w_norm2_mean / o.endNew);
report('  above x = ' + from, (o) => (o.x >= from ? o.r.final_w_norm2_mean / o.endNew : NaN));
const conv = out.filter((o) => o.converged && o.r.final_w_norm2_mean != null);
const conv5 = conv.filter((o) => Math.abs(o.r.final_w_norm2_mean / (o.G * o.r.pred_w_norm2_final) - 1) <= 0.05);
console.log(
  `converged (state-moved end within 1% of the state): ${conv5.length}/${conv.length} within 5%; ratios ${conv.map((o) => (o.r.final_w_norm2_mean / (o.G * o.r.pred_w_norm2_final)).toFixed(3)).join(' ')}`,
);
const both = (pick) => out.filter((o) => o.r.phase2_step_50 != null && pick(o) != null).map((o) => Number(o.r.phase2_step_50) / pick(o));
console.log(
  `phase2_step_50 / pred_phase1_steps: today ${median(both((o) => o.r.pred_phase1_steps)).toFixed(3)} over ${both((o) => o.r.pred_phase1_steps).length}; with the state ${median(both((o) => o.phase1)).toFixed(3)} over ${both((o) => o.phase1).length}`,
);
for (const o of out.filter((o) => o.x >= from))
  console.log(
    `  x ${o.x.toFixed(3)} σ ${o.r.sigma} α ${o.r.alpha} m ${o.r.width} rep ${o.r.replicate}: G ${o.G.toFixed(3)} k ${o.k.toFixed(2)} final/state ${(o.r.final_w_norm2_mean / (o.G * o.r.pred_w_norm2_final)).toFixed(3)} final/end' ${(o.r.final_w_norm2_mean / o.endNew).toFixed(3)} p2_50 ${o.r.phase2_step_50} model ${o.phase1 == null ? 'never' : Math.round(o.phase1)} (today ${o.r.pred_phase1_steps == null ? 'never' : Math.round(o.r.pred_phase1_steps)}) frac ${o.r.final_phase2_frac} F∞ ${o.r.pred_phase2_frac_final.toFixed(3)}`,
  );
