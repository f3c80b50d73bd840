/**
 * One round of adaptive refinement (`lnsweep refine`, README "Refining phase boundaries"): from the plan and the
 * replicate values of the metric at each point (points.ts), the runs that split every cell the level crosses.
 *
 * A cell crosses when the medians at the points on its boundary (corners and hanging nodes, cells.ts) lie on both
 * sides of the level (a value equal to the level counts as above, and so do +∞ and a diverged run where divergence has
 * a side; points without a value are ignored). A crossing cell is split only when the change of the median across it
 * exceeds the spread of the replicates on it (the noise floor, below); it then gets its edge midpoints and centre, and
 * every point on it that lacks replicates gets them, each point up to the request's replicates. A point already in
 * the plan is never added again. The budget is in runs: when a round would overrun it, cells go in order of the
 * largest change across them (ties by facet, then position), and a cell that no longer fits is left whole. Any other
 * varying parameter is a facet, refined on its own. Under an lr_rule (lr·α²·width fixed), a new α or width gets its
 * lr from the rule; under a steps_rule every new point gets its steps (and log_every) from the rule, after its lr.
 *
 * Noise floor: the change across a cell is max − min of the medians on its boundary; the spread is the largest, over
 * those points, of max − min of the point's own replicates. When the change is no larger, the replicates disagree by
 * as much as the cell's corners do, so the crossing lies within the seed noise and halving the cell cannot place it
 * better: the cell is left whole. For a 0/1 metric this stops a cell once a point on it has replicates on both sides.
 *
 * Pure and deterministic: the runs a round adds depend only on the plan and the values, never on the order in which
 * runs finished, so any worker count, shard split or resume point gives the same rounds.
 */
import { PARAM_KEYS } from '../../core/params.js';
import type { RunParams } from '../../core/types.js';
import { planRun, withStepsRule, type Plan, type PlannedRun } from '../plan.js';
import type { StepsRule } from '../spec.js';
import { round12, type ParamKey } from '../values.js';
import { boundaryPoints, leafCells, pointKey, pointsByCoordinate, splitPoints, type Leaf, type RefineAxis } from './cells.js';
import type { PointValues } from './points.js';

export interface RefineSetup {
  x: RefineAxis & { key: ParamKey };
  /** null on a one-axis sweep (bisection) */
  y: (RefineAxis & { key: ParamKey }) | null;
  /** every other parameter that varies in the sweep's grid, except an lr that follows lr_rule */
  facets: ParamKey[];
  /** lr follows lr_rule (lr·α²·width is the same for runs that differ in α or width) */
  lrRule: boolean;
  /** the sweep's steps_rule: steps (and log_every) follow from each point's lr and σ, so they are never facets */
  stepsRule: StepsRule | null;
  /** replicates of each point refinement adds or decides on */
  replicates: number;
}

/** A facet's points: the grid's own axis values and, per point, one planned run whose parameters it copies. */
export interface FacetPoints {
  facet: string;
  /** the facet parameters' values, in RefineSetup.facets order */
  facetValues: RunParams[ParamKey][];
  xs0: number[];
  ys0: number[];
  points: Map<string, PlannedRun>;
  /** the replicates the plan holds at each point */
  replicatesAt: Map<string, Set<number>>;
}

export const roundOf = (run: PlannedRun): number => run.refine_round ?? 0;

/** Facets, lr rule and replicates of a plan, for the chosen axes (log flags decided by the caller). */
export function refineSetup(plan: Plan, x: RefineSetup['x'], y: RefineSetup['y'], replicates?: number): RefineSetup {
  const grid = plan.runs.filter((r) => roundOf(r) === 0);
  const distinct = (f: (r: PlannedRun) => unknown) => new Set(grid.map((r) => JSON.stringify(f(r)))).size;
  const lrRule =
    distinct((r) => r.params.lr) > 1 &&
    distinct((r) => Number((r.params.lr * r.params.alpha ** 2 * r.params.width).toPrecision(9))) < distinct((r) => r.params.lr);
  const stepsRule = plan.steps_rule ?? null;
  const derived = new Set<string>([
    ...(lrRule ? ['lr'] : []),
    ...(stepsRule ? ['steps'] : []),
    ...(stepsRule?.log_rows !== undefined ? ['log_every'] : []),
  ]);
  const axes = new Set<string>([x.key, ...(y ? [y.key] : [])]);
  const facets = PARAM_KEYS.filter((k) => !axes.has(k) && !derived.has(k) && distinct((r) => r.params[k]) > 1);
  return { x, y, facets, lrRule, stepsRule, replicates: replicates ?? Math.max(1, ...grid.map((r) => r.replicate + 1)) };
}

