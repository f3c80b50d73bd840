/**
 * `lnsweep merge`: fold a folder's run files and journals into summary.arrow and metrics.arrow (`status`: status.ts).
 */
import { collectProvenance, FileError, mergeOutDir, metricsPath, readPlan, removeLiveTemps, summaryPath } from '../../io/index.js';
import { beginWork, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED } from '../errors.js';
import { onInterrupt, say } from '../process.js';
import { sweepProvenance } from '../provenance.js';

export async function mergeCommand(args: { dir: string; parquet?: boolean }): Promise<number> {
  beginWork(args.dir);
  // A signal mid-write would leave a temp file of up to the whole sweep's size: remove it, then exit as interrupted.
  const undoSignals = onInterrupt(() => {
    removeLiveTemps();
    say(`[lnsweep] merge interrupted; the run files are untouched: \`lnsweep merge ${args.dir}\` again`);
    process.exit(EXIT_INTERRUPTED);
  });
  // LNSWEEP_FAULTS (a test hook, src/run/faults.ts) may hold the merge between two runs; loaded only when set
  const faults = process.env.LNSWEEP_FAULTS;
  const onRunWritten = faults ? (await import('../../run/faults.js')).mergeHold(faults) : undefined;
  let m;
  try {
    const plan = readPlan(args.dir);
    m = await mergeOutDir(args.dir, sweepProvenance(collectProvenance(), plan), { parquet: args.parquet, onRunWritten, plan });
  } catch (err) {
    // The folder was read; writing its tables failed (a full disk, a read-only folder): not bad input.
    if (!(err instanceof FileError)) throw err;
    const full = /ENOSPC|EDQUOT/.test((err as Error).message);
    say(`${(err as Error).message}; the run files are untouched: ${full ? 'free space' : 'fix the cause'} and merge again`);
    return EXIT_RUNS_FAILED;
  } finally {
    undoSignals();
  }
  for (const s of m.skipped) process.stderr.write(`[lnsweep] skipped run ${s.runId}: ${s.reason}\n`);
  process.stdout.write(`${summaryPath(args.dir)}: ${m.summaryRows} runs\n${metricsPath(args.dir)}: ${m.metricsRows} rows\n`);
  for (const path of m.parquet) process.stdout.write(`${path}\n`);
  if (m.skipped.length > 0) {
    process.stderr.write(
      `[lnsweep] ${m.skipped.length} run(s) left out of both tables; \`lnsweep run\` of the sweep redoes them, then merge again\n`,
    );
    return EXIT_RUNS_FAILED;
  }
  return EXIT_OK;
}
