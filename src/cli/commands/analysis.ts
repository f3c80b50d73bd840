/**
 * `lnsweep phase` and `lnsweep report`: look at a sweep's results. Names are checked here, at the boundary, against
 * what the folder holds; a bad one is bad input (exit 2) with the list of valid names.
 */
import type { Agg } from '../../analysis/base/cells.js';
import { loadCheckedSweepData, phaseChoices, writePhaseDiagram } from '../../analysis/phase/phase.js';
import { writeReport } from '../../analysis/report/report.js';
import { RESCALED_KEYS, rescaledAxis, type ParamKey } from '../../analysis/base/sweep-data.js';
import { checkOutFile } from '../../io/index.js';
import { EXIT_OK, UsageError } from '../errors.js';

export interface PhaseArgs {
  dir: string;
  x: string;
  y: string;
  z: string;
  facet?: string;
  agg: Agg;
  out?: string;
  /** draw on the rescaled axes: σ → σ/α², α and ‖θ*‖ → ‖θ*‖/α², η → ηα² */
  rescaled?: boolean;
}

export async function phaseCommand(args: PhaseArgs): Promise<number> {
  // a device, FIFO or link given as --out is refused before anything is computed (and nothing is changed)
  if (args.out !== undefined) checkOutFile(args.out);
  const data = loadCheckedSweepData(args.dir);
  if (data.rows.length === 0) throw new UsageError(`${args.dir}: no finished or failed runs yet; nothing to draw`);
  const choices = phaseChoices(data);
  const check = (flag: string, value: string, valid: readonly string[], what: string) => {
    if (!valid.includes(value)) {
      const list = valid.length > 0 ? valid.join(', ') : '(none: nothing varies in this sweep)';
      throw new UsageError(`--${flag} ${value}: not ${what} of ${args.dir}; valid: ${list}`);
    }
  };
  // with --rescaled the rescaled axes may be named as they are drawn (the report's redraw hint does)
  const axesValid = args.rescaled ? [...choices.axes, ...RESCALED_KEYS] : choices.axes;
  check('x', args.x, axesValid, 'a numeric parameter that varies in the sweep');
  check('y', args.y, axesValid, 'a numeric parameter that varies in the sweep');
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
  const axes = { x: args.x as ParamKey, y: args.y as ParamKey, facet: (args.facet ?? null) as ParamKey | null };
  if (args.rescaled) {
    const [x, y] = [rescaledAxis(axes.x), rescaledAxis(axes.y)];
    if (x === y) throw new UsageError(`--rescaled: --x ${args.x} and --y ${args.y} are both drawn as ${x}; pick σ and α (or ‖θ*‖), say`);
    if (axes.facet && [x, y].includes(rescaledAxis(axes.facet))) {
      throw new UsageError(`--rescaled: --facet ${axes.facet} is drawn as ${rescaledAxis(axes.facet)}, an axis already`);
    }
    Object.assign(axes, { x, y, facet: axes.facet ? rescaledAxis(axes.facet) : null });
  }
  const { path, pooled, partial } = await writePhaseDiagram(data, { ...axes, z: args.z, agg: args.agg, rescaled: args.rescaled === true }, args.out);
  if (pooled.length > 0) {
    process.stderr.write(`[lnsweep] note: ${pooled.join(', ')} also vary; each cell pools them (try --facet ${pooled[0]})\n`);
  }
  if (partial)
    process.stderr.write(`[lnsweep] note: partial: ${partial.finished} of ${partial.total} runs; the others' cells are drawn as pending\n`);
  process.stdout.write(`${path}\n`);
  return EXIT_OK;
}

export async function reportCommand(args: { dir: string; out?: string; rescaled?: boolean }): Promise<number> {
  if (args.out !== undefined) checkOutFile(args.out);
  // a summary.arrow of another sweep is refused in one line naming the run, before any figure is drawn
  loadCheckedSweepData(args.dir);
  const { path, notes } = await writeReport(args.dir, args.out, { rescaled: args.rescaled === true });
  for (const note of notes) process.stderr.write(`[lnsweep] note: ${note}\n`);
  process.stdout.write(`${path}\n`);
  return EXIT_OK;
}
