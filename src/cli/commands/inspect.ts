/**
 * `lnsweep status`, `lnsweep merge`: look at a sweep before and after it runs.
 */
import { collectProvenance } from '../../io/index.js';
import { mergeOutDir, sweepStatus } from '../../run/inspect.js';
import { metricsPath, summaryPath } from '../../run/layout.js';
import { readPlan } from '../../run/out-dir.js';
import { beginWork, EXIT_OK } from '../errors.js';
import { sweepProvenance } from '../provenance.js';

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
  beginWork(args.dir);
  const m = await mergeOutDir(args.dir, sweepProvenance(collectProvenance(), readPlan(args.dir)), { parquet: args.parquet });
  for (const s of m.skipped) process.stderr.write(`[lnsweep] skipped run ${s.runId}: ${s.reason}\n`);
  process.stdout.write(
    `${summaryPath(args.dir)}: ${m.summaryRows} runs\n${metricsPath(args.dir)}: ${m.metricsRows} rows\n`,
  );
  for (const path of m.parquet) process.stdout.write(`${path}\n`);
  return EXIT_OK;
}
