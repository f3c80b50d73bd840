/**
 * `lnsweep phase` and `lnsweep report`: look at a sweep's results. Names are checked here, at the boundary, against
 * what the folder holds; a bad one is bad input (exit 2) with the list of valid names.
 */
import type { Agg } from '../../analysis/base/cells.js';
import { phaseChoices, writePhaseDiagram } from '../../analysis/phase/phase.js';
import { writeReport } from '../../analysis/report/report.js';
import { loadSweepData, type ParamKey } from '../../analysis/base/sweep-data.js';
import { EXIT_OK, UsageError } from '../errors.js';

export interface PhaseArgs {
  dir: string;
  x: string;
  y: string;
  z: string;
  facet?: string;
  agg: Agg;
  out?: string;
}

export async function phaseCommand(args: PhaseArgs): Promise<number> {
  const data = loadSweepData(args.dir);
  const choices = phaseChoices(data);
  const check = (flag: string, value: string, valid: readonly string[], what: string) => {
    if (!valid.includes(value)) {
      const list = valid.length > 0 ? valid.join(', ') : '(none: nothing varies in this sweep)';
      throw new UsageError(`--${flag} ${value}: not ${what} of ${args.dir}; valid: ${list}`);
    }
  };
  check('x', args.x, choices.axes, 'a numeric parameter that varies in the sweep');
  check('y', args.y, choices.axes, 'a numeric parameter that varies in the sweep');
  if (args.x === args.y) throw new UsageError(`--x and --y are both '${args.x}': pick two different parameters`);
  check('z', args.z, choices.z, 'a summary column');
  if (args.facet !== undefined) {
    check(
      'facet',
      args.facet,
      choices.facets.filter((k) => k !== args.x && k !== args.y),
      'another parameter that varies',
    );
  }
  if (data.rows.length === 0) throw new UsageError(`${args.dir}: no finished or failed runs yet; nothing to draw`);
  const { path, pooled, partial } = await writePhaseDiagram(
    args.dir,
    { x: args.x as ParamKey, y: args.y as ParamKey, z: args.z, facet: (args.facet ?? null) as ParamKey | null, agg: args.agg },
    args.out,
  );
  if (pooled.length > 0) {
    process.stderr.write(`[lnsweep] note: ${pooled.join(', ')} also vary; each cell pools them (try --facet ${pooled[0]})\n`);
  }
  if (partial)
    process.stderr.write(`[lnsweep] note: partial: ${partial.finished} of ${partial.total} runs; the others' cells are drawn as pending\n`);
  process.stdout.write(`${path}\n`);
  return EXIT_OK;
}

export async function reportCommand(args: { dir: string; out?: string }): Promise<number> {
  const { path, notes } = await writeReport(args.dir, args.out);
  for (const note of notes) process.stderr.write(`[lnsweep] note: ${note}\n`);
  process.stdout.write(`${path}\n`);
  return EXIT_OK;
}
