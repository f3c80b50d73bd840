/** The sweep layer: sweep files → validated specs → frozen plans with content-addressed run ids and seeds. */
export { ResultsVersionError, ShardArgError, SweepSpecError, formatProblem, type SweepProblem } from './errors.js';
export { canonicalJson, runIdOf, type RunId } from './ids.js';
export { deriveSeed, runSeeds, type StreamName } from './seeds.js';
export type { SweepSpec, ParamLists } from './spec.js';
export {
  MAX_RUNS,
  expandSweep,
  loadSweep,
  parseSweep,
  planRun,
  planSweep,
  checkResultsVersion,
  RESULTS_VERSION,
  type Plan,
  type PlanOptions,
  type PlannedRun,
} from './plan.js';
export { MAX_RUN_BYTES, STABILITY_BOUND, stabilityOf } from './checks.js';
export { assignShards, parseShard, shardRuns, type Shard } from './shard.js';
