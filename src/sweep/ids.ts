/**
 * Run identity (docs/formats.md#run-ids): a run is its fully resolved parameters, the sweep seed and its replicate
 * index, and its id is a hash of the canonical JSON of exactly that. Nothing else goes in (not the sweep name, the
 * file, the key order or the other runs), so the same run has the same id in every sweep, order, worker count and
 * shard.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import type { RunParams } from '../core/types.js';

export { canonicalJson };

/** 16 lowercase hex characters (64 bits of sha256): collisions are negligible below ~10⁸ runs. */
export type RunId = string & { readonly __brand?: 'RunId' };

const RUN_ID_FORM = /^[0-9a-f]{16}$/;

/**
 * True when `value` has the exact form of a run id (what runIdOf returns). Every id read from outside (plan.json,
 * journals, file names in runs/, queue jobs) is checked with this before a path is built from it: an id such as
 * `../../x` would otherwise name a file outside the output folder.
 */
export function isRunId(value: unknown): value is RunId {
  return typeof value === 'string' && RUN_ID_FORM.test(value);
}

/**
 * The run's id: the first 16 hex characters of sha256(canonicalJson({ params, seed, replicate })). The id is made from
 * the digest's first 8 bytes rather than cut from the 64-character hex string, which would keep that string alive
 * (a V8 sliced string) as long as the id: 80 bytes more for each of a million planned runs.
 */
export function runIdOf(params: RunParams, sweepSeed: number, replicate: number): RunId {
  return runIdOfParamsJson(canonicalJson({ params }).slice('{"params":'.length, -1), sweepSeed, replicate);
}

/**
 * runIdOf from the parameters' canonical JSON, made once for all the replicates of a point (a sweep of 20,000
 * replicates encoded the same parameters 20,000 times: issue 23). canonicalJson({ params, seed, replicate }) is this
 * very text, its keys sorted: "params" < "replicate" < "seed".
 */
export function runIdOfParamsJson(paramsJson: string, sweepSeed: number, replicate: number): RunId {
  const text = `{"params":${paramsJson},"replicate":${canonicalJson(replicate)},"seed":${canonicalJson(sweepSeed)}}`;
  return hash('sha256', text, 'buffer').toString('hex', 0, 8);
}

/**
 * Null when `run.run_id` is the id of its parameters, the sweep seed and its replicate; else the id they hash to. A
 * run read from outside (plan.json, a queue job) is done and filed under its id only when this is null, so that no
 * file under a planned id ever holds another run's numbers.
 */
export function rehashedRunId(run: { run_id: string; params: RunParams; replicate: number }, sweepSeed: number): RunId | null {
  const id = runIdOf(run.params, sweepSeed, run.replicate);
  return id === run.run_id ? null : id;
}