export const facetKeyOf = (setup: RefineSetup, params: RunParams): string => JSON.stringify(setup.facets.map((k) => params[k]));

/** The plan's points grouped by facet, facets in the order of their first run. */
export function facetPoints(plan: Plan, setup: RefineSetup): FacetPoints[] {
  const out = new Map<string, FacetPoints>();
  for (const run of plan.runs) {
    const facet = facetKeyOf(setup, run.params);
    let f = out.get(facet);
    if (!f) {
      f = { facet, facetValues: setup.facets.map((k) => run.params[k]), xs0: [], ys0: [], points: new Map(), replicatesAt: new Map() };
      out.set(facet, f);
    }
    const [px, py] = coordinates(setup, run.params);
    const key = pointKey(px, py);
    if (roundOf(run) === 0) {
      f.xs0.push(px);
      f.ys0.push(py);
    }
    if (!f.points.has(key)) f.points.set(key, run);
    (f.replicatesAt.get(key) ?? f.replicatesAt.set(key, new Set()).get(key)!).add(run.replicate);
  }
  return [...out.values()];
}

export function coordinates(setup: RefineSetup, p: RunParams): [number, number] {
  return [Number(p[setup.x.key]), setup.y ? Number(p[setup.y.key]) : 0];
}

/** The leaves of one facet (cells.ts). */
export function facetLeaves(f: FacetPoints, setup: RefineSetup): Leaf[] {
  return leafCells(new Set(f.points.keys()), f.xs0, f.ys0, setup.x, setup.y);
}

/** Key of a point's values in the maps handed to nextRound and the boundary: facet and coordinates. */
export const valueKey = (facet: string, x: number, y: number): string => `${facet}|${pointKey(x, y)}`;

export interface RoundRequest {
  plan: Plan;
  setup: RefineSetup;
  /** the replicate values at each point (valueKey); absent where there is none */
  values: ReadonlyMap<string, PointValues>;
  level: number;
  /** runs this round may still add */
  budgetLeft: number;
  /** the number this round gets (1 for the first refinement) */
  round: number;
  /** split every crossing cell, as before the noise floor existed (only to measure what the floor saves) */
  ignoreNoiseFloor?: boolean;
}

/** What a round found, so the caller can say why refinement stopped. */
export interface RoundResult {
  runs: PlannedRun[];
  /** cells the level crosses */
  crossing: number;
  /** of those, left whole because their change is within the replicates' spread */
  atNoiseFloor: number;
  /** of those, left whole because they cannot be split (an integer axis one apart) */
  unsplittable: number;
  /** of those, left whole because they did not fit the budget left; the fewest runs such a cell needed */
  overBudget: number;
  smallestOverBudget: number;
}

interface CrossingCell {
  f: FacetPoints;
  leaf: Leaf;
  /** the points on the cell's boundary */
  around: [number, number][];
  /** max − min of the medians on the cell's boundary */
  change: number;
  /** the largest max − min of one point's replicates on it */
  spread: number;
}

