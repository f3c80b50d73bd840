/**
 * The order in which a process starts its runs. An overnight sweep stopped early (a time limit, a Ctrl-C, the
 * morning) should leave a coarse picture of the whole grid, not one finished slice of it, so by default (`spread`):
 *
 *   1. levels: first one run of every cell (a cell: the runs with the same parameters, i.e. replicates, or the same
 *      point added by two sweeps), then a second run of every cell that has more, and so on. A cell that already has
 *      finished runs (a resumed sweep) joins at the level those runs put it on.
 *   2. within a level, cells in an order that spreads over the grid: each axis's values are ranked coarse to fine
 *      (both ends, the middle, the quarters…: spreadRanks), and a cell comes in the order of its largest rank over
 *      the axes, then the sum of its ranks. Each prefix of the order then fills nested sub-grids: the corner, the
 *      grid of every axis's ends, then the middles join, and so on.
 *
 *        σ →  0  1  2  3        the order of a 4 × 4 grid's cells (each axis's values in the order 0 3 2 1):
 *        α 0  1 10  5  2        1-4: the corners; 5-9: value 2 of either axis joins (a 3 × 3 sub-grid);
 *          1 11 15 16 13        10-16: value 1
 *          2  6 14  9  8
 *          3  3 12  7  4
 *   3. the tail: greedy dispatch ends in a straggler when a long run starts last. So the shortest suffix of that order
 *      holding the whole of its largest run `TAIL_RUNS_PER_WORKER` times per worker, or more, is dispatched largest
 *      first (LPT), which keeps the workers finishing together: the last runs to start are the small ones.
 *
 * `cost` is the order before this one: largest first over the whole plan (LPT throughout). Both orders are pure
 * functions of the runs, so a sweep's order, like its partition into shards (shard.ts), is the same on every node.
 * Axes are the parameters that vary and are not fixed by others already chosen (lr under an lr_rule follows α and
 * width, steps under a steps_rule follows lr and σ): they add no cells, and ranking them would scramble the grid.
 * O(runs · parameters + runs log runs).
 */
import { PARAM_KEYS } from '../core/params.js';
import { canonicalJson } from './ids.js';
import type { PlannedRun } from './plan.js';

export type DispatchOrder = 'spread' | 'cost';

/** The suffix dispatched largest first holds at least this many of its largest run per worker (see 3. above). */
const TAIL_RUNS_PER_WORKER = 2;

export interface DispatchOptions {
  order: DispatchOrder;
  /** runs that can execute at once: sizes the tail */
  workers: number;
  /** runs of the plan already finished: their cells start at a later level */
  finished?: readonly PlannedRun[];
}

const byCost = (a: PlannedRun, b: PlannedRun): number => b.cost - a.cost || (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0);

/** `todo` in the order to start them (a new array). */
export function dispatchOrder(todo: readonly PlannedRun[], opts: DispatchOptions): PlannedRun[] {
  if (opts.order === 'cost') return [...todo].sort(byCost);
  if (todo.length === 0) return []; // a resumed sweep with nothing left: the finished runs' cells need no ranking
  const finished = opts.finished ?? [];
  const cellOf = new Map<PlannedRun, string>();
  for (const r of [...todo, ...finished]) cellOf.set(r, canonicalJson(r.params));
  const cellKey = (r: PlannedRun) => cellOf.get(r)!;

  // 1. levels
  const level = new Map<PlannedRun, number>();
  const doneIn = new Map<string, number>();
  for (const r of finished) doneIn.set(cellKey(r), (doneIn.get(cellKey(r)) ?? 0) + 1);
  const byCell = new Map<string, PlannedRun[]>();
  for (const r of todo) (byCell.get(cellKey(r)) ?? byCell.set(cellKey(r), []).get(cellKey(r))!).push(r);
  for (const [key, runs] of byCell) {
    runs.sort((a, b) => a.replicate - b.replicate || (a.run_id < b.run_id ? -1 : 1));
    runs.forEach((r, i) => level.set(r, (doneIn.get(key) ?? 0) + i));
  }

  // 2. cells spread over the grid
  const rank = cellRanks([...todo, ...finished]);
  const cells = [...byCell.keys()].map((key) => ({ key, ranks: rank(byCell.get(key)![0]) }));
  const spreadKey = (ranks: number[]) => [Math.max(0, ...ranks), ranks.reduce((s, x) => s + x, 0), ...ranks];
  const keys = new Map(cells.map((c) => [c.key, spreadKey(c.ranks)]));
  const cmpKeys = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };
  const order = [...todo].sort(
    (a, b) => level.get(a)! - level.get(b)! || cmpKeys(keys.get(cellKey(a))!, keys.get(cellKey(b))!) || (a.run_id < b.run_id ? -1 : 1),
  );

  // 3. a tail dispatched largest first
  const start = tailStart(order, Math.max(1, opts.workers));
  return [...order.slice(0, start), ...order.slice(start).sort(byCost)];
}

