/**
 * One refinement round as pure code (src/sweep/refine/round.ts), on a plan expanded from a sweep file and made-up values.
 */
import { describe, expect, it } from 'vitest';
import { runValue } from '../../src/run/refine-samples.js';
import type { SummaryRow } from '../../src/io/index.js';
import { expandSweep, parseSweep, RESULTS_VERSION, type Plan } from '../../src/sweep/plan.js';
import type { PointValues } from '../../src/sweep/refine/points.js';
import { coordinates, facetKeyOf, nextRound as roundOf, refineSetup, valueKey, type RoundRequest } from '../../src/sweep/refine/round.js';

const SWEEP = `
name: pure
seed: 9
base: { n: 20, d: 5, width: 16, steps: 300, log_every: 50, lr: 0.001 }
grid:
  sigma: [0, 1, 2]
  alpha: [1, 2, 4]
replicates: 2
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
/** Every replicate of a point at the same value: no spread, so the noise floor never stops a cell here. */
const agreeing = (v: number): PointValues => ({ values: [v, v], median: v });
const valuesOf = (f: (sigma: number, alpha: number) => number) =>
  new Map(
    plan.runs.map((r) => [valueKey(facetKeyOf(setup, r.params), ...coordinates(setup, r.params)), agreeing(f(r.params.sigma, r.params.alpha))]),
  );
const nextRound = (q: RoundRequest) => roundOf(q).runs;

describe('the next round', () => {
  it('splits each crossing cell at its edge midpoints and centre (geometric on a log axis), every replicate, no point twice', () => {
    // the level 0.5 crosses between σ = 0 and σ = 1 only: the two cells of the first column
    const runs = nextRound({ plan, setup, values: valuesOf((s) => (s === 0 ? 0 : 1)), level: 0.5, budgetLeft: 100, round: 1 });
    const points = [...new Set(runs.map((r) => `${r.params.sigma},${r.params.alpha}`))].sort();
    // cell [0,1]×[1,2]: (0.5,1) (1,√2) (0.5,2) (0,√2) (0.5,√2); cell [0,1]×[2,4]: (0.5,2) shared, (1,2√2) (0.5,4) (0,2√2) (0.5,2√2)
    expect(points).toEqual(
      [
        '0,1.41421356237',
        '0,2.82842712475',
        '0.5,1',
        '0.5,1.41421356237',
        '0.5,2',
        '0.5,2.82842712475',
        '0.5,4',
        '1,1.41421356237',
        '1,2.82842712475',
      ].sort(),
    );
    expect(runs).toHaveLength(points.length * 2);
    expect(runs.every((r) => r.refine_round === 1)).toBe(true);
    expect(new Set(runs.map((r) => r.run_id)).size).toBe(runs.length);
    expect(runs.some((r) => plan.runs.some((p) => p.run_id === r.run_id))).toBe(false);
  });

  it('adds nothing when no cell crosses, or when no whole cell fits the budget', () => {
    expect(nextRound({ plan, setup, values: valuesOf(() => 1), level: 0.5, budgetLeft: 100, round: 1 })).toEqual([]);
    expect(nextRound({ plan, setup, values: valuesOf((s) => (s === 0 ? 0 : 1)), level: 0.5, budgetLeft: 9, round: 1 })).toEqual([]);
    expect(nextRound({ plan, setup, values: valuesOf((s) => (s === 0 ? 0 : 1)), level: 0.5, budgetLeft: 10, round: 1 })).toHaveLength(10);
  });

  it('counts +∞ (a marker never reached) as above the level', () => {
    const runs = nextRound({ plan, setup, values: valuesOf((s) => (s === 2 ? Infinity : 100)), level: 5000, budgetLeft: 100, round: 1 });
    expect(new Set(runs.map((r) => r.params.sigma))).toEqual(new Set([1, 1.5, 2]));
    const row = (status: SummaryRow['status'], step: number | null) => ({ status, align_step: step, final: {}, extra: {} }) as unknown as SummaryRow;
    expect(runValue(row('done', null), 'align_step')).toBe(Infinity);
    expect(runValue(row('done', 700), 'align_step')).toBe(700);
    expect(runValue(row('diverged', null), 'align_step')).toBe(Infinity); // divergence has a side: never aligned
    expect(runValue(row('diverged', null), 'final_w_norm2_mean')).toBeNull(); // … but no side for a norm
    expect(runValue(row('diverged', null), 'diverged')).toBe(1);
    expect(runValue(row('failed', null), 'diverged')).toBe(1);
  });
});

describe('a round under a steps_rule', () => {
  const RULED = `
name: ruled
seed: 9
base: { n: 20, d: 5, width: 16, lr: 0.01 }
steps_rule: { noise_time: 0.5, max_steps: 8000, log_rows: 10 }
grid:
  sigma: [0, 1, 2]
  alpha: [0.5, 1, 2]
`;
  const spec = parseSweep(RULED, 'ruled.yaml');
  const ruled: Plan = {
    format: 1,
    results_version: RESULTS_VERSION,
    name: 'ruled',
    seed: 9,
    source: 'ruled.yaml',
    runs: expandSweep(spec),
    steps_rule: spec.stepsRule,
  };
  const ruledSetup = refineSetup(ruled, { key: 'sigma', log: false, integer: false }, { key: 'alpha', log: true, integer: false });

  it('treats steps and log_every as derived, not facets, and gives every new point its steps by the rule', () => {
    expect(ruledSetup.facets).toEqual([]);
    const values = new Map(
      ruled.runs.map((r) => [
        valueKey(facetKeyOf(ruledSetup, r.params), ...coordinates(ruledSetup, r.params)),
        agreeing(r.params.sigma === 0 ? 0 : 1),
      ]),
    );
    const runs = nextRound({ plan: ruled, setup: ruledSetup, values, level: 0.5, budgetLeft: 100, round: 1 });
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      // steps = ⌈noise_time / (lr²σ²)⌉ at most max_steps (rademacher noise: σ̄² = σ²), log_every = ⌈steps / log_rows⌉
      const s = r.params.sigma;
      const steps = s === 0 ? 8000 : Math.min(8000, Math.ceil(0.5 / (0.01 * 0.01 * s * s)));
      expect([r.params.sigma, r.params.steps, r.params.log_every]).toEqual([s, steps, Math.ceil(steps / 10)]);
    }
    expect(new Set(runs.map((r) => r.params.steps))).toEqual(new Set([8000, 5000, 8000]));
  });
});