/** The leaves the level crosses, largest change first (ties: facet order, then position). */
function crossingCells(plan: Plan, setup: RefineSetup, values: ReadonlyMap<string, PointValues>, level: number): CrossingCell[] {
  const out: (CrossingCell & { order: number })[] = [];
  facetPoints(plan, setup).forEach((f, order) => {
    const { byX, byY } = pointsByCoordinate([...f.points.values()].map((r) => coordinates(setup, r.params)));
    for (const leaf of facetLeaves(f, setup)) {
      const around = boundaryPoints(leaf, byX, byY);
      const at = around.map(([px, py]) => values.get(valueKey(f.facet, px, py))).filter((v): v is PointValues => v !== undefined);
      const medians = at.map((v) => v.median); // ±∞ (a marker never reached, a diverged run with a side) is a side too
      if (!(medians.some((v) => v >= level) && medians.some((v) => v < level))) continue;
      const change = Math.max(...medians) - Math.min(...medians);
      out.push({ f, leaf, around, change: Number.isNaN(change) ? Infinity : change, spread: Math.max(0, ...at.map(pointSpread)), order });
    }
  });
  return out.sort((a, b) => b.change - a.change || a.order - b.order || a.leaf.x0 - b.leaf.x0 || a.leaf.y0 - b.leaf.y0 || a.leaf.x1 - b.leaf.x1);
}

/** The runs of the next round, in the order their cells were taken, and why cells were left whole. */
export function nextRound(q: RoundRequest): RoundResult {
  const { setup } = q;
  const known = new Set(q.plan.runs.map((r) => r.run_id));
  const result: RoundResult = { runs: [], crossing: 0, atNoiseFloor: 0, unsplittable: 0, overBudget: 0, smallestOverBudget: Infinity };
  for (const cell of crossingCells(q.plan, setup, q.values, q.level)) {
    result.crossing++;
    if (!q.ignoreNoiseFloor && !(cell.change > cell.spread)) {
      result.atNoiseFloor++;
      continue;
    }
    const split = splitPoints(cell.leaf, setup.x, setup.y);
    if (!split) {
      result.unsplittable++;
      continue;
    }
    const { f } = cell;
    const template = f.points.get(pointKey(cell.leaf.x0, cell.leaf.y0))!.params;
    const cellRuns: PlannedRun[] = [];
    const add = (params: RunParams, have: ReadonlySet<number> | undefined) => {
      for (let r = 0; r < setup.replicates; r++) {
        if (have?.has(r)) continue;
        const run = planRun(params, q.plan.seed, r);
        if (known.has(run.run_id) || cellRuns.some((c) => c.run_id === run.run_id)) continue;
        cellRuns.push({ ...run, refine_round: q.round });
      }
    };
    // the points the cell is judged on get their replicates too, so the next round can judge its children
    for (const [px, py] of cell.around) add(f.points.get(pointKey(px, py))!.params, f.replicatesAt.get(pointKey(px, py)));
    for (const [px, py] of split) add(pointParams(template, setup, px, py), undefined);
    if (cellRuns.length > q.budgetLeft - result.runs.length) {
      result.overBudget++;
      result.smallestOverBudget = Math.min(result.smallestOverBudget, cellRuns.length);
      continue;
    }
    for (const run of cellRuns) known.add(run.run_id);
    result.runs.push(...cellRuns);
  }
  return result;
}

/** max − min of a point's replicates: 0 when they agree (all +∞ included), +∞ when some are infinite and some not. */
function pointSpread(p: PointValues): number {
  const lo = Math.min(...p.values);
  const hi = Math.max(...p.values);
  return lo === hi ? 0 : hi - lo;
}

/** A new point's parameters: the template's with the axis values replaced (and lr from the rule if α or width moved). */
function pointParams(template: RunParams, setup: RefineSetup, px: number, py: number): RunParams {
  const p = { ...template, snapshot_steps: [...template.snapshot_steps] } as Record<string, unknown>;
  p[setup.x.key] = px;
  if (setup.y) p[setup.y.key] = py;
  const moved = (k: string) => k === setup.x.key || k === setup.y?.key;
  if (setup.lrRule && (moved('alpha') || moved('width'))) {
    const rule = template.lr * template.alpha ** 2 * template.width;
    p.lr = round12(Number(rule.toPrecision(12)) / ((p.alpha as number) ** 2 * (p.width as number)));
  }
  if (setup.stepsRule) withStepsRule(setup.stepsRule, p as unknown as RunParams);
  return p as unknown as RunParams;
}
