/**
 * What `lnsweep refine` (and a sweep file's `refine:` key) may ask for: the metric names it understands, the shape
 * of a request, and where a diverged run lies for the metrics where divergence has a side. Kept apart from round.ts so
 * that spec.ts can check a sweep file's request without importing plan.ts.
 */
import { METRIC_NAMES } from '../../core/types.js';

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

/**
 * Replicates refinement gives each point at least (README "Refining phase boundaries"): its decisions and the band
 * rest on the spread across replicates, which needs more than one or two.
 */
export const MIN_REFINE_REPLICATES = 3;

/**
 * The value a diverged run counts as, for the metrics where divergence has a side; elsewhere a diverged run has no
 * value. A run that blew up has left its lazy ball (lazy fractions 0, its escape before any level) and is not aligned
 * with θ* (alignment below any level, `align_step` never reached). So a crossing beside diverged cells is found, and
 * drawn at the middle of the edge that ends at the diverged point (no value to interpolate towards).
 */
export const DIVERGED_SIDE: Readonly<Record<string, number>> = {
  final_align_cos_mean: -Infinity,
  final_align_ip_mean: -Infinity,
  align_step: Infinity,
  final_lazy_frac: -Infinity,
  final_lazy_frac_rel: -Infinity,
  lazy_escape_step: -Infinity,
};

/** A refinement request as a sweep file gives it (`refine: { metric, level, rounds, budget, axes, replicates }`). */
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
  /** replicates of every point refinement adds or decides on (default: the sweep's, at least MIN_REFINE_REPLICATES) */
  replicates?: number;
}

export const isBinaryRefineMetric = (m: string): boolean => (BINARY_REFINE_METRICS as readonly string[]).includes(m);
