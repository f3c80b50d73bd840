/**
 * A run's trajectory reduced to the summary-table numbers of SPEC §6: the last value of each metric and the first
 * logged step at which the paper's phase markers are reached. Pure; the run layer calls it when a run finishes and
 * again when the summary is rebuilt from run files.
 */
import { METRIC_NAMES, type MetricColumns, type MetricName } from './types.js';

export interface PhaseMarkers {
  /** first logged step with lazy_frac_rel = 0: every neuron has left its lazy ball (scale-free, Definition 1) */
  lazy_escape_step: number | null;
  /** first logged step with phase2_frac = 1: Phase II has begun for every neuron */
  phase2_step: number | null;
  /** first logged step with align_cos_mean ≥ 0.9: the neurons have aligned with θ* */
  align_step: number | null;
}

export interface RunDigest extends PhaseMarkers {
  final: Record<MetricName, number | null>;
}

/** Alignment counts as reached at this mean |cos(w_i, θ*)| (SPEC §6). */
export const ALIGN_THRESHOLD = 0.9;

export function firstStepWhere(
  m: MetricColumns,
  metric: MetricName,
  reached: (value: number) => boolean,
): number | null {
  const values = m.values[metric];
  for (let row = 0; row < m.rows; row++) {
    if (reached(values[row])) return m.step[row];
  }
  return null;
}

export function digestRun(m: MetricColumns): RunDigest {
  const final = {} as Record<MetricName, number | null>;
  for (const name of METRIC_NAMES) {
    // A diverged run's last row may hold NaN or ±Inf: null keeps the summary column numeric for every reader.
    const last = m.rows > 0 ? m.values[name][m.rows - 1] : NaN;
    final[name] = Number.isFinite(last) ? last : null;
  }
  return {
    final,
    lazy_escape_step: firstStepWhere(m, 'lazy_frac_rel', (v) => v <= 0),
    phase2_step: firstStepWhere(m, 'phase2_frac', (v) => v >= 1),
    align_step: firstStepWhere(m, 'align_cos_mean', (v) => v >= ALIGN_THRESHOLD),
  };
}
