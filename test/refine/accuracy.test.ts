/**
 * The point of refinement: from a coarse grid and a fraction of the runs, the same boundary a dense grid finds.
 * The dense grid's crossing is read straight from its summary (which dense cells have corners on both sides of the
 * level), independently of the contour code.
 */
import { describe, expect, it } from 'vitest';
import { boundaryOf, readPlanFile, refine, runInto, SMOOTH_5X5, smoothSweep, summaryOf } from './helpers.js';

const LEVEL = 0.6;
const METRIC = 'final_w_norm2_mean';
const N = 33; // dense grid: 33 × 33 over the same square as the 5 × 5 one, so 3 halvings reach its resolution

describe('a refined boundary against a dense grid', () => {
  const dense = runInto(smoothSweep(`{ linspace: [0, 4, ${N}] }`, `{ logspace: [0.5, 2, ${N}] }`));
  const coarse = runInto(SMOOTH_5X5);
  const budget = Math.floor((N * N) / 3) - 25; // the 25 grid runs plus the refinement stay under a third of 1089
  // one replicate: the dense grid has one, and this checks the geometry of the rounds (replicates: noise-floor.test.ts)
  const r = refine(
    coarse,
    '--metric',
    METRIC,
    '--level',
    String(LEVEL),
    '--rounds',
    '3',
    '--budget',
    String(budget),
    '--workers',
    '2',
    '--replicates',
    '1',
  );

  // dense cell coordinates: σ in steps of 4/32, log α in steps of log(4)/32
  const iOf = (sigma: number) => (sigma / 4) * (N - 1);
  const jOf = (alpha: number) => (Math.log(alpha / 0.5) / Math.log(4)) * (N - 1);
  const denseValue = (() => {
    const grid: number[][] = Array.from({ length: N }, () => new Array<number>(N).fill(NaN));
    for (const row of summaryOf(dense)) {
      grid[Math.round(iOf(row.params.sigma))][Math.round(jOf(row.params.alpha))] = row.final.w_norm2_mean!;
    }
    return grid;
  })();
  const crosses = (i: number, j: number) => {
    if (i < 0 || j < 0 || i >= N - 1 || j >= N - 1) return false;
    const v = [denseValue[i][j], denseValue[i + 1][j], denseValue[i][j + 1], denseValue[i + 1][j + 1]];
    return v.some((x) => x >= LEVEL) && v.some((x) => x < LEVEL);
  };
  const near = (i: number, j: number) => [-1, 0, 1].some((di) => [-1, 0, 1].some((dj) => crosses(i + di, j + dj)));

  it("uses under a third of the dense grid's runs", () => {
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlanFile(coarse);
    expect(plan.runs.length).toBeLessThan((N * N) / 3);
    expect(plan.runs.filter((run) => (run.refine_round ?? 0) > 0).length).toBeLessThanOrEqual(budget);
    expect(new Set(plan.runs.map((run) => run.refine_round ?? 0))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("lies within one dense cell of the dense grid's crossing at every point", () => {
    const b = boundaryOf(coarse, METRIC);
    expect(b.axes).toEqual(['sigma', 'alpha']);
    const points = b.curves.flatMap((c) => (c.kind === 'median' ? c.points : []));
    expect(points.length).toBeGreaterThan(20);
    const far = points.filter((p) => !near(Math.floor(iOf(p.x)), Math.floor(jOf(p.y!))));
    expect(far).toEqual([]);
  });

  it('follows the whole dense crossing: every crossing dense cell has a boundary point within one cell', () => {
    const points = boundaryOf(coarse, METRIC).curves.flatMap((c) => (c.kind === 'median' ? c.points : []));
    const cells = new Set(points.map((p) => `${Math.floor(iOf(p.x))},${Math.floor(jOf(p.y!))}`));
    const missed: string[] = [];
    for (let i = 0; i < N - 1; i++) {
      for (let j = 0; j < N - 1; j++) {
        if (!crosses(i, j)) continue;
        const hit = [-1, 0, 1].some((di) => [-1, 0, 1].some((dj) => cells.has(`${i + di},${j + dj}`)));
        if (!hit) missed.push(`${i},${j}`);
      }
    }
    expect(missed).toEqual([]);
  });
});
