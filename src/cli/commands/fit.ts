/**
 * `lnsweep fit DIR --metric M [--params p,q] [--where …] [--resamples N] [--seed S]`: arguments and exit codes; the
 * fit is src/analysis/fit/ (README "Scaling fits").
 */
import { EXIT_OK, UsageError } from '../errors.js';
import { say } from '../process.js';

export interface FitArgs {
  dir: string;
  metric: string;
  params?: string;
  where?: string;
  resamples?: number;
  seed?: number;
}

export async function fitCommand(a: FitArgs): Promise<number> {
  if (a.resamples !== undefined && !(Number.isInteger(a.resamples) && a.resamples >= 100 && a.resamples <= 1_000_000)) {
    throw new UsageError(`--resamples: must be a whole number from 100 to 1000000 (got ${a.resamples})`);
  }
  if (a.seed !== undefined && !(Number.isSafeInteger(a.seed) && a.seed >= 0))
    throw new UsageError(`--seed: must be a whole number ≥ 0 (got ${a.seed})`);
  const { fitFolder } = await import('../../analysis/fit/fit-folder.js');
  const { parseWhere } = await import('../../analysis/fit/where.js');
  const params = a.params
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const where = a.where === undefined ? undefined : parseWhere(a.where);
  const { path, table } = fitFolder(a.dir, { metric: a.metric, params, where, resamples: a.resamples, seed: a.seed }, a.where);
  process.stdout.write(`${table}\n`);
  say(`[lnsweep] wrote ${path}`);
  return EXIT_OK;
}
