/**
 * The order runs start in (src/sweep/dispatch-order.ts): one run of every cell first, spread over the grid, then
 * the other replicates; a tail dispatched largest first; `cost` is largest first throughout.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatchOrder, spreadRanks } from '../../src/sweep/dispatch-order.js';
import { canonicalJson, planSweep, type PlannedRun } from '../../src/sweep/index.js';
import { REPO } from '../helpers.js';
import { PHASE_SHAPE, sweepFile } from './fixtures.js';

const plan = planSweep(sweepFile(PHASE_SHAPE));
const cell = (r: PlannedRun) => canonicalJson(r.params);

/** Greedy list scheduling of `order` on `workers`: when the last run ends. */
function makespan(order: readonly PlannedRun[], workers: number): number {
  const free = new Array<number>(workers).fill(0);
  for (const r of order) {
    let best = 0;
    for (let i = 1; i < workers; i++) if (free[i] < free[best]) best = i;
    free[best] += r.cost;
  }
  return Math.max(...free);
}

describe('spreadRanks', () => {
  it('takes an axis coarse to fine: both ends, the middle, the quarters', () => {
    expect(spreadRanks(1)).toEqual([0]);
    expect(spreadRanks(2)).toEqual([0, 1]);
    expect(spreadRanks(3)).toEqual([0, 2, 1]);
    // order 0 4 2 1 3: the nested dyadic grids of 5 values
    expect(spreadRanks(5)).toEqual([0, 3, 2, 4, 1]);
    // order 0 5 3 1 4 2 (the middle 2.5 rounds to 3)
    expect(spreadRanks(6)).toEqual([0, 3, 5, 2, 4, 1]);
    // order 0 8 4 2 6 1 3 5 7
    expect(spreadRanks(9)).toEqual([0, 5, 3, 6, 2, 7, 4, 8, 1]);
  });

  it('is a permutation of 0..n−1 for every n up to 300', () => {
    for (let n = 1; n <= 300; n++) expect([...spreadRanks(n)].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
  });
});

describe('spread order', () => {
  const order = dispatchOrder(plan.runs, { order: 'spread', workers: 2 });

  it('starts every run exactly once', () => {
    expect(order.map((r) => r.run_id).sort()).toEqual(plan.runs.map((r) => r.run_id).sort());
  });

  it('gives every one of the 90 cells a run before any cell gets a second, and so on for each replicate', () => {
    expect(plan.runs).toHaveLength(270);
    for (let level = 0; level < 3; level++) {
      const slice = order.slice(90 * level, 90 * (level + 1));
      expect(new Set(slice.map(cell)).size).toBe(90);
    }
    // replicate 0 of a cell before its replicate 1 (the tail, largest first, may reorder the last runs only)
    const first = order.slice(0, 90);
    expect(first.every((r) => r.replicate === 0)).toBe(true);
  });

  it('spreads every prefix over each axis: the ends first, then the middle', () => {
    const valuesIn = (runs: readonly PlannedRun[], key: 'sigma' | 'alpha' | 'width') =>
      [...new Set(runs.map((r) => r.params[key]))].sort((a, b) => a - b);
    // the first run is a corner; the first 8 are the 8 corners of the σ × α × width box
    expect(valuesIn(order.slice(0, 1), 'sigma')).toHaveLength(1);
    const eight = order.slice(0, 8);
    expect(valuesIn(eight, 'width')).toEqual([4, 16]);
    expect(valuesIn(eight, 'alpha')).toEqual([0.25, 4]);
    expect(valuesIn(eight, 'sigma')).toEqual([0, 8]);
    expect(new Set(eight.map(cell)).size).toBe(8);
    // then each axis's middle joins: the first 27 are a 3 × 3 × 3 sub-grid spanning the whole box
    const sub = order.slice(0, 27);
    expect(valuesIn(sub, 'width')).toEqual([4, 8, 16]);
    expect(valuesIn(sub, 'alpha')).toEqual([0.25, 1, 4]);
    expect(valuesIn(sub, 'sigma')).toEqual([0, 2, 8]);
    expect(new Set(sub.map(cell)).size).toBe(27);
  });

  it('is a function of the runs alone: any input order gives the same dispatch order', () => {
    const reversed = dispatchOrder([...plan.runs].reverse(), { order: 'spread', workers: 2 });
    expect(reversed.map((r) => r.run_id)).toEqual(order.map((r) => r.run_id));
  });

  it('puts cells that already have finished runs after those that have none (a resumed sweep)', () => {
    const done = plan.runs.filter((r) => r.replicate === 0 && r.params.width === 4);
    const todo = plan.runs.filter((r) => !done.includes(r));
    const resumed = dispatchOrder(todo, { order: 'spread', workers: 2, finished: done });
    // the 60 cells of widths 8 and 16 have nothing yet: they come first; then one more run of every cell
    expect(resumed.slice(0, 60).every((r) => r.params.width !== 4)).toBe(true);
    expect(new Set(resumed.slice(0, 60).map(cell)).size).toBe(60);
    expect(new Set(resumed.slice(60, 150).map(cell)).size).toBe(90);
  });

  it("keeps the tail short: phase-diagram.yaml's runs end within 3% of largest-first on 2 to 32 workers", () => {
    const real = planSweep(join(REPO, 'sweeps/phase-diagram.yaml')).runs;
    for (const workers of [2, 4, 8, 16, 32]) {
      const spread = makespan(dispatchOrder(real, { order: 'spread', workers }), workers);
      const lpt = makespan(dispatchOrder(real, { order: 'cost', workers }), workers);
      expect(spread / lpt, `${workers} workers`).toBeLessThan(1.03);
    }
    // without its tail (sized for one worker), the same order on 32 workers ends > 5% later than largest-first
    const untailed = makespan(dispatchOrder(real, { order: 'spread', workers: 1 }), 32);
    expect(untailed / makespan(dispatchOrder(real, { order: 'cost', workers: 32 }), 32)).toBeGreaterThan(1.05);
  });
});

describe('cost order', () => {
  it('is largest first, ties by run id, as before', () => {
    const order = dispatchOrder(plan.runs, { order: 'cost', workers: 2 });
    const expected = [...plan.runs].sort((a, b) => b.cost - a.cost || (a.run_id < b.run_id ? -1 : 1));
    expect(order.map((r) => r.run_id)).toEqual(expected.map((r) => r.run_id));
    // and that order leaves whole cells of the grid without a run after 90 starts: the reason for `spread`
    expect(new Set(order.slice(0, 90).map(cell)).size).toBeLessThan(40);
  });
});
