import { describe, expect, test } from 'vitest';
import { assignShards, parseShard, planSweep, shardRuns, ShardArgError, type PlannedRun } from '../../src/sweep/index.js';
import { HEAD, sweepFile } from './fixtures.js';

const plan = planSweep(
  sweepFile(HEAD + 'base: { lr: 0.0001 }\ngrid: { steps: [100, 1000, 5000], width: [10, 100, 1000], sigma: [0, 1] }\nreplicates: 3'),
);

/** A deterministic shuffle (LCG), so the test is the same on every run. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const ids = (runs: readonly PlannedRun[]) => runs.map((r) => r.run_id).sort();

describe('parseShard', () => {
  test.each([
    ['1/1', 1, 1],
    ['2/4', 2, 4],
    [' 3 / 3 ', 3, 3],
  ])('reads %j', (text, k, n) => {
    expect(parseShard(text)).toEqual({ k, n });
  });

  test.each([
    ['0/4', 'K must be between 1 and N = 4'],
    ['5/4', 'K must be between 1 and N = 4'],
    ['1/0', 'N must be ≥ 1'],
    ['2', 'must be K/N'],
    ['a/b', 'must be K/N'],
    ['-1/2', 'must be K/N'],
  ])('rejects %j', (text, reason) => {
    expect(() => parseShard(text)).toThrow(ShardArgError);
    expect(() => parseShard(text)).toThrow(`[sweep] --shard: ${reason}`);
  });
});

describe('shardRuns', () => {
  test.each([1, 2, 3, 5, 7])('%i shares partition the plan', (n) => {
    const shares = Array.from({ length: n }, (_, k) => shardRuns(plan.runs, k + 1, n));
    const all = shares.flatMap((s) => s.map((r) => r.run_id));
    expect(new Set(all).size).toBe(all.length); // disjoint
    expect(all.sort()).toEqual(ids(plan.runs)); // union is the plan
  });

  test.each([2, 3, 4, 7])('%i shares are balanced within the largest single cost', (n) => {
    const loads = Array.from({ length: n }, (_, k) => shardRuns(plan.runs, k + 1, n).reduce((s, r) => s + r.cost, 0));
    const maxCost = Math.max(...plan.runs.map((r) => r.cost));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(maxCost);
  });

  test('the partition does not depend on the order of the plan', () => {
    for (const seed of [1, 2, 3]) {
      const mixed = shuffled(plan.runs, seed);
      for (let k = 1; k <= 3; k++) expect(ids(shardRuns(mixed, k, 3))).toEqual(ids(shardRuns(plan.runs, k, 3)));
    }
  });

  test('a share keeps the order of the plan it was given', () => {
    const share = shardRuns(plan.runs, 1, 2);
    const positions = share.map((r) => plan.runs.indexOf(r));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  test('more shares than runs leaves some empty', () => {
    const two = plan.runs.slice(0, 2);
    expect(Array.from({ length: 4 }, (_, k) => shardRuns(two, k + 1, 4).length).sort()).toEqual([0, 0, 1, 1]);
    expect(assignShards(two, 4).size).toBe(2);
  });
});

describe('assignShards: longest processing time first', () => {
  // Runs with hand-picked costs (only run_id and cost matter to the assignment). Plain round-robin in plan order would
  // give a, c, e / b, d, f at n = 2 (loads 19 and 11) and a, d / b, e / c, f at n = 3 (11, 10, 9).
  const fake = (costs: Record<string, number>) => Object.entries(costs).map(([run_id, cost]) => ({ run_id, cost }) as unknown as PlannedRun);
  const runs = fake({ a: 10, b: 9, c: 8, d: 1, e: 1, f: 1 });

  // n = 2, by hand: a→1 (10, 0), b→2 (10, 9), c→2 (10, 17), then each 1 to the lighter shard 1: loads 13 and 17.
  // n = 3: a→1, b→2, c→3 (10, 9, 8), d→3 (10, 9, 9), e→2 (the first lightest: 10, 10, 9), f→3: loads 10, 10, 10.
  test.each([
    [2, { a: 1, b: 2, c: 2, d: 1, e: 1, f: 1 }],
    [3, { a: 1, b: 2, c: 3, d: 3, e: 2, f: 3 }],
  ])('n = %i: the exact LPT assignment of costs 10, 9, 8, 1, 1, 1', (n, expected) => {
    expect(Object.fromEntries(assignShards(runs, n))).toEqual(expected);
    // Whatever order the plan lists them in: the largest cost is placed first, ties broken by run id.
    for (const seed of [1, 2, 3, 4]) expect(Object.fromEntries(assignShards(shuffled(runs, seed), n))).toEqual(expected);
  });

  test('equal costs are placed in run-id order, each on the lightest shard (the first of equals)', () => {
    expect(Object.fromEntries(assignShards(fake({ z: 5, y: 5, x: 5, w: 5 }), 3))).toEqual({ w: 1, x: 2, y: 3, z: 1 });
  });
});

describe('assignShards at scale: the same assignment as a scan of every share, in O(log N) per run', () => {
  /** LPT written out the obvious way, for reference: every share scanned for the least load, ties to the lowest. */
  function scanLpt(runs: readonly PlannedRun[], n: number): Map<string, number> {
    const order = [...runs].sort((a, b) => b.cost - a.cost || (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0));
    const load = new Array<number>(n).fill(0);
    const out = new Map<string, number>();
    for (const run of order) {
      let best = 0;
      for (let s = 1; s < n; s++) if (load[s] < load[best]) best = s;
      load[best] += run.cost;
      out.set(run.run_id, best + 1);
    }
    return out;
  }
  /** `count` runs with distinct hex ids in no particular order and costs drawn from `costs` (few values: many ties). */
  function runsOf(count: number, costs: readonly number[], seed: number): PlannedRun[] {
    let s = seed;
    const next = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5; // xorshift32
      return s >>> 0;
    };
    const hex8 = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
    return Array.from({ length: count }, (_, i) => {
      const run_id = hex8(next()) + hex8(i); // distinct by its second half
      return { run_id, cost: costs[next() % costs.length] } as unknown as PlannedRun;
    });
  }

  test.each([
    [500, [1, 2, 3], 1],
    [500, [7], 2],
    [2000, [1e9, 3.5e9, 1.25e10, 0.1], 3],
    [300, [0, 1], 4],
  ])('%i runs, costs from %j: every share count gives the scan’s partition', (count, costs, seed) => {
    const runs = runsOf(count, costs, seed);
    for (const n of [1, 2, 3, 7, 64, count - 1, count, count + 5]) {
      expect(Object.fromEntries(assignShards(runs, n)), `n = ${n}`).toEqual(Object.fromEntries(scanLpt(runs, n)));
    }
  });

  test('ids other than 16 hex digits are ordered as strings, as before', () => {
    const runs = [...runsOf(200, [1, 2], 5), ...(['Zz', 'a', 'run-1', 'é'].map((run_id) => ({ run_id, cost: 1 })) as unknown as PlannedRun[])];
    for (const n of [3, 10]) expect(Object.fromEntries(assignShards(runs, n))).toEqual(Object.fromEntries(scanLpt(runs, n)));
  });

  // A scan of every share per run is 200,000 × 200,000 steps here (minutes); the heap takes well under a second.
  test('200,000 runs into 200,000 shares (--shard K/N with N as large as the plan)', () => {
    const runs = runsOf(200_000, [1, 2, 3], 6);
    const share = assignShards(runs, 200_000);
    expect(share.size).toBe(200_000);
    expect(new Set(share.values()).size).toBe(200_000); // one run per share
    expect(shardRuns(runs, 200_000, 200_000)).toHaveLength(1);
  });
});
