/**
 * `--shard K/N`: share K of N of a plan. The N shares partition the plan and are balanced by estimated cost with the
 * LPT rule (longest processing time first): runs sorted by cost, largest first, ties by run_id, each given to the
 * least-loaded share so far (ties to the lowest index). The assignment depends only on the set of runs, never on the
 * plan's order, so every machine of a Slurm array computes the same partition. LPT keeps the most- and least-loaded
 * shares within one run's cost of each other.
 */
import { ShardArgError } from './errors.js';
import type { RunId } from './ids.js';
import type { PlannedRun } from './plan.js';

export interface Shard {
  /** 1-based share index */
  k: number;
  n: number;
}

/** "2/4" → { k: 2, n: 4 }; K must be in 1..N. Throws ShardArgError. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const fail = (reason: string): never => {
    throw new ShardArgError(`${reason} (got '${text}')`);
  };
  if (!m) return fail('must be K/N, e.g. 1/4 for the first of 4 shares');
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n)) return fail(`N must be at most ${Number.MAX_SAFE_INTEGER}`);
  if (n < 1) return fail('N must be ≥ 1');
  if (!Number.isSafeInteger(k) || k < 1 || k > n) return fail(`K must be between 1 and N = ${n}`);
  return { k, n };
}

/** Share index (1..n) of every run. */
export function assignShards(runs: readonly PlannedRun[], n: number): Map<RunId, number> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`assignShards: n must be an integer ≥ 1 (got ${n})`);
  const order = [...runs].sort((a, b) => b.cost - a.cost || (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0));
  const load = new Array<number>(n).fill(0);
  const out = new Map<RunId, number>();
  for (const run of order) {
    let best = 0;
    for (let s = 1; s < n; s++) if (load[s] < load[best]) best = s;
    load[best] += run.cost;
    out.set(run.run_id, best + 1);
  }
  return out;
}

/** The runs of share k of n, in the order given. */
export function shardRuns(runs: readonly PlannedRun[], k: number, n: number): PlannedRun[] {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`shardRuns: k must be in 1..${n} (got ${k})`);
  const share = assignShards(runs, n);
  return runs.filter((r) => share.get(r.run_id) === k);
}
