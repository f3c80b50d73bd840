/**
 * `lnsweep plan`, `lnsweep status`, `lnsweep merge`: look at a sweep before and after it runs.
 */
import { removeLiveTemps } from '../../io/atomic.js';
import { collectProvenance } from '../../io/index.js';
import { mergeOutDir, sweepStatus } from '../../run/inspect.js';
import { metricsPath, summaryPath } from '../../run/layout.js';
import { planSweep } from '../../sweep/index.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED } from '../errors.js';

/** Prints one line per run: id, replicate and the parameters that vary across the plan. */
export function planCommand(args: { sweep: string; json: boolean }): number {
  const plan = planSweep(args.sweep);
  if (args.json) {
    process.stdout.write(JSON.stringify(plan, null, 2) + '\n');
    return EXIT_OK;
  }
  const keys = Object.keys(plan.runs[0]?.params ?? {}) as (keyof (typeof plan.runs)[0]['params'])[];
  const varying = keys.filter((k) => new Set(plan.runs.map((r) => JSON.stringify(r.params[k]))).size > 1);
  const totalCost = plan.runs.reduce((s, r) => s + r.cost, 0);
  process.stdout.write(`${plan.name}: ${plan.runs.length} runs (seed ${plan.seed}), ${totalCost.toExponential(2)} multiply-adds in all\n`);
  process.stdout.write(['run_id', 'replicate', ...varying].join('\t') + '\n');
  for (const r of plan.runs) {
    process.stdout.write([r.run_id, r.replicate, ...varying.map((k) => JSON.stringify(r.params[k]))].join('\t') + '\n');
  }
  return EXIT_OK;
}

export async function statusCommand(args: { dir: string }): Promise<number> {
  const s = await sweepStatus(args.dir);
  process.stdout.write(
    `${s.name}: ${s.total} runs: ${s.done} done, ${s.diverged} diverged, ${s.failed} failed, ${s.pending} pending` +
      (s.corrupt > 0 ? ` (${s.corrupt} unreadable run file(s): rerun to redo them)` : '') +
      '\n',
  );
  return EXIT_OK;
}

export async function mergeCommand(args: { dir: string; parquet?: boolean }): Promise<number> {
  // A signal mid-write would leave a temp file of up to the whole sweep's size: remove it, then exit as interrupted.
  const onSignal = () => {
    removeLiveTemps();
    process.stderr.write(`[lnsweep] merge interrupted; the run files are untouched: \`lnsweep merge ${args.dir}\` again\n`);
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let m;
  try {
    m = await mergeOutDir(args.dir, collectProvenance(), { parquet: args.parquet });
  } catch (err) {
    // The folder was read; writing its tables failed (a full disk, a read-only folder): not bad input.
    if ((err as Error).name !== 'ArrowFileError') throw err;
    process.stderr.write(`${(err as Error).message}; the run files are untouched: free space and merge again\n`);
    return EXIT_RUNS_FAILED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const s of m.skipped) process.stderr.write(`[lnsweep] skipped run ${s.runId}: ${s.reason}\n`);
  process.stdout.write(
    `${summaryPath(args.dir)}: ${m.summaryRows} runs\n${metricsPath(args.dir)}: ${m.metricsRows} rows\n`,
  );
  for (const path of m.parquet) process.stdout.write(`${path}\n`);
  if (m.skipped.length > 0) {
    process.stderr.write(
      `[lnsweep] ${m.skipped.length} run(s) left out of both tables; \`lnsweep run\` of the sweep redoes them, then merge again\n`,
    );
    return EXIT_RUNS_FAILED;
  }
  return EXIT_OK;
}
