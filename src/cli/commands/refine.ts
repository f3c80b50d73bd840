/**
 * `lnsweep refine DIR --metric M [--level L]`: spend further runs only where M crosses L, round after round, and
 * write the boundary as `DIR/boundary-<M>.arrow` (README "Refining phase boundaries"). Also the second half of
 * `lnsweep run` for a sweep file with a `refine:` key.
 *
 * Each round: finish what the plan still lacks (the coordinator skips finished runs), read every result from the run
 * files (so shards and queue workers count), then append the next round's runs (src/sweep/refine.ts) to plan.json.
 * Rounds and budget count everything refinement has added to the folder, so rerunning after a kill simply carries
 * on. `--plan-only` adds the next round and runs nothing: the runs are then done by a Slurm array, an Indexed Job
 * or queue workers, and `refine --plan-only` is called again.
 */
import { availableParallelism } from 'node:os';
import { boundaryCurves, pointValues, runValue } from '../../analysis/boundary/boundary.js';
import { axisKind } from '../../analysis/base/cells.js';
import { chooseAxes, isNumericParam, varyingParams, type ParamKey } from '../../analysis/base/sweep-data.js';
import { PARAM_SPECS } from '../../core/params.js';
import { boundaryPath, collectProvenance, readOutDir, readPlan, writeBoundaryFile, writePlanFile, type SummaryRow } from '../../io/index.js';
import { runSweep, SweepControl } from '../../run/coordinator.js';
import { PoolExecutor } from '../../run/executor.js';
import type { ProgressMode } from '../../run/progress.js';
import type { Plan } from '../../sweep/plan.js';
import { DEFAULT_ROUNDS, isBinaryRefineMetric, REFINE_METRICS, type RefineRequest } from '../../sweep/refine-request.js';
import { nextRound, refineSetup, roundOf, type RefineSetup } from '../../sweep/refine.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED, UsageError } from '../errors.js';

export interface RefineArgs extends RefineRequest {
  dir: string;
  workers?: number;
  planOnly: boolean;
  progress: ProgressMode;
}

