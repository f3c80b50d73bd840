/**
 * `lnsweep run SWEEP`: plan, then run what is not done yet in a worker pool, resumable at any moment.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../core/types.js';
import { collectProvenance } from '../../io/index.js';
import { runSweep, SweepControl } from '../../run/coordinator.js';
import { PoolExecutor } from '../../run/executor.js';
import type { ProgressMode } from '../../run/progress.js';
import { parseShard, planSweep, shardRuns } from '../../sweep/index.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED, UsageError } from '../errors.js';

export interface RunArgs {
  sweep: string;
  out?: string;
  workers?: number;
  shard?: string;
  engine?: Engine;
  fresh: boolean;
  retries: number;
  progress: ProgressMode;
}

export async function runCommand(args: RunArgs): Promise<number> {
  const workers = args.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers: must be a whole number ≥ 1 (got ${args.workers})`);
  if (!Number.isInteger(args.retries) || args.retries < 0) throw new UsageError(`--retries: must be a whole number ≥ 0 (got ${args.retries})`);
  const plan = planSweep(args.sweep, args.engine ? { engine: args.engine } : undefined);
  const shard = args.shard ? parseShard(args.shard) : null;
  const runs = shard ? shardRuns(plan.runs, shard.k, shard.n) : plan.runs;
  const outDir = args.out ?? join('out', plan.name);

  const control = new SweepControl();
  const onSignal = (signal: NodeJS.Signals) => {
    if (control.state === 'running') {
      process.stderr.write(`\n[lnsweep] ${signal}: finishing the runs in progress; send it again to abort them\n`);
      control.stop();
    } else {
      control.abort();
    }
  };
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
      retries: args.retries,
      progress: args.progress,
      control,
    });
    const resume = `npx lnsweep run ${args.sweep} --out ${outDir}${args.shard ? ` --shard ${args.shard}` : ''}`;
    process.stderr.write(
      `[lnsweep] ${report.done} done, ${report.diverged} diverged, ${report.failed} failed, ` +
        `${report.skipped} already finished, ${report.pending} pending → ${outDir}\n`,
    );
    if (report.pending > 0) {
      process.stderr.write(`[lnsweep] interrupted; every finished run is kept. Resume with:\n  ${resume}\n`);
      return EXIT_INTERRUPTED;
    }
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
