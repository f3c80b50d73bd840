/**
 * Facets are refined separately, replicates go with every new point, and the budget goes to the cells with the
 * largest change first.
 */
import { describe, expect, it } from 'vitest';
import { boundaryOf, readPlanFile, refine, runInto, SMOOTH_5X5, smoothSweep, summaryOf } from './helpers.js';

const FLAGS = ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--rounds', '2', '--workers', '2', '--replicates', '1'];
const GRID = ['{ linspace: [0, 4, 5] }', '{ logspace: [0.5, 2, 5] }'] as const;

describe('facets', () => {
  const faceted = runInto(smoothSweep(...GRID, '[8, 16]'));
  const r = refine(faceted, ...FLAGS, '--budget', '10000');

  it('refines each width on its own: the same curves as a sweep of that width alone', () => {
    expect(r.code, r.stderr).toBe(0);
    const b = boundaryOf(faceted, 'final_w_norm2_mean');
    expect(b.facets).toEqual(['width']);
    for (const width of [8, 16]) {
      const alone = runInto(smoothSweep(...GRID, `[${width}]`));
      expect(refine(alone, ...FLAGS, '--budget', '10000').code).toBe(0);
      const expected = boundaryOf(alone, 'final_w_norm2_mean').curves.map((c) => c.points);
      expect(expected.length).toBeGreaterThan(0);
      expect(b.curves.filter((c) => c.facetValues[0] === width).map((c) => c.points)).toEqual(expected);
      const added = (dir: string) =>
        readPlanFile(dir)
          .runs.filter((run) => run.refine_round && run.params.width === width)
          .map((run) => run.run_id);
      expect(new Set(added(faceted))).toEqual(new Set(added(alone)));
    }
  });
});

describe('replicates and the budget', () => {
  const dir = runInto(SMOOTH_5X5 + 'replicates: 2\n');
  const r = refine(dir, '--metric', 'final_w_norm2_mean', '--level', '0.6', '--rounds', '1', '--budget', '40', '--workers', '2');

  it("gives each new point the sweep's replicates, at least 3, tops up the points it judged, and stays within the budget", () => {
    expect(r.code, r.stderr).toBe(0);
    const added = readPlanFile(dir).runs.filter((run) => run.refine_round === 1);
    expect(added.length).toBeGreaterThan(0);
    expect(added.length).toBeLessThanOrEqual(40);
    const byPoint = new Map<string, number[]>();
    for (const run of added) {
      const key = `${run.params.sigma},${run.params.alpha}`;
      byPoint.set(key, [...(byPoint.get(key) ?? []), run.replicate]);
    }
    const gridPoints = new Set(
      readPlanFile(dir)
        .runs.filter((run) => !run.refine_round)
        .map((run) => `${run.params.sigma},${run.params.alpha}`),
    );
    for (const [key, reps] of byPoint) expect(reps.sort()).toEqual(gridPoints.has(key) ? [2] : [0, 1, 2]);
    expect([...byPoint.keys()].some((key) => gridPoints.has(key))).toBe(true);
  });

  it('spends it on the crossing cells with the largest change of the median across them', () => {
    const grid = summaryOf(dir).filter((row) => row.extra?.refine_round === 0);
    const sigmas = [...new Set(grid.map((row) => row.params.sigma))].sort((a, b) => a - b);
    const alphas = [...new Set(grid.map((row) => row.params.alpha))].sort((a, b) => a - b);
    const median = (s: number, a: number) => {
      const v = grid.filter((row) => row.params.sigma === s && row.params.alpha === a).map((row) => row.final.w_norm2_mean!);
      return (v[0] + v[1]) / 2;
    };
    const added = new Set(
      readPlanFile(dir)
        .runs.filter((run) => run.refine_round === 1)
        .map((run) => `${run.params.sigma},${run.params.alpha}`),
    );
    const cells: { change: number; refined: boolean }[] = [];
    for (let i = 0; i + 1 < sigmas.length; i++) {
      for (let j = 0; j + 1 < alphas.length; j++) {
        const v = [
          median(sigmas[i], alphas[j]),
          median(sigmas[i + 1], alphas[j]),
          median(sigmas[i], alphas[j + 1]),
          median(sigmas[i + 1], alphas[j + 1]),
        ];
        if (!(v.some((x) => x >= 0.6) && v.some((x) => x < 0.6))) continue;
        const centre = `${(sigmas[i] + sigmas[i + 1]) / 2},${Number(Math.sqrt(alphas[j] * alphas[j + 1]).toPrecision(12))}`;
        cells.push({ change: Math.max(...v) - Math.min(...v), refined: added.has(centre) });
      }
    }
    const refined = cells.filter((c) => c.refined);
    const left = cells.filter((c) => !c.refined);
    expect(refined.length).toBeGreaterThan(0);
    expect(left.length).toBeGreaterThan(0); // the budget binds
    expect(Math.min(...refined.map((c) => c.change))).toBeGreaterThanOrEqual(Math.max(...left.map((c) => c.change)));
  });
});

describe('the stop message', () => {
  it('says the budget stopped it when cells cross but no whole cell fits the runs left', () => {
    const dir = runInto(SMOOTH_5X5);
    const r = refine(dir, '--metric', 'final_w_norm2_mean', '--level', '0.6', '--budget', '3', '--workers', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /refine stopped: budget: \d+ cell\(s\) cross the level but no whole cell fits the 3 run\(s\) left of --budget 3 \(the smallest needs \d+\)/,
    );
    expect(readPlanFile(dir).runs.filter((run) => run.refine_round)).toEqual([]);
  });
});
