/**
 * What `lnsweep refine` (and a sweep file's `refine:` key) may ask for: the metric names it understands and the shape
 * of a request. Kept apart from refine.ts so that spec.ts can check a sweep file's request without importing plan.ts.
 */
import { METRIC_NAMES } from '../core/types.js';

/** 0/1 metrics: `collapsed` (a summary column) and `diverged` (from the status); their level is 0.5. */
const BINARY_REFINE_METRICS = ['diverged', 'collapsed'] as const;

/** Every metric a boundary can be drawn for: the final values, the phase markers, the analysis columns, 0/1 ones. */
export const REFINE_METRICS: readonly string[] = [
  ...METRIC_NAMES.map((m) => `final_${m}`),
  'lazy_escape_step',
  'phase2_step',
  'align_step',
  'norm_decay_rate',
  ...BINARY_REFINE_METRICS,
];

export const DEFAULT_ROUNDS = 4;

/** A refinement request as a sweep file gives it (`refine: { metric, level, rounds, budget, axes }`). */
export interface RefineRequest {
  metric: string;
  /** default 0.5 for the 0/1 metrics; required for the others */
  level?: number;
  /** refinement rounds in all (default 4) */
  rounds?: number;
  /** runs added over all rounds, replicates included (default: as many as the sweep's own grid) */
  budget?: number;
  /** one or two numeric parameters that vary (default: chosen as the report chooses its axes) */
  axes?: string[];
}

export const isBinaryRefineMetric = (m: string): boolean => (BINARY_REFINE_METRICS as readonly string[]).includes(m);
