/** The sweep layer: sweep files → validated specs → frozen plans with content-addressed run ids and seeds. */
export { ResultsVersionError, ShardArgError, SweepSpecError } from './errors.js';
export { canonicalJson, runIdOf } from './ids.js';
export { deriveSeed, runSeeds } from './seeds.js';
export { expandSweep, loadSweep, planSweep, checkResultsVersion, RESULTS_VERSION, type Plan, type PlannedRun } from './plan.js';
export { assignShards, parseShard, shardRuns, type Shard } from './shard.js';
