/**
 * `lnsweep run SWEEP`: plan, then run what is not done yet in a worker pool, resumable at any moment.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../core/types.js';
import { collectProvenance, writeJsonAtomic } from '../../io/index.js';
import { clearResults, runSweep, SweepControl } from '../../run/coordinator.js';
import { PoolExecutor } from '../../run/executor.js';
import { planPath } from '../../run/layout.js';
import { scanOutDir } from '../../run/out-dir.js';
import type { ProgressMode } from '../../run/progress.js';
import { enqueueRuns } from '../../run/queue.js';
import { checkResultsVersion, planSweep, shardRuns, type Plan } from '../../sweep/index.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED, UsageError } from '../errors.js';
import { chooseShard, shardPart } from '../shard-env.js';
import { asUsage } from './worker.js';

export interface RunArgs {
  sweep: string;
  out?: string;
  workers?: number;
  shard?: string;
  engine?: Engine;
  fresh: boolean;
  /** extra attempts for a failed run; default 0, and 2 in queue mode (another node may succeed) */
  retries?: number;
  progress: ProgressMode;
  /** redis://HOST:PORT: enqueue the runs for `lnsweep worker` instead of running them here */
  queue?: string;
}

export async function runCommand(args: RunArgs): Promise<number> {
  const workers = args.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers: must be a whole number ≥ 1 (got ${args.workers})`);
  const retries = args.retries ?? (args.queue ? 2 : 0);
  if (!Number.isInteger(retries) || retries < 0) throw new UsageError(`--retries: must be a whole number ≥ 0 (got ${args.retries})`);
  const plan = planSweep(args.sweep, args.engine ? { engine: args.engine } : undefined);
  const outDir = args.out ?? join('out', plan.name);
  if (args.queue) {
    if (args.shard !== undefined) throw new UsageError('--shard and --queue: a queue hands out runs itself; drop --shard');
    return enqueueCommand(args.queue, plan, outDir, retries, args);
  }
  const { shard, reason } = chooseShard(args.shard, process.env);
  if (shard && args.fresh) {
    throw new UsageError(`--fresh in a shard (${reason}) would delete the other shards' results: empty ${outDir} once, before the shards start`);
  }
  process.stderr.write(`[lnsweep] taking ${reason}\n`);
  const runs = shard ? shardRuns(plan.runs, shard.k, shard.n) : plan.runs;

  const control = new SweepControl();
  // The coordinator says what each signal does, through the progress display (a direct write would tear the bar).
  const onSignal = () => (control.state === 'running' ? control.stop() : control.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const executor = new PoolExecutor(workers);
  try {
    const report = await runSweep({
      plan,
      runs,
      outDir,
      executor,
      provenance: collectProvenance(),
      fresh: args.fresh,
      retries,
      progress: args.progress,
      control,
      part: shard ? shardPart(shard) : undefined,
    });
    const resume = `npx lnsweep run ${args.sweep} --out ${outDir}${shard ? ` --shard ${shard.k}/${shard.n}` : ''}`;
    process.stderr.write(
      `[lnsweep] ${report.done} done, ${report.diverged} diverged, ${report.failed} failed, ` +
        `${report.skipped} already finished, ${report.pending} pending → ${outDir}\n`,
    );
    if (report.pending > 0) {
      process.stderr.write(`[lnsweep] interrupted; every finished run is kept. Resume with:\n  ${resume}\n`);
      return EXIT_INTERRUPTED;
    }
    if (shard) process.stderr.write(`[lnsweep] when every shard is done: npx lnsweep merge ${outDir}\n`);
    if (report.failed > 0) {
      process.stderr.write(`[lnsweep] failures are listed in ${join(outDir, 'summary.arrow')} (status, error); rerun the same command to retry them\n`);
      return EXIT_RUNS_FAILED;
    }
    return EXIT_OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await executor.destroy();
  }
}

/** `run SWEEP --queue URL`: freeze the plan into the folder and enqueue what is not done; workers do the rest. */
async function enqueueCommand(url: string, plan: Plan, outDir: string, retries: number, args: RunArgs): Promise<number> {
  if (!args.fresh) checkResultsVersion(planPath(outDir), outDir);
  if (args.fresh) clearResults(outDir);
  mkdirSync(outDir, { recursive: true });
  writeJsonAtomic(planPath(outDir), { ...plan, provenance: collectProvenance() });
  const scan = await scanOutDir(outDir, new Set(plan.runs.map((r) => r.run_id)), { repair: true });
  for (const c of scan.corrupt) process.stderr.write(`[lnsweep] run ${c.runId}: unreadable run file (${c.reason}); it will be redone\n`);
  const todo = plan.runs.filter((r) => !scan.finished.has(r.run_id));
  const r = await asUsage(enqueueRuns({ url, plan, todo, outDir, attempts: retries + 1, fresh: args.fresh }));
  process.stderr.write(
    `[lnsweep] ${plan.name}: ${plan.runs.length} runs, ${scan.finished.size} already finished; queue ${r.queue}: ` +
      `${r.added} added, ${r.requeued} put back, ${r.alreadyQueued} already queued → ${outDir}\n` +
      `[lnsweep] start workers on any machine that sees ${outDir}:\n  npx lnsweep worker --queue ${url} --out ${outDir}\n`,
  );
  return EXIT_OK;
}
