/**
 * The Phase I model's trajectories beside the measured ones on the report's Fig. 2 panels: mean ‖wᵢ‖² and mean
 * |cos(wᵢ, θ*)| against step, dashed, in each run's colour. The model (src/core/phase-model.ts) is built again from
 * the run's parameters and random streams, the same X, θ* and init the run trained on, so a curve needs no file.
 */
import { buildPhaseModel } from '../../core/phase-model.js';
import { theoryApplies } from '../../core/theory.js';
import type { SummaryRow } from '../../io/index.js';
import { sweepSeedOf, type Plan } from '../../sweep/plan.js';
import { runSeeds } from '../../sweep/seeds.js';

/** Points per model curve, evenly spaced from step 0 to the run's last step. */
const CURVE_POINTS = 120;

/** The model's rows for the chosen runs (those theory describes), in trajectoryRows' long format, `run` as labelled. */
export function modelCurveRows(plan: Plan, runs: readonly { row: SummaryRow; label: string }[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const planned = new Map(plan.runs.map((r) => [r.run_id, r]));
  for (const { row, label } of runs) {
    const run = planned.get(row.run_id);
    if (!run || !theoryApplies(row.params)) continue;
    const model = buildPhaseModel(row.params, runSeeds(row.params, sweepSeedOf(plan, run), row.replicate));
    const last = row.status === 'done' ? row.params.steps : row.steps_done;
    for (let i = 0; i <= CURVE_POINTS; i++) {
      const step = Math.round((last * i) / CURVE_POINTS);
      const tau = model.tauAt(step);
      out.push({ run: label, step, model_w_norm2_mean: model.meanW2(tau), model_align_cos_mean: model.meanAbsCos(tau) });
    }
  }
  return out;
}

/** Fields of a Fig. 2 line panel this file reads and keeps. */
interface LinePanel {
  mark: Record<string, unknown>;
  encoding: { y: Record<string, unknown> } & Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * A line panel (run-figures.ts) as two layers: the measured line, and the model's `modelField` dashed in the same
 * colours. Each layer keeps its own rows, so neither line breaks where only the other has a value. Unchanged when
 * `rows` hold no model value.
 */
export function withModelCurve<P extends LinePanel>(
  panel: P,
  measuredField: string,
  modelField: string,
  rows: readonly Record<string, unknown>[],
): P | object {
  if (!rows.some((r) => typeof r[modelField] === 'number')) return panel;
  const { mark, encoding, ...rest } = panel;
  return {
    ...rest,
    layer: [
      { transform: [{ filter: `isValid(datum['${measuredField}'])` }], mark, encoding },
      {
        transform: [{ filter: `isValid(datum['${modelField}'])` }],
        mark: { ...mark, strokeDash: [5, 3], strokeWidth: 1.3, opacity: 0.9 },
        encoding: { ...encoding, y: { ...encoding.y, field: modelField } },
      },
    ],
  };
}