/** The first index of the shortest suffix whose cost is at least TAIL_RUNS_PER_WORKER × workers × its largest run. */
function tailStart(order: readonly PlannedRun[], workers: number): number {
  let sum = 0;
  let max = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    sum += order[i].cost;
    max = Math.max(max, order[i].cost);
    if (sum >= TAIL_RUNS_PER_WORKER * workers * max) return i;
  }
  return 0;
}

/**
 * Each run's cell as a vector of bit-reversal ranks, one per axis. Axes: varying parameters taken fewest values first,
 * each skipped when the axes already taken fix it.
 */
function cellRanks(runs: readonly PlannedRun[]): (r: PlannedRun) => number[] {
  const valuesOf = new Map<string, Map<string, unknown>>();
  for (const key of PARAM_KEYS) {
    const seen = new Map<string, unknown>();
    for (const r of runs) {
      const v = r.params[key];
      seen.set(JSON.stringify(v), v);
    }
    if (seen.size > 1) valuesOf.set(key, seen);
  }
  const candidates = [...valuesOf.keys()].sort((a, b) => valuesOf.get(a)!.size - valuesOf.get(b)!.size || (a < b ? -1 : 1));
  const axes: string[] = [];
  for (const key of candidates) if (!fixedBy(runs, key, axes)) axes.push(key);
  const rankOf = axes.map((key) => {
    const values = [...valuesOf.get(key)!.entries()].sort(([ja, a], [jb, b]) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : ja < jb ? -1 : ja > jb ? 1 : 0,
    );
    const ranks = spreadRanks(values.length);
    return new Map(values.map(([json], i) => [json, ranks[i]]));
  });
  return (r) => axes.map((key, a) => rankOf[a].get(JSON.stringify(r.params[key as keyof PlannedRun['params']]))!);
}

/** True when `key`'s value is a function of the `given` parameters' values across `runs`. */
function fixedBy(runs: readonly PlannedRun[], key: string, given: readonly string[]): boolean {
  if (given.length === 0) return false;
  const seen = new Map<string, string>();
  for (const r of runs) {
    const p = r.params as unknown as Record<string, unknown>;
    const k = JSON.stringify(given.map((g) => p[g]));
    const v = JSON.stringify(p[key]);
    const prev = seen.get(k);
    if (prev !== undefined && prev !== v) return false;
    seen.set(k, v);
  }
  return true;
}

/**
 * rank[i] = the position of index i when 0..n−1 are taken coarse to fine: both ends, then the middle, then the
 * quarters, the eighths… (the points j/2ᴸ of [0, 1], j odd, rounded to the nearest index; an index already taken is
 * skipped). n = 5 → order 0 4 2 1 3; n = 6 → 0 5 3 1 4 2. Every prefix spans the axis; for n = 2ᴸ + 1 the prefixes
 * are the nested dyadic grids.
 */
export function spreadRanks(n: number): number[] {
  const ranks = new Array<number>(n).fill(-1);
  let next = 0;
  const take = (t: number) => {
    const i = Math.round(t * (n - 1));
    if (ranks[i] < 0) ranks[i] = next++;
  };
  take(0);
  take(1);
  // once 2ᴸ ≥ n − 1 the points are at most one index apart, so every index has been taken
  for (let denominator = 2; next < n; denominator *= 2) for (let j = 1; j < denominator; j += 2) take(j / denominator);
  return ranks;
}
