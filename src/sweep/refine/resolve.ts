/**
 * A refinement request checked against its folder before anything runs or is written: the metric, level, rounds,
 * budget, replicates and axes (flags or a sweep file's `refine:` key), resolved into what the rounds need. A bad one
 * is a RefineRequestError naming the flag (exit 2).
 */
import { PARAM_SPECS } from '../../core/params.js';
import { axisKind, chooseAxes, isNumericParam, varyingParams } from '../axes.js';
import { RefineRequestError } from '../errors.js';
import type { Plan } from '../plan.js';
import type { ParamKey } from '../values.js';
import { DEFAULT_ROUNDS, isBinaryRefineMetric, MIN_REFINE_REPLICATES, REFINE_METRICS, type RefineRequest } from './request.js';
import { refineSetup, roundOf, type RefineSetup } from './round.js';

export interface ResolvedRequest {
  metric: string;
  level: number;
  rounds: number;
  budget: number;
  setup: RefineSetup;
}

const refuse = (message: string): never => {
  throw new RefineRequestError(message);
};

/** Flags and folder checked before anything runs or is written; `dir` names the folder in messages. */
export function resolveRequest(request: RefineRequest, plan: Plan, dir: string): ResolvedRequest {
  const { metric } = request;
  if (!REFINE_METRICS.includes(metric)) refuse(`--metric ${metric}: not a metric refine knows; valid: ${REFINE_METRICS.join(', ')}`);
  const binary = isBinaryRefineMetric(metric);
  if (request.level === undefined && !binary) refuse(`--level: required for --metric ${metric}`);
  const level = request.level ?? 0.5;
  if (!Number.isFinite(level)) refuse(`--level: must be a number (got ${request.level})`);
  if (binary && !(level > 0 && level < 1)) {
    refuse(`--level ${level}: ${metric} is 0 or 1 per run, so the level must lie strictly between 0 and 1 (default 0.5)`);
  }
  const rounds = request.rounds ?? DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 0) refuse(`--rounds: must be a whole number ≥ 0 (got ${request.rounds})`);
  const grid = plan.runs.filter((r) => roundOf(r) === 0);
  const budget = request.budget ?? grid.length;
  if (!Number.isInteger(budget) || budget < 0) refuse(`--budget: must be a whole number of runs ≥ 0 (got ${request.budget})`);
  const gridReplicates = Math.max(1, ...grid.map((r) => r.replicate + 1));
  const replicates = request.replicates ?? Math.max(MIN_REFINE_REPLICATES, gridReplicates);
  if (!Number.isInteger(replicates) || replicates < 1 || replicates > 100) {
    refuse(`--replicates: must be a whole number from 1 to 100 (got ${request.replicates})`);
  }

  const numeric = varyingParams(grid).filter(isNumericParam);
  const valid = `valid: ${numeric.join(', ') || '(none vary)'}`;
  let axes: ParamKey[];
  if (request.axes && request.axes.length > 0) {
    if (request.axes.length > 2) refuse(`--axes ${request.axes.join(',')}: give one or two parameters`);
    for (const key of request.axes) {
      if (!Object.hasOwn(PARAM_SPECS, key)) refuse(`--axes: '${key}' is not a parameter; ${valid}`);
      if (!isNumericParam(key)) refuse(`--axes: '${key}' is not numeric; an axis needs numbers (${valid})`);
      if (!numeric.includes(key as ParamKey)) refuse(`--axes: '${key}' does not vary in ${dir}; ${valid}`);
    }
    if (request.axes.length === 2 && request.axes[0] === request.axes[1]) refuse(`--axes: '${request.axes[0]}' given twice`);
    axes = request.axes as ParamKey[];
  } else {
    const chosen = chooseAxes(grid);
    axes = chosen ? [chosen.x, chosen.y] : numeric.slice(0, 1);
    if (axes.length === 0) refuse(`${dir}: no numeric parameter varies in the sweep; nothing to refine`);
  }
  const axis = (key: ParamKey) => ({
    key,
    log: axisKind(grid.map((r) => Number(r.params[key]))) === 'log',
    integer: PARAM_SPECS[key].kind.kind === 'int',
  });
  const setup = refineSetup(plan, axis(axes[0]), axes[1] ? axis(axes[1]) : null, replicates);
  return { metric, level, rounds, budget, setup };
}

/** The level must lie within the values the metric takes, or no cell could ever cross it (±∞ lie beyond any level). */
export function checkLevel(r: ResolvedRequest, values: readonly number[], dir: string): void {
  if (isBinaryRefineMetric(r.metric)) return;
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) refuse(`--metric ${r.metric}: no finished run of ${dir} has a finite value; nothing to refine`);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const above = values.includes(Infinity);
  const below = values.includes(-Infinity);
  if (!((r.level > lo || below) && (r.level <= hi || above))) {
    refuse(`--level ${r.level}: outside the range of ${r.metric} in ${dir} (${lo} … ${hi}); no cell can cross it`);
  }
}
