/**
 * `lnsweep figure DIR`: reads the folder, draws the asked figure (figure-kinds.ts) and writes it (figure-export.ts).
 * The CLI has checked the names and numbers; this module trusts them.
 */
import { collectProvenance, writeFileAtomic } from '../../io/index.js';
import { loadSweepData } from '../base/sweep-data.js';
import { figureBytes, type FigureFormat, type FigureSize } from './figure-export.js';
import { drawingOf, type FigureChoice } from './figure-kinds.js';

export async function writeFigure(dir: string, choice: FigureChoice, out: string, format: FigureFormat, size: FigureSize): Promise<void> {
  const data = loadSweepData(dir);
  const drawing = drawingOf(data, choice);
  const what = choice.kind === 'phase' || choice.kind === 'spread' ? `${choice.kind} of ${choice.z} over ${choice.x} × ${choice.y}` : choice.kind;
  const provenance = {
    ...collectProvenance(),
    figure: `${data.plan.name}: ${what}`,
    sweep: data.plan.name,
    sweep_seed: String(data.plan.seed),
    source_git_commit: data.provenance.git_commit ?? '',
  };
  writeFileAtomic(out, await figureBytes(drawing, format, size, provenance));
}
