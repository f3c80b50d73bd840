/**
 * `lnsweep phase`: one phase diagram of an output folder as an SVG file. The CLI checks the names first
 * (phaseChoices); this module trusts them.
 */
import type { SummaryRow } from '../../io/index.js';
import { foreignSummaryRow, OutDirError, phasePath, writeFileAtomic } from '../../io/index.js';
import { readBoundaries, refinementExtras } from '../boundary/boundary-cells.js';
import { buildCells, type Agg } from '../base/cells.js';
import { phaseAndSpreadSpec, type PhaseSpecInput } from './phase-spec.js';
import { renderSvg } from '../base/render.js';
import { hasPredictions } from '../theory/theory.js';
import { phase1EdgeOverlay } from '../theory/theory-edge.js';
import {
  determinedBy,
  isNumericParam,
  loadSweepData,
  varyingParams,
  withRescaledParams,
  zColumns,
  type ParamKey,
  type SweepData,
} from '../base/sweep-data.js';

export interface PhaseOptions {
  x: ParamKey;
  y: ParamKey;
  z: string;
  facet: ParamKey | null;
  agg: Agg;
  /** the axes are rescaled ones (sweep-data.ts RESCALED_KEYS): the rows get those parameters, boundaries are not drawn */
  rescaled?: boolean;
}

export interface PhaseChoices {
  /** numeric parameters that vary: valid --x and --y */
  axes: ParamKey[];
  /** every varying parameter: valid --facet */
  facets: ParamKey[];
  /** valid --z */
  z: string[];
}

export function phaseChoices(rows: readonly SummaryRow[]): PhaseChoices {
  const varying = varyingParams(rows);
  return { axes: varying.filter(isNumericParam), facets: varying, z: zColumns(rows) };
}

/**
 * What a diagram of `dir` draws: its cells, the varying parameters it pools into them (neither axis nor facet), theory's
 * edge of Phase I (where the sweep has predictions and both axes are parameters theory speaks of), a refined sweep's
 * true cell sizes and the folder's measured boundaries (boundary-cells.ts).
 */
export function phaseInput(folderRows: readonly SummaryRow[], o: PhaseOptions, dir: string): PhaseSpecInput {
  const rows = o.rescaled ? withRescaledParams(folderRows) : folderRows;
  // A parameter fixed by the ones in use (lr under an lr_rule) varies with the cells and is not pooled.
  const used = new Set<string>([o.x, o.y, ...(o.facet ? [o.facet] : [])]);
  const pooled = varyingParams(rows).filter((k) => !used.has(k) && !determinedBy(rows, k, [...used] as ParamKey[]));
  const cells = buildCells(rows, o);
  // a folder's measured boundaries are curves in σ and α, not in the rescaled axes
  const extras = o.rescaled ? { overlays: [] } : refinementExtras(readBoundaries(dir), rows, cells, o);
  const overlays = [...(hasPredictions(rows) ? [phase1EdgeOverlay(rows, o)] : []), ...extras.overlays];
  return { cells, ...o, pooled, overlays, ...(extras.layout ? { layout: extras.layout } : {}) };
}

const defaultPhasePath = (dir: string, o: Pick<PhaseOptions, 'x' | 'y' | 'z'>): string => phasePath(dir, o.z, o.x, o.y);

/**
 * The folder's rows, refused (OutDirError, naming the run) when summary.arrow is not this folder's: a summary copied
 * from another sweep with the same axes would otherwise be drawn as this one (foreignSummaryRow).
 */
export function loadCheckedSweepData(dir: string): SweepData {
  const data = loadSweepData(dir);
  const foreign = data.rebuilt ? null : foreignSummaryRow(dir, data.plan, data.rows);
  if (foreign) throw new OutDirError(foreign);
  return data;
}

export async function writePhaseDiagram(data: SweepData, o: PhaseOptions, out?: string): Promise<{ path: string; pooled: string[] }> {
  const dir = data.dir;
  const input = phaseInput(data.rows, o, dir);
  const svg = await renderSvg(phaseAndSpreadSpec(input));
  const path = out ?? defaultPhasePath(dir, o);
  writeFileAtomic(path, svg);
  return { path, pooled: [...(input.pooled ?? [])] };
}
