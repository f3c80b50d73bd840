/**
 * `lnsweep compare A B --z M`: how M changed from sweep A to sweep B, cell by cell (src/analysis/compare/). Names are
 * checked here against what both folders hold; axes that do not match are refused, naming them.
 */
import type { Agg } from '../../analysis/base/cells.js';
import { zColumns, type ParamKey } from '../../analysis/base/sweep-data.js';
import { loadCheckedSweepData } from '../../analysis/phase/phase.js';
import { checkOutFile } from '../../io/index.js';
import { compareAxes, writeComparison } from '../../analysis/compare/compare.js';
import { EXIT_OK, UsageError } from '../errors.js';

export interface CompareArgs {
  a: string;
  b: string;
  z: string;
  x?: string;
  y?: string;
  facet?: string;
  agg: Agg;
  out?: string;
}

export async function compareCommand(args: CompareArgs): Promise<number> {
  // a device, FIFO or link given as --out is refused before anything is read; so is a summary of another sweep
  if (args.out !== undefined) checkOutFile(args.out);
  const [a, b] = [loadCheckedSweepData(args.a), loadCheckedSweepData(args.b)];
  for (const d of [a, b]) {
    if (!zColumns(d.rows).includes(args.z))
      throw new UsageError(`--z ${args.z}: not a summary column of ${d.dir}; valid: ${zColumns(d.rows).join(', ')}`);
  }
  const axes = compareAxes(a, b, { x: args.x as ParamKey | undefined, y: args.y as ParamKey | undefined, facet: args.facet as ParamKey | undefined });
  if ('problem' in axes) throw new UsageError(`compare ${args.a} ${args.b}: ${axes.problem}`);
  const r = await writeComparison(a, b, { ...axes, z: args.z, agg: args.agg }, args.out);
  if (r.unmatched > 0) process.stderr.write(`[lnsweep] note: ${r.unmatched} cell(s) of one sweep have no counterpart in the other; left out\n`);
  process.stderr.write(
    `[lnsweep] ${args.z}: ${r.mode === 'ratio' ? 'B / A (a log quantity)' : 'B − A'} in ${r.compared} cell(s) with a value in both\n`,
  );
  process.stdout.write(`${r.path}\n`);
  return EXIT_OK;
}
