/**
 * `lnsweep phase`: one phase diagram of an output folder as an SVG file. The CLI checks the names first
 * (phaseChoices); this module trusts them.
 */
import { phasePath, writeFileAtomic } from '../../io/index.js';
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
 * and a refined sweep's true cell sizes and measured boundaries from `boundaries` (boundary-cells.ts). `lnsweep phase`
 * and `lnsweep serve` draw it.
 */
export function phaseInput(data: Pick<SweepData, 'plan' | 'rows'>, o: PhaseOptions, boundaries: ReturnType<typeof readBoundaries>): PhaseSpecInput {
  const { rows, plan } = data;
  const used = new Set<string>([o.x, o.y, ...(o.facet ? [o.facet] : [])]);
  const pooled = varyingParams(plan.runs).filter(
    (k) => k !== 'snapshot_steps' && !used.has(k) && !determinedBy(plan.runs, k, [...used] as ParamKey[]),
  );
  const cells = buildCells(rows, o, pendingRuns(data));
  const extras = refinementExtras(boundaries, rows, cells, o);
  const overlays = [...(hasPredictions(rows) ? [phase1EdgeOverlay(rows, o)] : []), ...extras.overlays];
  return { cells, ...o, pooled, overlays, ...(extras.layout ? { layout: extras.layout } : {}), partial: partialOf(data) };
}

/** The diagram's SVG, and the varying parameters it pools into cells (neither axis nor facet). */
async function phaseSvg(data: SweepData, o: PhaseOptions, dir: string): Promise<{ svg: string; pooled: string[] }> {
  const input = phaseInput(data, o, readBoundaries(dir));
  return { svg: await renderSvg(phaseAndSpreadSpec(input)), pooled: [...(input.pooled ?? [])] };
}

const defaultPhasePath = (dir: string, o: Pick<PhaseOptions, 'x' | 'y' | 'z'>): string => phasePath(dir, o.z, o.x, o.y);

export async function writePhaseDiagram(
  dir: string,
  o: PhaseOptions,
  out?: string,
): Promise<{ path: string; pooled: string[]; partial: { finished: number; total: number } | null }> {
  const data = loadSweepData(dir);
  const { svg, pooled } = await phaseSvg(data, o, dir);
  const path = out ?? defaultPhasePath(dir, o);
  writeFileAtomic(path, svg);
  return { path, pooled, partial: partialOf(data) };
}
