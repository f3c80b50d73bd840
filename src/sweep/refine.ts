/**
 * One round of adaptive refinement (`lnsweep refine`, README "Refining phase boundaries"): from the plan and the
 * aggregate value of the metric at each point, the runs that split every cell the level crosses.
 *
 * A cell crosses when the points on its boundary (corners and hanging nodes, refine-cells.ts) lie on both sides of the
 * level (a value equal to the level counts as above, and so does +∞; points without a value are ignored). Each crossing cell gets its
 * edge midpoints and centre, every replicate of each; a point already in the plan is never added again. The budget
 * is in runs: when a round would overrun it, cells go in order of the largest change of the value across them (ties
 * by facet, then position), and a cell that no longer fits is left whole. Any other varying parameter is a facet,
 * refined on its own. Under an lr_rule (lr·α²·width fixed), a new α or width gets its lr from the rule; under a
 * steps_rule every new point gets its steps (and log_every) from the rule, after its lr.
 *
 * Pure and deterministic: the runs a round adds depend only on the plan and the values, never on the order in which
 * runs finished, so any worker count, shard split or resume point gives the same rounds.
 */
import { PARAM_KEYS } from '../core/params.js';
import type { RunParams } from '../core/types.js';
import { planRun, withStepsRule, type Plan, type PlannedRun } from './plan.js';
import { boundaryPoints, leafCells, pointKey, pointsByCoordinate, splitPoints, type Leaf, type RefineAxis } from './refine-cells.js';
import type { StepsRule } from './spec.js';
import { round12, type ParamKey } from './values.js';

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
  /** replicates per point: the sweep's own */
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
}

export const roundOf = (run: PlannedRun): number => run.refine_round ?? 0;

/** Facets, lr rule and replicates of a plan, for the chosen axes (log flags decided by the caller). */
export function refineSetup(plan: Plan, x: RefineSetup['x'], y: RefineSetup['y']): RefineSetup {
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
  const replicates = Math.max(1, ...grid.map((r) => r.replicate + 1));
  return { x, y, facets, lrRule, stepsRule, replicates };
}

export const facetKeyOf = (setup: RefineSetup, params: RunParams): string => JSON.stringify(setup.facets.map((k) => params[k]));

/** The plan's points grouped by facet, facets in the order of their first run. */
export function facetPoints(plan: Plan, setup: RefineSetup): FacetPoints[] {
  const out = new Map<string, FacetPoints>();
  for (const run of plan.runs) {
    const facet = facetKeyOf(setup, run.params);
    let f = out.get(facet);
    if (!f) {
      f = { facet, facetValues: setup.facets.map((k) => run.params[k]), xs0: [], ys0: [], points: new Map() };
      out.set(facet, f);
    }
    const [px, py] = coordinates(setup, run.params);
    if (roundOf(run) === 0) {
      f.xs0.push(px);
      f.ys0.push(py);
    }
    if (!f.points.has(pointKey(px, py))) f.points.set(pointKey(px, py), run);
  }
  return [...out.values()];
}

export function coordinates(setup: RefineSetup, p: RunParams): [number, number] {
  return [Number(p[setup.x.key]), setup.y ? Number(p[setup.y.key]) : 0];
}

/** The leaves of one facet (refine-cells.ts). */
export function facetLeaves(f: FacetPoints, setup: RefineSetup): Leaf[] {
  return leafCells(new Set(f.points.keys()), f.xs0, f.ys0, setup.x, setup.y);
}

/** Key of a point's value in the map handed to nextRound: facet and coordinates. */
export const valueKey = (facet: string, x: number, y: number): string => `${facet}|${pointKey(x, y)}`;

export interface RoundRequest {
  plan: Plan;
  setup: RefineSetup;
  /** the aggregate at each point (valueKey); NaN or absent where there is none */
  values: ReadonlyMap<string, number>;
  level: number;
  /** runs this round may still add */
  budgetLeft: number;
  /** the number this round gets (1 for the first refinement) */
  round: number;
}

interface CrossingCell {
  f: FacetPoints;
  leaf: Leaf;
  /** max − min of the values on the cell's boundary */
  change: number;
}

/** The leaves the level crosses, largest change first (ties: facet order, then position). */
function crossingCells(plan: Plan, setup: RefineSetup, values: ReadonlyMap<string, number>, level: number): CrossingCell[] {
  const out: (CrossingCell & { order: number })[] = [];
  facetPoints(plan, setup).forEach((f, order) => {
    const { byX, byY } = pointsByCoordinate([...f.points.values()].map((r) => coordinates(setup, r.params)));
    for (const leaf of facetLeaves(f, setup)) {
      const vs = boundaryPoints(leaf, byX, byY)
        .map(([px, py]) => values.get(valueKey(f.facet, px, py)) ?? NaN)
        .filter((v) => !Number.isNaN(v)); // +∞ (a marker never reached) is a side too
      if (!(vs.some((v) => v >= level) && vs.some((v) => v < level))) continue;
      out.push({ f, leaf, change: Math.max(...vs) - Math.min(...vs), order });
    }
  });
  return out.sort((a, b) => b.change - a.change || a.order - b.order || a.leaf.x0 - b.leaf.x0 || a.leaf.y0 - b.leaf.y0 || a.leaf.x1 - b.leaf.x1);
}

/** The runs of the next round, in the order their cells were taken; empty when nothing crosses or nothing fits. */
export function nextRound(q: RoundRequest): PlannedRun[] {
  const { setup } = q;
  const known = new Set(q.plan.runs.map((r) => r.run_id));
  const added: PlannedRun[] = [];
  for (const { f, leaf } of crossingCells(q.plan, setup, q.values, q.level)) {
    const split = splitPoints(leaf, setup.x, setup.y);
    if (!split) continue;
    const template = f.points.get(pointKey(leaf.x0, leaf.y0))!.params;
    const cellRuns: PlannedRun[] = [];
    for (const [px, py] of split) {
      const params = pointParams(template, setup, px, py);
      for (let r = 0; r < setup.replicates; r++) {
        const run = planRun(params, q.plan.seed, r);
        if (known.has(run.run_id) || cellRuns.some((c) => c.run_id === run.run_id)) continue;
        cellRuns.push({ ...run, refine_round: q.round });
      }
    }
    if (cellRuns.length > q.budgetLeft - added.length) continue;
    for (const run of cellRuns) known.add(run.run_id);
    added.push(...cellRuns);
  }
  return added;
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
