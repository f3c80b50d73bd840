/**
 * `lnsweep run SWEEP`: plan, then run what is not done yet in a worker pool, resumable at any moment.
 */
import { join } from 'node:path';
import type { Engine } from '../../core/types.js';
import type { ProgressMode } from '../../run/progress.js';
import type { DispatchOrder } from '../../sweep/dispatch-order.js';
import type { Plan } from '../../sweep/index.js';
import { beginWork, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED, UsageError } from '../errors.js';
import { retryCount, workerCount } from '../options.js';
import { prepareOutDir } from '../out-path.js';
import { say, signalsToSweep } from '../process.js';
import { resumeHint } from '../resume-hint.js';
import { sweepProvenance } from '../provenance.js';

export interface RunArgs {
  sweep: string;
  out?: string;
  /** as typed: checked and capped by workerCount */
  workers?: string;
  shard?: string;
  engine?: Engine;
  fresh: boolean;
  /** run this sweep beside the one the folder holds (see src/run/ownership.ts) */
  add?: boolean;
  /** extra attempts for a failed run; default 0, and 2 in queue mode (another node may succeed) */
  retries?: number;
  progress: ProgressMode;
  /** redis://HOST:PORT: enqueue the runs for `lnsweep worker` instead of running them here */
  queue?: string;
  /** the order runs start in: `spread` (one run of every cell first; the default) or `cost` (largest first) */
  order?: DispatchOrder;
  /** serve the folder's live page on this port while the sweep runs ('' or '0': any free port) */
  serve?: string;
}

export async function runCommand(args: RunArgs): Promise<number> {
  const workers = workerCount(args.workers, (line) => process.stderr.write(line + '\n'));
  const retries = retryCount(args.retries, args.queue !== undefined);
  // The sweep layer (and yaml) loads after the flags are checked, so a bad flag is refused at once.
  // loaded side by side: each await of an import is a trip through Node's module loader
  const [{ planSweep, shardRuns }, { chooseShard, shardPart }] = await Promise.all([import('../../sweep/index.js'), import('../shard-env.js')]);
  const expanded = planSweep(args.sweep, args.engine ? { engine: args.engine } : undefined);
  const outDir = args.out ?? join('out', expanded.name);
  const { planForFolder } = await import('../../run/ownership.js');
  if (args.queue) {
    if (args.shard !== undefined) throw new UsageError('--shard and --queue: a queue hands out runs itself; drop --shard');
    if (args.serve !== undefined) {
      throw new UsageError(
        `--serve and --queue: nothing runs here; serve the folder where it is, for as long as the workers run: lnsweep serve ${outDir}`,
      );
    }
    if (args.progress === 'bar' || args.progress === 'plain') {
      throw new UsageError(
        `--progress ${args.progress} and --queue: nothing runs here, so there is no progress to draw; each \`lnsweep worker\` logs its runs (--progress none silences the enqueue summary)`,
      );
    }
    // Redis first: a wrong URL or database leaves no folder and no plan behind.
    const { checkRedis } = await import('../../run/queue.js');
    await checkRedis(args.queue);
    prepareOutDir(outDir);
    const { plan, runs: ownRuns } = planForFolder(outDir, expanded, { fresh: args.fresh, add: args.add ?? false });
    beginWork(outDir);
    return enqueueCommand(args.queue, plan, ownRuns, outDir, retries, workers, args);
  }
  const { shard, reason } = chooseShard(args.shard, process.env);
  if (shard && args.fresh) {
    throw new UsageError(`--fresh in a shard (${reason}) would delete the other shards' results: empty ${outDir} once, before the shards start`);
  }
  // git (the provenance's commit) runs in processes of its own while the folder is read; awaited before the sweep starts
  const { provenanceSoon } = await import('../../io/index.js');
  const toolProvenance = provenanceSoon();
  prepareOutDir(outDir);
  const { plan, runs: ownRuns } = planForFolder(outDir, expanded, { fresh: args.fresh, add: args.add ?? false });
  // a share (or --shard given) is worth a line; a plain run takes the whole plan, as anyone would expect
  if (shard || args.shard !== undefined) process.stderr.write(`[lnsweep] taking ${reason}\n`);
  const runs = shard ? shardRuns(ownRuns, shard.k, shard.n) : ownRuns;
  if (shard && runs.length === 0 && shard.n > ownRuns.length) {
    process.stderr.write(
      `[lnsweep] note: share ${shard.k} of ${shard.n} is empty: the plan has ${ownRuns.length} runs, fewer than ${shard.n} shares\n`,
    );
  }

  // The heavy modules (Arrow, Piscina) load only once the input is known to be good.
  const { runSweep, SweepControl } = await import('../../run/coordinator.js');
  const { PoolExecutor } = await import('../../run/executor.js');
  const control = new SweepControl();
  const undoSignals = signalsToSweep(control);
  beginWork(outDir);

  // the page first, so that its URL is the first line on stdout; it shows the plan until the coordinator writes it
  const { servePage } = await import('./serve.js');
  const server = args.serve === undefined ? null : await servePage(outDir, args.serve || '0', '127.0.0.1', '--serve', plan);
  const executor = new PoolExecutor(workers);
  try {
    const provenance = sweepProvenance(await toolProvenance, plan);
    const report = await runSweep({
      plan,
      runs,
      outDir,
      executor,
      provenance,
      fresh: args.fresh,
      retries,
      progress: args.progress,
      control,
      part: shard ? shardPart(shard) : undefined,
      order: args.order,
      sweepName: expanded.name,
    });
    const resume = `npx lnsweep run ${args.sweep} --out ${outDir}${args.add ? ' --add' : ''}${shard ? ` --shard ${shard.k}/${shard.n}` : ''}`;
    process.stderr.write(
      `[lnsweep] ${report.done} done, ${report.diverged} diverged, ${report.failed} failed, ` +
        `${report.skipped} already finished, ${report.pending} pending → ${outDir}\n`,
    );
    if (report.diskFull) {
      process.stderr.write(
        `[lnsweep] stopped: the disk under ${outDir} is full. Every finished run is kept; free space, then resume with:\n  ${resume}\n`,
      );
      return EXIT_RUNS_FAILED;
    }
    if (report.pending > 0) {
      process.stderr.write(`[lnsweep] interrupted; every finished run is kept. ${resumeHint(resume, process.env)}\n`);
      return EXIT_INTERRUPTED;
    }
    if (shard) process.stderr.write(`[lnsweep] when every shard is done: npx lnsweep merge ${outDir}\n`);
    if (plan.refine) {
      if (shard) {
        process.stderr.write(
          `[lnsweep] the sweep asks for refinement: when every shard is done, npx lnsweep refine ${outDir} --metric ${plan.refine.metric} --plan-only\n`,
        );
      } else {
        // the same loop, pool and signals as `lnsweep refine`
        const { refineLoop } = await import('../../run/refine-loop.js');
        const { refineExit } = await import('./refine.js');
        const log = (line: string) => say(line);
        const outcome = await refineLoop({
          dir: outDir,
          request: plan.refine,
          executor: () => executor,
          control,
          provenance,
          progress: args.progress,
          log,
        });
        const code = refineExit(outcome, resume);
        if (code !== EXIT_OK || report.failed === 0) return code;
      }
    }
    if (report.failed > 0) {
      process.stderr.write(`[lnsweep] failures, grouped by reason: npx lnsweep status ${outDir}; rerun the same command to retry them\n`);
    }
    if (!shard)
      process.stderr.write(
        `[lnsweep] look at it: npx lnsweep report ${outDir} (writes ${outDir}/report.html), or npx lnsweep serve ${outDir} (a live page)\n`,
      );
    return report.failed > 0 ? EXIT_RUNS_FAILED : EXIT_OK;
  } finally {
    undoSignals();
    await executor.destroy();
    await server?.close();
  }
}

