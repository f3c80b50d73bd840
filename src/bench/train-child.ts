/**
 * A bench child process (src/bench/orchestrator.ts, "machine ceiling"): `node dist/bench/train-child.js RUNS STEPS`
 * trains RUNS runs of STEPS steps at the orchestrator bench's setting, with no pool, thread or file. Loaded by file
 * name, so it is an entry of the bundle (scripts/bundle.mjs).
 */
import { defaultParams, train } from '../core/index.js';
import { runSeeds } from '../sweep/seeds.js';

const [runs, steps] = process.argv.slice(2).map(Number);
const p = { ...defaultParams(), steps, sigma: 4, kernel: 'subspace' as const };
for (let r = 0; r < runs; r++) train(p, runSeeds(p, 1, r));
