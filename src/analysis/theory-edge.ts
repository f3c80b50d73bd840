/**
 * Theory's edge of "Phase I ends within this run" on a phase diagram: the cells where the predicted Phase I time
 * `pred_phase1_steps` is at most the run's length against those where the runs measured it (`phase2_step_50`
 * reached), and the predicted contour pred_phase1_steps = steps as a curve over the cells.
 */
import type { SummaryRow } from '../io/index.js';
import { buildCells, type Cell } from './cells.js';
import { paramShort } from './labels.js';
import { fmt } from './render.js';
import type { ParamKey } from './sweep-data.js';

export interface EdgeAgreement {
  /** cells with a prediction and a finished run */
  cells: number;
  agree: number;
  /** predicted to end within the run, median run did not reach the 50% marker */
  earlyMiss: number;
  /** predicted to end after the run, median run reached the 50% marker */
  lateHit: number;
  /** the disagreeing cell furthest (in log ratio) from the edge */
  worst: { where: string; predicted: number; steps: number } | null;
}

interface Axes {
  x: ParamKey;
  y: ParamKey;
  facet: ParamKey | null;
}

const cellKey = (c: Cell): string => JSON.stringify([c.facet, c.x, c.y]);

/** Per cell, the median prediction and whether the median run reached the 50% Phase II marker. */
export function edgeAgreement(rows: readonly SummaryRow[], axes: Axes): EdgeAgreement {
  const predicted = buildCells(rows, { ...axes, z: 'pred_phase1_steps', agg: 'median' });
  const measured = new Map(buildCells(rows, { ...axes, z: 'phase2_step_50', agg: 'median' }).map((c) => [cellKey(c), c]));
  const out: EdgeAgreement = { cells: 0, agree: 0, earlyMiss: 0, lateHit: 0, worst: null };
  let worstGap = 0;
  for (const p of predicted) {
    const m = measured.get(cellKey(p));
    if (p.kind !== 'value' || !m || (m.kind !== 'value' && m.kind !== 'not_reached')) continue;
    out.cells++;
    const predictedWithin = (p.value as number) <= p.lastStep;
    const measuredWithin = m.kind === 'value';
    if (predictedWithin === measuredWithin) {
      out.agree++;
      continue;
    }
    if (predictedWithin) out.earlyMiss++;
    else out.lateHit++;
    const gap = Math.abs(Math.log((p.value as number) / p.lastStep));
    if (gap > worstGap) {
      worstGap = gap;
      const where = [`${paramShort(axes.x)} = ${fmt(p.x)}`, `${paramShort(axes.y)} = ${fmt(p.y)}`];
      if (axes.facet) where.push(`${paramShort(axes.facet)} = ${p.facet}`);
      out.worst = { where: where.join(', '), predicted: p.value as number, steps: p.lastStep };
    }
  }
  return out;
}
