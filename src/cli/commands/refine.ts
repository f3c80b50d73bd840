/**
 * `lnsweep refine DIR --metric M [--level L]`: arguments and exit codes of refinement; the rounds themselves are
 * src/run/refine-loop.ts, shared with `lnsweep run` of a sweep file with a `refine:` key (README "Refining phase
 * boundaries"). `refineExit` says how refinement ended for both commands.
 */
import type { ProgressMode } from '../../run/progress.js';
import type { RefineOutcome } from '../../run/refine-loop.js';
import type { RefineRequest } from '../../sweep/refine/request.js';
import { beginWork, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED } from '../errors.js';
import { workerCount } from '../options.js';
import { say, signalsToSweep } from '../process.js';
import { resumeHint } from '../resume-hint.js';

export interface RefineArgs extends RefineRequest {
  dir: string;
  /** as typed: checked and capped by workerCount, as `run` does */
  workers?: string;
  planOnly: boolean;
  progress: ProgressMode;
}

export async function refineCommand(args: RefineArgs): Promise<number> {
  const workers = workerCount(args.workers, say);
  const { collectProvenance } = await import('../../io/index.js');
  const { SweepControl } = await import('../../run/coordinator.js');
  const { PoolExecutor } = await import('../../run/executor.js');
  const { refineLoop } = await import('../../run/refine-loop.js');
  const control = new SweepControl();
  const undoSignals = signalsToSweep(control);
  // one pool for every round, started when a round first has runs to do
  const pool: { executor?: InstanceType<typeof PoolExecutor> } = {};
  beginWork(args.dir);
  try {
    const outcome = await refineLoop({
      dir: args.dir,
      request: args,
      executor: () => (pool.executor ??= new PoolExecutor(workers)),
      control,
      provenance: collectProvenance(),
      progress: args.progress,
      planOnly: args.planOnly,
      log: say,
    });
    return refineExit(outcome, resumeCommand(args));
  } finally {
    undoSignals();
    await pool.executor?.destroy();
  }
}

/** What refinement did, on stderr (the boundary file's path on stdout), and the exit status it ends with. */
export function refineExit(o: RefineOutcome, resume: string): number {
  if (o.status === 'waiting') return EXIT_OK;
  if (o.status === 'interrupted') {
    const why = o.diskFull ? 'the disk is full; free space, then' : 'interrupted;';
    say(`[lnsweep] refine ${why} every finished run is kept. ${resumeHint(resume, process.env)}`);
    return o.diskFull ? EXIT_RUNS_FAILED : EXIT_INTERRUPTED;
  }
  if (o.status === 'planned') return EXIT_OK;
  if (o.stop) say(`[lnsweep] refine stopped: ${o.stop.message}`);
  o.perRound.forEach((n, k) => say(`[lnsweep] round ${k + 1}: ${n} run(s)`));
  process.stdout.write(`${o.boundary}\n`);
  return o.failed ? EXIT_RUNS_FAILED : EXIT_OK;
}

/** The same request again: it resumes where it stopped. */
function resumeCommand(a: RefineArgs): string {
  const flags: [string, unknown][] = [
    ['--metric', a.metric],
    ['--level', a.level],
    ['--axes', a.axes?.join(',')],
    ['--rounds', a.rounds],
    ['--budget', a.budget],
    ['--replicates', a.replicates],
    ['--workers', a.workers],
  ];
  const given = flags.filter(([, v]) => v !== undefined).map(([f, v]) => `${f} ${String(v)}`);
  return `npx lnsweep refine ${a.dir} ${given.join(' ')}${a.planOnly ? ' --plan-only' : ''}`;
}