/** `run SWEEP --queue URL`: freeze the plan into the folder and enqueue what is not done; workers do the rest. */
async function enqueueCommand(
  url: string,
  plan: Plan,
  ownRuns: readonly Plan['runs'][number][],
  outDir: string,
  retries: number,
  workers: number,
  args: RunArgs,
): Promise<number> {
  const { clearResults, collectProvenance, lockFolder, planPath, scanOutDir, writePlanFile } = await import('../../io/index.js');
  const { enqueueRuns } = await import('../../run/queue-producer.js');
  const { redactUrl } = await import('../../run/queue.js');
  const { checkResultsVersion } = await import('../../sweep/index.js');
  if (!args.fresh) checkResultsVersion(planPath(outDir), outDir);
  // beside queue workers, never beside a run of the whole plan or shards; with --fresh, beside nothing at all
  const lock = lockFolder(outDir, 'enqueue', { command: args.fresh ? 'run --queue --fresh' : 'run --queue', exclusive: args.fresh });
  const enqueue = async () => {
    if (args.fresh) clearResults(outDir);
    writePlanFile(outDir, { ...plan, provenance: sweepProvenance(collectProvenance(), plan) });
    const scan = scanOutDir(outDir, plan, { repair: true });
    for (const c of scan.corrupt) process.stderr.write(`[lnsweep] run ${c.runId}: unreadable run file (${c.reason}); it will be redone\n`);
    const { dispatchOrder } = await import('../../sweep/dispatch-order.js');
    // workers take jobs first in, first out: in the order a local run would start them
    const todo = dispatchOrder(
      ownRuns.filter((run) => !scan.finished.has(run.run_id)),
      { order: args.order ?? 'spread', workers: 1, finished: plan.runs.filter((run) => scan.finished.has(run.run_id)) },
    );
    return { scan, r: await enqueueRuns({ url, plan, todo, outDir, attempts: retries + 1, fresh: args.fresh }) };
  };
  const { scan, r } = await enqueue().finally(() => lock.release());
  if (args.progress === 'none') return EXIT_OK;
  if (r.replacedQueue) {
    process.stderr.write(
      `[lnsweep] note: ${outDir}/queue.json came from another folder (a copy); queue ${r.replacedQueue} stays that folder's, this one gets ${r.queue}\n`,
    );
  }
  // --workers is for the machines that do the runs: it goes into the command they are told to start.
  const workersFlag = args.workers !== undefined ? ` --workers ${workers}` : '';
  const shown = redactUrl(url);
  process.stderr.write(
    `[lnsweep] ${plan.name}: ${plan.runs.length} runs, ${scan.finished.size} already finished; queue ${r.queue}: ` +
      `${r.added} added, ${r.requeued} put back, ${r.alreadyQueued} already queued → ${outDir}\n` +
      `[lnsweep] start workers on any machine that sees ${outDir}${shown !== url ? ' (with the Redis password where *** stands)' : ''}:\n` +
      `  npx lnsweep worker --queue ${shown} --out ${outDir}${workersFlag}\n`,
  );
  return EXIT_OK;
}
