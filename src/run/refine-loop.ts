/**
 * Refinement's rounds (README "Refining phase boundaries"), shared by `lnsweep refine` and `lnsweep run` of a sweep
 * file with a `refine:` key: one loop, one pool, one signal path (the caller's SweepControl).
 *
 * Each round: finish what the plan still lacks (the coordinator skips finished runs), read every result from the run
 * files (so shards and queue workers count), write the boundary, then append the next round's runs
 * (src/sweep/refine/round.ts) to plan.json. Rounds and budget count everything refinement has added to the folder, so
 * rerunning after a kill or a signal simply carries on. `planOnly` adds the next round and runs nothing: a Slurm array,
 * an Indexed Job or queue workers then do the runs, and refine is called again.
 *
 * The folder's lock is taken once, here, for the whole loop (plan.json, the boundary file and every round's runs are
 * written under it); the coordinator is told so and does not take it again.
 */
import { boundaryPath, lockFolder, readOutDir, readPlan, writeBoundaryFile, writePlanFile } from '../io/index.js';
import type { Plan } from '../sweep/plan.js';
import { boundaryCurves } from '../sweep/refine/boundary.js';
import { pointValues } from '../sweep/refine/points.js';
import type { RefineRequest } from '../sweep/refine/request.js';
import { checkLevel, resolveRequest, type ResolvedRequest } from '../sweep/refine/resolve.js';
import { nextRound, roundOf, type RoundResult } from '../sweep/refine/round.js';
import { runSweep, type SweepControl } from './coordinator.js';
import type { RunExecutor } from './executor.js';
import type { ProgressMode } from './progress.js';
import { runSamples } from './refine-samples.js';

export interface RefineLoopOptions {
  dir: string;
  request: RefineRequest;
  /** the pool, created on first need and reused by every round (the caller destroys it) */
  executor: () => RunExecutor;
  control: SweepControl;
  provenance: Record<string, string>;
  progress?: ProgressMode;
  planOnly?: boolean;
  log?: (line: string) => void;
  /** split every crossing cell, as before the noise floor (only to measure what the floor saves) */
  ignoreNoiseFloor?: boolean;
}

type StopReason = 'rounds' | 'no-crossing' | 'noise-floor' | 'budget' | 'unsplittable';

export interface RefineOutcome {
  /** done: refinement stopped (see stop); interrupted: a signal (or a full disk) left runs pending; planned / waiting: planOnly */
  status: 'done' | 'interrupted' | 'planned' | 'waiting';
  stop: { reason: StopReason; message: string } | null;
  /** some runs failed (their points have no value) */
  failed: boolean;
  diskFull: boolean;
  /** runs per refinement round, round 1 first */
  perRound: number[];
  boundary: string;
}

/** Resolves the request (a RefineRequestError before anything is written), then runs the rounds under the folder's lock. */
export async function refineLoop(o: RefineLoopOptions): Promise<RefineOutcome> {
  const log = o.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const request = resolveRequest(o.request, readPlan(o.dir), o.dir);
  // one writer of plan.json (lock.ts); --plan-only beside the runs of a cluster, which hold their own parts
  const lock = lockFolder(o.dir, o.planOnly ? 'refine' : undefined, { command: 'refine' });
  try {
    return await rounds(o, request, log);
  } finally {
    lock.release();
  }
}

