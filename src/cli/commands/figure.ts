/**
 * `lnsweep figure DIR --z COLUMN --out FILE.svg|png|pdf`: one of the report's figures alone, for a paper. Names are
 * checked here against what the folder holds (as `phase` does), numbers against their ranges; the format comes from
 * the file's extension.
 */
import { extname } from 'node:path';
import type { Agg } from '../../analysis/base/cells.js';
import type { ParamKey } from '../../analysis/base/sweep-data.js';
import { FIGURE_KINDS, type FigureKind } from '../../analysis/export/kinds.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { checkOutFile } from '../../io/index.js';

export interface FigureArgs {
  dir: string;
  kind: string;
  z?: string;
  x?: string;
  y?: string;
  facet?: string;
  agg: Agg;
  out: string;
  width: number;
  height: number;
  fontSize: number;
  dpi: number;
}

const FORMATS = { '.svg': 'svg', '.png': 'png', '.pdf': 'pdf' } as const;

export async function figureCommand(a: FigureArgs): Promise<number> {
  const format = FORMATS[extname(a.out).toLowerCase() as keyof typeof FORMATS];
  if (!format) throw new UsageError(`--out ${a.out}: the extension names the format: .svg, .png or .pdf`);
  const number = (flag: string, v: number, lo: number, hi: number) => {
    if (!Number.isFinite(v) || v < lo || v > hi) throw new UsageError(`--${flag} ${v}: a number from ${lo} to ${hi}`);
  };
  number('width', a.width, 100, 20000);
  number('height', a.height, 80, 20000);
  number('font-size', a.fontSize, 4, 72);
  number('dpi', a.dpi, 24, 2400);
  if (!(FIGURE_KINDS as readonly string[]).includes(a.kind)) throw new UsageError(`--kind ${a.kind}: one of ${FIGURE_KINDS.join(', ')}`);
  const kind = a.kind as FigureKind;
  checkOutFile(a.out);

  // the drawing code (vega, the font, resvg, pdfkit) loads only for arguments that passed the checks above
  const { chooseAxes } = await import('../../analysis/base/sweep-data.js');
  const { loadCheckedSweepData, phaseChoices } = await import('../../analysis/phase/phase.js');
  const { writeFigure } = await import('../../analysis/export/figure.js');
  const data = loadCheckedSweepData(a.dir);
  if (data.rows.length === 0) throw new UsageError(`${a.dir}: no finished or failed runs yet; nothing to draw`);
  const choices = phaseChoices(data);
  const check = (flag: string, value: string, valid: readonly string[], what: string) => {
    if (!valid.includes(value)) throw new UsageError(`--${flag} ${value}: not ${what} of ${a.dir}; valid: ${valid.join(', ') || '(none)'}`);
  };
  // from the plan, as the report chooses them: the axes do not depend on which runs are done
  const auto = chooseAxes(data.plan.runs);
  const x = a.x ?? auto?.x;
  const y = a.y ?? auto?.y;
  const diagram = kind === 'phase' || kind === 'spread';
  if (diagram) {
    if (a.z === undefined) throw new UsageError(`--z is required for --kind ${kind}: a summary column (valid: ${choices.z.join(', ')})`);
    check('z', a.z, choices.z, 'a summary column');
    if (x === undefined || y === undefined)
      throw new UsageError(`${a.dir}: fewer than two numeric parameters vary; a ${kind} diagram needs --x and --y`);
  }
  if (x !== undefined) check('x', x, choices.axes, 'a numeric parameter that varies in the sweep');
  if (y !== undefined) check('y', y, choices.axes, 'a numeric parameter that varies in the sweep');
  if (x !== undefined && x === y) throw new UsageError(`--x and --y are both '${x}': pick two different parameters`);
  const facet = a.facet ?? (a.x === undefined && a.y === undefined ? (auto?.facet ?? undefined) : undefined);
  if (facet !== undefined)
    check(
      'facet',
      facet,
      choices.facets.filter((k) => k !== x && k !== y),
      'another parameter that varies',
    );

  await writeFigure(
    a.dir,
    { kind, x: x as ParamKey, y: y as ParamKey, z: a.z, facet: (facet ?? null) as ParamKey | null, agg: a.agg },
    a.out,
    format,
    { width: a.width, height: a.height, fontSize: a.fontSize, dpi: a.dpi },
  );
  process.stdout.write(`${a.out}\n`);
  return EXIT_OK;
}