export async function refineCommand(args: RefineArgs): Promise<number> {
  const workers = args.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers: must be a whole number ≥ 1 (got ${args.workers})`);
  const plan = readPlan(args.dir);
  const request = checkRequest(args, plan);
  let failed = false;
  // one pool for every round: starting worker threads costs more than a small round's runs
  let executor: PoolExecutor | null = null;
  try {
    for (;;) {
      const current = readPlan(args.dir);
      const { scan, rows } = readOutDir(args.dir, current, { repair: !args.planOnly });
      const pending = current.runs.filter((r) => !scan.finished.has(r.run_id));
      if (pending.length > 0) {
        if (args.planOnly) {
          process.stderr.write(
            `[lnsweep] ${pending.length} run(s) of round ${Math.max(...pending.map(roundOf))} are not finished yet; ` +
              `run them (npx lnsweep run / the array / queue workers), then refine --plan-only again\n`,
          );
          return EXIT_OK;
        }
        executor ??= new PoolExecutor(workers);
        const report = await runPlan(current, args.dir, executor, args.progress);
        if (report.pending > 0) return EXIT_INTERRUPTED;
        failed ||= report.failed > 0;
        continue;
      }
      const values = pointValues(rows, request.metric, request.setup);
      checkLevel(request, rows, args.dir);
      writeBoundary(args.dir, current, request, values);
      const done = Math.max(0, ...current.runs.map(roundOf));
      const added = current.runs.filter((r) => roundOf(r) > 0).length;
      if (done >= request.rounds) break;
      const next = nextRound({
        plan: current,
        setup: request.setup,
        values,
        level: request.level,
        budgetLeft: request.budget - added,
        round: done + 1,
      });
      if (next.length === 0) {
        process.stderr.write(`[lnsweep] refine: ${request.budget - added > 0 ? 'no cell crosses the level any more' : 'budget spent'}\n`);
        break;
      }
      process.stderr.write(`[lnsweep] refine round ${done + 1}: ${next.length} run(s) added (${added + next.length} of ${request.budget} budget)\n`);
      writePlanFile(args.dir, { ...current, runs: [...current.runs, ...next] });
      if (args.planOnly) return EXIT_OK;
    }
  } finally {
    await executor?.destroy();
  }
  const final = readPlan(args.dir);
  for (let k = 1; k <= Math.max(0, ...final.runs.map(roundOf)); k++) {
    process.stderr.write(`[lnsweep] round ${k}: ${final.runs.filter((r) => roundOf(r) === k).length} run(s)\n`);
  }
  process.stdout.write(`${boundaryPath(args.dir, request.metric)}\n`);
  return failed ? EXIT_RUNS_FAILED : EXIT_OK;
}

interface CheckedRequest {
  metric: string;
  level: number;
  rounds: number;
  budget: number;
  setup: RefineSetup;
}

/** Flags and folder checked before anything runs or is written; a bad one is exit 2 naming it. */
function checkRequest(args: RefineArgs, plan: Plan): CheckedRequest {
  if (!REFINE_METRICS.includes(args.metric)) {
    throw new UsageError(`--metric ${args.metric}: not a metric refine knows; valid: ${REFINE_METRICS.join(', ')}`);
  }
  const binary = isBinaryRefineMetric(args.metric);
  if (args.level === undefined && !binary) throw new UsageError(`--level: required for --metric ${args.metric}`);
  const level = args.level ?? 0.5;
  if (!Number.isFinite(level)) throw new UsageError(`--level: must be a number (got ${args.level})`);
  if (binary && !(level > 0 && level < 1)) {
    throw new UsageError(`--level ${level}: ${args.metric} is 0 or 1 per run, so the level must lie strictly between 0 and 1 (default 0.5)`);
  }
  const rounds = args.rounds ?? DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 0) throw new UsageError(`--rounds: must be a whole number ≥ 0 (got ${args.rounds})`);
  const grid = plan.runs.filter((r) => roundOf(r) === 0);
  const budget = args.budget ?? grid.length;
  if (!Number.isInteger(budget) || budget < 0) throw new UsageError(`--budget: must be a whole number of runs ≥ 0 (got ${args.budget})`);

  // Only `params` is read from these rows (varying parameters, axes).
  const gridRows = grid as unknown as SummaryRow[];
  const numeric = varyingParams(gridRows).filter(isNumericParam);
  let axes: ParamKey[];
  if (args.axes && args.axes.length > 0) {
    if (args.axes.length > 2) throw new UsageError(`--axes ${args.axes.join(',')}: give one or two parameters`);
    for (const key of args.axes) {
      if (!(key in PARAM_SPECS)) throw new UsageError(`--axes: '${key}' is not a parameter; valid: ${numeric.join(', ') || '(none vary)'}`);
      if (!isNumericParam(key))
        throw new UsageError(`--axes: '${key}' is not numeric; an axis needs numbers (valid: ${numeric.join(', ') || '(none vary)'})`);
      if (!numeric.includes(key))
        throw new UsageError(`--axes: '${key}' does not vary in ${args.dir}; valid: ${numeric.join(', ') || '(none vary)'}`);
    }
    if (args.axes.length === 2 && args.axes[0] === args.axes[1]) throw new UsageError(`--axes: '${args.axes[0]}' given twice`);
    axes = args.axes as ParamKey[];
  } else {
    const chosen = chooseAxes(gridRows);
    axes = chosen ? [chosen.x, chosen.y] : numeric.slice(0, 1);
    if (axes.length === 0) throw new UsageError(`${args.dir}: no numeric parameter varies in the sweep; nothing to refine`);
  }
  const axis = (key: ParamKey) => ({
    key,
    log: axisKind(grid.map((r) => Number(r.params[key]))) === 'log',
    integer: PARAM_SPECS[key].kind.kind === 'int',
  });
  const setup = refineSetup(plan, axis(axes[0]), axes[1] ? axis(axes[1]) : null);
  return { metric: args.metric, level, rounds, budget, setup };
}

/** The level must lie within the values the metric takes, or no cell could ever cross it. */
function checkLevel(r: CheckedRequest, rows: readonly SummaryRow[], dir: string): void {
  if (isBinaryRefineMetric(r.metric)) return;
  const values = rows.map((row) => runValue(row, r.metric)).filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) throw new UsageError(`--metric ${r.metric}: no finished run of ${dir} has a finite value; nothing to refine`);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // a marker never reached (+∞) lies above any level
  const reachesBeyond = rows.some((row) => runValue(row, r.metric) === Infinity);
  if (!(r.level > lo && (r.level <= hi || reachesBeyond))) {
    throw new UsageError(`--level ${r.level}: outside the range of ${r.metric} in ${dir} (${lo} … ${hi}); no cell can cross it`);
  }
}

function writeBoundary(dir: string, plan: Plan, r: CheckedRequest, values: ReadonlyMap<string, number>): void {
  const { setup } = r;
  writeBoundaryFile(boundaryPath(dir, r.metric), {
    metric: r.metric,
    level: r.level,
    axes: [setup.x.key, ...(setup.y ? [setup.y.key] : [])],
    facets: setup.facets,
    curves: boundaryCurves(plan, setup, values, r.level),
  });
}

async function runPlan(plan: Plan, outDir: string, executor: PoolExecutor, progress: ProgressMode) {
  const control = new SweepControl();
  const onSignal = () => (control.state === 'running' ? control.stop() : control.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runSweep({ plan, runs: plan.runs, outDir, executor, provenance: collectProvenance(), progress, control });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