async function rounds(o: RefineLoopOptions, r: ResolvedRequest, log: (line: string) => void): Promise<RefineOutcome> {
  const outcome: RefineOutcome = {
    status: 'done',
    stop: null,
    failed: false,
    diskFull: false,
    perRound: [],
    boundary: boundaryPath(o.dir, r.metric),
  };
  let levelChecked = false;
  for (;;) {
    const plan = readPlan(o.dir);
    outcome.perRound = perRound(plan);
    if (o.control.state !== 'running') return { ...outcome, status: 'interrupted' };
    const { scan, rows } = readOutDir(o.dir, plan, { repair: !o.planOnly });
    const pending = plan.runs.filter((run) => !scan.finished.has(run.run_id));
    if (pending.length > 0) {
      if (o.planOnly) {
        log(
          `[lnsweep] ${pending.length} run(s) of round ${Math.max(...pending.map(roundOf))} are not finished yet; ` +
            `run them (npx lnsweep run / the array / queue workers), then refine --plan-only again`,
        );
        return { ...outcome, status: 'waiting' };
      }
      const report = await runSweep({
        plan,
        runs: plan.runs,
        outDir: o.dir,
        executor: o.executor(),
        provenance: o.provenance,
        progress: o.progress,
        control: o.control,
        locked: true,
      });
      outcome.failed ||= report.failed > 0;
      if (report.pending > 0 || report.diskFull) return { ...outcome, status: 'interrupted', diskFull: report.diskFull };
      continue;
    }
    const samples = runSamples(rows, r.metric);
    if (!levelChecked)
      checkLevel(
        r,
        samples.map((s) => s.value),
        o.dir,
      );
    levelChecked = true;
    const values = pointValues(samples, r.setup);
    writeBoundaryFile(outcome.boundary, {
      metric: r.metric,
      level: r.level,
      axes: [r.setup.x.key, ...(r.setup.y ? [r.setup.y.key] : [])],
      facets: r.setup.facets,
      replicates: r.setup.replicates,
      curves: boundaryCurves({ plan, setup: r.setup, values, level: r.level, metric: r.metric }),
    });
    const done = Math.max(0, ...plan.runs.map(roundOf));
    const added = plan.runs.filter((run) => roundOf(run) > 0).length;
    if (done >= r.rounds) return { ...outcome, stop: { reason: 'rounds', message: `all ${r.rounds} round(s) done (--rounds ${r.rounds})` } };
    const next = nextRound({
      plan,
      setup: r.setup,
      values,
      level: r.level,
      budgetLeft: r.budget - added,
      round: done + 1,
      ignoreNoiseFloor: o.ignoreNoiseFloor,
    });
    if (next.runs.length === 0) return { ...outcome, stop: stopReason(next, r.budget, r.budget - added) };
    log(`[lnsweep] refine round ${done + 1}: ${next.runs.length} run(s) added (${added + next.runs.length} of ${r.budget} budget)${leftWhole(next)}`);
    writePlanFile(o.dir, { ...plan, runs: [...plan.runs, ...next.runs] });
    if (o.planOnly) return { ...outcome, status: 'planned', perRound: perRound(readPlan(o.dir)) };
  }
}

function perRound(plan: Plan): number[] {
  const out: number[] = [];
  for (const run of plan.runs) if (roundOf(run) > 0) out[roundOf(run) - 1] = (out[roundOf(run) - 1] ?? 0) + 1;
  return Array.from(out, (n) => n ?? 0);
}

/** "; 3 cell(s) left whole at the noise floor" when a round split only some of its crossing cells (`but` left unsaid). */
function leftWhole(n: RoundResult, but?: 'noise' | 'budget'): string {
  const parts = [
    n.atNoiseFloor > 0 && but !== 'noise' ? `${n.atNoiseFloor} at the noise floor` : '',
    n.overBudget > 0 && but !== 'budget' ? `${n.overBudget} over the budget` : '',
    n.unsplittable > 0 ? `${n.unsplittable} too narrow to split` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `; of ${n.crossing} crossing cell(s), left whole: ${parts.join(', ')}` : '';
}

/** Why a round added nothing, in words (README lists the reasons). */
function stopReason(n: RoundResult, budget: number, left: number): { reason: StopReason; message: string } {
  if (n.crossing === 0) return { reason: 'no-crossing', message: 'no cell crosses the level any more' };
  if (n.overBudget > 0) {
    const others = leftWhole(n, 'budget');
    return {
      reason: 'budget',
      message:
        `budget: ${n.crossing} cell(s) cross the level but no whole cell fits the ${left} run(s) left of --budget ${budget} ` +
        `(the smallest needs ${n.smallestOverBudget})${others}`,
    };
  }
  if (n.atNoiseFloor > 0) {
    const others = leftWhole(n, 'noise');
    return {
      reason: 'noise-floor',
      message: `noise floor: across each of the ${n.atNoiseFloor} cell(s) the level crosses, the median changes by no more than its replicates' spread${others}`,
    };
  }
  return { reason: 'unsplittable', message: `the ${n.unsplittable} cell(s) the level crosses are too narrow to split (an integer axis one apart)` };
}
