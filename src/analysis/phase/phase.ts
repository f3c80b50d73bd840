/**
 * `lnsweep phase`: one phase diagram of an output folder as an SVG file. The CLI checks the names first
 * (phaseChoices); this module trusts them.
 */
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
  partialOf,
  pendingRuns,
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

/** Valid names for `data`'s diagrams: axes and facets from the plan (whatever is done yet), z from the rows. */
export function phaseChoices(data: Pick<SweepData, 'plan' | 'rows'>): PhaseChoices {
  const varying = varyingParams(data.plan.runs);
  return { axes: varying.filter(isNumericParam), facets: varying, z: zColumns(data.rows) };
}

/**
 * Everything one diagram draws: `data`'s cells (pending ones too), the parameters pooled into them (varying, neither
 * axis nor facet, nor fixed by those: lr under an lr_rule), theory's edge of Phase I where the sweep has predictions,
 * and a refined sweep's true cell sizes and measured boundaries from `boundaries` (boundary-cells.ts). With
 * `o.rescaled` the rows and the plan's runs are drawn on the rescaled axes, without the boundaries (curves in σ and
 * α). `lnsweep phase`, `lnsweep figure` and `lnsweep serve` draw it.
 */
export function phaseInput(data: Pick<SweepData, 'plan' | 'rows'>, o: PhaseOptions, boundaries: ReturnType<typeof readBoundaries>): PhaseSpecInput {
  const rows = o.rescaled ? withRescaledParams(data.rows) : data.rows;
  const planned = o.rescaled ? withRescaledParams(data.plan.runs) : data.plan.runs;
  // A parameter fixed by the ones in use (lr under an lr_rule) varies with the cells and is not pooled.
  const used = new Set<string>([o.x, o.y, ...(o.facet ? [o.facet] : [])]);
  const pooled = varyingParams(planned).filter((k) => k !== 'snapshot_steps' && !used.has(k) && !determinedBy(planned, k, [...used] as ParamKey[]));
  const cells = buildCells(rows, o, pendingRuns({ plan: { ...data.plan, runs: planned }, rows }));
  const extras = o.rescaled ? { overlays: [] } : refinementExtras(boundaries, rows, cells, o);
  const overlays = [...(hasPredictions(rows) ? [phase1EdgeOverlay(rows, o)] : []), ...extras.overlays];
  return { cells, ...o, pooled, overlays, ...(extras.layout ? { layout: extras.layout } : {}), partial: partialOf(data) };
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

export async function writePhaseDiagram(
  data: SweepData,
  o: PhaseOptions,
  out?: string,
): Promise<{ path: string; pooled: string[]; partial: { finished: number; total: number } | null }> {
  const input = phaseInput(data, o, readBoundaries(data.dir));
  const svg = await renderSvg(phaseAndSpreadSpec(input));
  const path = out ?? defaultPhasePath(data.dir, o);
  writeFileAtomic(path, svg);
  return { path, pooled: [...(input.pooled ?? [])], partial: input.partial ?? null };
}
