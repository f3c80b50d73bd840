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

/** "2/4" → { k: 2, n: 4 }; K must be in 1..N, N a safe integer. Throws ShardArgError. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const fail = (reason: string): never => {
    throw new ShardArgError(`${reason} (got '${text}')`);
  };
  if (!m) return fail('must be K/N, e.g. 1/4 for the first of 4 shares');
  const k = Number(m[1]);
  const n = Number(m[2]);
  // 99999999999999999999 reads as 1e20, past the integers a double holds exactly: K and N would not be what was typed.
  if (!Number.isSafeInteger(n)) {
    return fail(`N = ${m[2]} is more shares than can be counted exactly (at most ${Number.MAX_SAFE_INTEGER}; a plan has at most 1,000,000 runs)`);
  }
  if (n < 1) return fail('N must be ≥ 1');
  if (!Number.isSafeInteger(k) || k < 1 || k > n) return fail(`K must be between 1 and N = ${n}`);
  return { k, n };
}

/**
 * The share (0-based) of each run, by position: LPT as the module comment says. The least-loaded share is found
 * with a binary heap ordered by (load, index), so ties go to the lowest index exactly as a scan of every share
 * would, in O(log N) per run rather than O(N): `--shard 1/1000000` on a million runs is 20 steps per run instead
 * of a million.
 */
function shareIndices(runs: readonly PlannedRun[], n: number): Int32Array {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`assignShards: n must be an integer ≥ 1 (got ${n})`);
  const order = lptOrder(runs);
  // Shares beyond the run count stay empty: the heap needs no more entries than there are runs.
  const size = Math.min(n, runs.length);
  const load = new Float64Array(size);
  const heap = Int32Array.from({ length: size }, (_, i) => i); // all loads 0: index order is a valid heap
  const before = (a: number, b: number) => load[a] < load[b] || (load[a] === load[b] && a < b);
  const share = new Int32Array(runs.length);
  for (const i of order) {
    const best = heap[0];
    share[i] = best;
    load[best] += runs[i].cost;
    // sift the root down to its place
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const child = left + 1 < size && before(heap[left + 1], heap[left]) ? left + 1 : left;
      if (!before(heap[child], best)) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = best;
  }
  return share;
}

/**
 * Positions of `runs`, largest cost first, ties by run id. A million ties compared as strings took seconds: a run id
 * of 16 hex digits is compared as the two 32-bit numbers it spells (the same order, as the digits have one length),
 * and only other ids as strings.
 */
function lptOrder(runs: readonly PlannedRun[]): Uint32Array {
  const count = runs.length;
  const cost = new Float64Array(count);
  const high = new Uint32Array(count);
  const low = new Uint32Array(count);
  let allHex = true;
  for (let i = 0; i < count; i++) {
    const { run_id: id, cost: c } = runs[i];
    cost[i] = c;
    if (allHex && HEX16.test(id)) {
      high[i] = parseInt(id.slice(0, 8), 16);
      low[i] = parseInt(id.slice(8), 16);
    } else allHex = false;
  }
  const byId = allHex
    ? (a: number, b: number) => high[a] - high[b] || low[a] - low[b]
    : (a: number, b: number) => (runs[a].run_id < runs[b].run_id ? -1 : runs[a].run_id > runs[b].run_id ? 1 : 0);
  return Uint32Array.from({ length: count }, (_, i) => i).sort((a, b) => cost[b] - cost[a] || byId(a, b));
}

const HEX16 = /^[0-9a-f]{16}$/;

/** Share index (1..n) of every run. */
export function assignShards(runs: readonly PlannedRun[], n: number): Map<RunId, number> {
  const share = shareIndices(runs, n);
  return new Map(runs.map((r, i) => [r.run_id, share[i] + 1]));
}

/** The runs of share k of n, in the order given. */
export function shardRuns(runs: readonly PlannedRun[], k: number, n: number): PlannedRun[] {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`shardRuns: k must be in 1..${n} (got ${k})`);
  const share = shareIndices(runs, n);
  return runs.filter((_, i) => share[i] === k - 1);
}
