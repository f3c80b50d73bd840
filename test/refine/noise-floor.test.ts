/**
 * Replicate-aware rounds as pure code (src/sweep/refine/round.ts, boundary.ts): a crossing cell is split only while
 * the change of the median across it exceeds the replicates' spread; a diverged point counts as a side where
 * divergence has one, so the crossing beside it is refined and drawn; the band holds where the replicates leave the
 * side open; and a round that adds nothing says why.
 */
import { describe, expect, it } from 'vitest';
import { expandSweep, parseSweep, RESULTS_VERSION, type Plan } from '../../src/sweep/plan.js';
import { boundaryCurves } from '../../src/sweep/refine/boundary.js';
import { medianInterval, type PointValues } from '../../src/sweep/refine/points.js';
import { coordinates, facetKeyOf, nextRound, refineSetup, valueKey } from '../../src/sweep/refine/round.js';

const SWEEP = `
name: pure
seed: 9
base: { n: 20, d: 5, width: 16, steps: 300, log_every: 50, lr: 0.001 }
grid:
  sigma: [0, 1, 2]
  alpha: [1, 2, 4]
replicates: 3
`;
const plan: Plan = {
  format: 1,
  results_version: RESULTS_VERSION,
  name: 'pure',
  seed: 9,
  source: 'pure.yaml',
  runs: expandSweep(parseSweep(SWEEP, 'pure.yaml')),
};
const setup = refineSetup(plan, { key: 'sigma', log: false, integer: false }, { key: 'alpha', log: true, integer: false });
/** Replicate values at each point from f(σ, α, replicate); the median is taken as the rounds take it. */
const valuesOf = (f: (sigma: number, alpha: number, r: number) => number) => {
  const out = new Map<string, PointValues>();
  for (const run of plan.runs) {
    const key = valueKey(facetKeyOf(setup, run.params), ...coordinates(setup, run.params));
    const values = [0, 1, 2].map((r) => f(run.params.sigma, run.params.alpha, r));
    out.set(key, { values, median: [...values].sort((a, b) => a - b)[1] });
  }
  return out;
};
const round = (values: Map<string, PointValues>, budgetLeft = 1000) => nextRound({ plan, setup, values, level: 0.5, budgetLeft, round: 1 });

describe('the noise floor', () => {
  it('splits a crossing cell whose change exceeds the spread of its replicates, and not one whose change does not', () => {
    // the median goes 0 → 1 from σ = 0 to σ = 1; replicates spread by ±s around it
    const spread = (s: number) => valuesOf((sigma, _a, r) => (sigma === 0 ? 0 : 1) + (r - 1) * s);
    const quiet = round(spread(0.1)); // spread 0.2 < change 1
    expect(quiet.crossing).toBe(2);
    expect(quiet.atNoiseFloor).toBe(0);
    expect(quiet.runs.length).toBeGreaterThan(0);
    const noisy = round(spread(0.6)); // spread 1.2 ≥ change 1: the replicates disagree as much as the corners do
    expect(noisy.crossing).toBe(2);
    expect(noisy.atNoiseFloor).toBe(2);
    expect(noisy.runs).toEqual([]);
    // the boundary is the same in both: the medians are
    expect(round(spread(0.49999)).atNoiseFloor).toBe(0);
    expect(round(spread(0.5)).atNoiseFloor).toBe(2); // change 1, spread exactly 1: not larger
  });

  it('stops a 0/1 metric once a point on the cell has replicates on both sides', () => {
    const flip = valuesOf((sigma, alpha, r) => (sigma === 0 ? 0 : sigma === 1 && alpha === 1 && r === 0 ? 0 : 1));
    const r = round(flip);
    expect(r.crossing).toBe(2);
    expect(r.atNoiseFloor).toBe(1); // the cell touching (σ = 1, α = 1), where replicate 0 disagrees
    expect(new Set(r.runs.map((run) => run.params.alpha)).has(4)).toBe(true); // the other cell is split
  });

  it('says when cells cross but no whole cell fits the budget left', () => {
    const r = round(
      valuesOf((sigma) => (sigma === 0 ? 0 : 1)),
      10,
    );
    expect(r.runs).toEqual([]);
    expect(r.crossing).toBe(2);
    expect(r.overBudget).toBe(2);
    expect(r.smallestOverBudget).toBe(15); // 5 new points × 3 replicates
  });
});

describe('a diverged point as a side', () => {
  // alignment-like: above the level at σ ≤ 1, diverged (−∞: not aligned) at σ = 2, α = 1 only
  const values = valuesOf((sigma, alpha) => (sigma === 2 && alpha === 1 ? -Infinity : 0.8));

  it('makes the cells beside it cross, and refines them', () => {
    const r = round(values);
    expect(r.crossing).toBe(1); // [1, 2] × [1, 2]
    expect(r.runs.length).toBe(15);
    expect(new Set(r.runs.map((run) => `${run.params.sigma},${run.params.alpha}`))).toContain('1.5,1.41421356237');
  });

  it('draws the crossing at the middle of each edge that ends at it (no value to interpolate towards)', () => {
    const curves = boundaryCurves({ plan, setup, values, level: 0.5, metric: 'final_align_cos_mean' }).filter((c) => c.kind === 'median');
    const points = curves.flatMap((c) => c.points);
    expect(points).toContainEqual({ x: 1.5, y: 1 });
    expect(points.map((p) => [p.x, Number(p.y!.toPrecision(12))])).toContainEqual([2, Number(Math.sqrt(2).toPrecision(12))]); // geometric on the log axis
  });
});

describe('the band', () => {
  it("is each point's bootstrap interval of the median: with 3 replicates their range, the same for the same seed", () => {
    const p = { values: [0.2, 0.7, 0.4], median: 0.4 };
    expect(medianInterval(p, 9, 'm', 'k')).toEqual([0.2, 0.7]);
    const seven = { values: [1, 2, 3, 4, 5, 6, 7], median: 4 };
    const [lo, hi] = medianInterval(seven, 9, 'm', 'k');
    expect(lo).toBeGreaterThan(1); // with 7 replicates the 2.5% quantile is inside the range
    expect(hi).toBeLessThan(7);
    expect(medianInterval(seven, 9, 'm', 'k')).toEqual([lo, hi]);
  });

  it('shades where the replicates leave the side open, between the lo and hi curves', () => {
    // along σ the median crosses 0.5 at σ = 0.5; replicates at ±0.3: the band runs from where the upper replicate
    // crosses (σ = 0.2) to where the lower one does (σ = 0.8), the same at every α
    const ramp = valuesOf((sigma, _a, r) => (sigma === 0 ? 0 : 1) + (r - 1) * 0.3);
    const curves = boundaryCurves({ plan, setup, values: ramp, level: 0.5, metric: 'm' });
    const xs = (kind: string) => [...new Set(curves.filter((c) => c.kind === kind).flatMap((c) => c.points.map((p) => Number(p.x.toFixed(12)))))];
    expect(xs('median')).toEqual([0.5]);
    expect(xs('lo').sort()).toEqual([0.8]); // the lower ends cross 0.5 further right
    expect(xs('hi').sort()).toEqual([0.2]);
    const band = curves.filter((c) => c.kind === 'band').flatMap((c) => c.points);
    expect(band.length).toBeGreaterThan(0);
    expect(Math.min(...band.map((p) => p.x))).toBeCloseTo(0.2, 12);
    expect(Math.max(...band.map((p) => p.x))).toBeCloseTo(0.8, 12);
  });
});
