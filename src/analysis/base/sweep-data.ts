/**
 * What the analysis commands read from an output folder: the summary rows (docs/formats.md#summary-file), the plan and
 * the provenance, and the names a phase diagram may use. The summary is taken from `summary.arrow` when it already
 * holds the analysis columns (`norm_decay_rate`, `collapsed`, the predictions) and every marker column; a folder
 * written before they existed is re-digested from its run files (the same rows `lnsweep merge` would write), so old
 * sweeps need no rerun.
 */
import { existsSync } from 'node:fs';
import { THEORY_NAMES } from '../../core/theory.js';
import { METRIC_NAMES } from '../../core/types.js';
import { EVENT_STEP_COLUMNS, readArrowFile, readOutDir, readPlan, readSummary, summaryPath, type SummaryRow } from '../../io/index.js';
import type { Plan, PlannedRun } from '../../sweep/plan.js';

// where they live, below analysis (refinement and the fits use them too); re-exported for the rooms above
export { chooseAxes, determinedBy, isNumericParam, varyingParams } from '../../sweep/axes.js';
import type { ParamKey } from '../../sweep/values.js';
import type { RunParams } from '../../core/types.js';
export type { ParamKey };
export { isMarkerColumn, zValue } from '../../io/index.js';

/** The analysis columns this layer adds to the summary (src/core/summarize.ts and theory.ts define them). */
const ANALYSIS_COLUMNS = ['norm_decay_rate', 'late_w_norm2_mean', 'collapsed', ...THEORY_NAMES] as const;

export interface SweepData {
  dir: string;
  plan: Plan;
  rows: SummaryRow[];
  /** provenance of the summary (or of the plan when the summary was rebuilt here) */
  provenance: Record<string, string>;
  /** why the rows were rebuilt from the run files rather than read from summary.arrow (false: they were read) */
  rebuilt: false | 'missing' | 'outdated';
}

export function loadSweepData(dir: string): SweepData {
  const plan = readPlan(dir);
  const path = summaryPath(dir);
  if (existsSync(path)) {
    const table = readArrowFile(path);
    const names = new Set(table.schema.fields.map((f) => f.name));
    // a summary written before a column existed (a marker, a prediction) is rebuilt rather than read without it
    if ([...ANALYSIS_COLUMNS, ...EVENT_STEP_COLUMNS].every((c) => names.has(c))) {
      const provenance: Record<string, string> = {};
      const raw = table.schema.metadata.get('lnsweep.provenance');
      if (raw) Object.assign(provenance, JSON.parse(raw) as Record<string, string>);
      return { dir, plan, rows: readSummary(path), provenance, rebuilt: false };
    }
  }
  const { rows } = readOutDir(dir, plan, { repair: false });
  const rebuilt = existsSync(path) ? 'outdated' : 'missing';
  return { dir, plan, rows, provenance: { ...(plan as { provenance?: Record<string, string> }).provenance }, rebuilt };
}

/**
 * The rescaled axes: a run's σ, ‖θ*‖ and η in its α = 1 frame, (σ/α², ‖θ*‖/α², ηα²). The map (α, η, σ, θ*) → (1,
 * ηα², σ/α², θ*·α⁻²) is an exact symmetry of the dynamics, so under an lr_rule a σ × α grid is, on these axes, the
 * grid of distinct dynamics. They are not RunParams keys: withRescaledParams adds them to the rows' params.
 */
export const RESCALED_KEYS = ['sigma_per_alpha2', 'teacher_norm_per_alpha2', 'lr_alpha2'] as unknown as readonly ParamKey[];

/** Which rescaled axis stands for a parameter on a rescaled diagram (α itself becomes ‖θ*‖/α², its only trace). */
const RESCALED_AXIS: Partial<Record<string, string>> = {
  sigma: 'sigma_per_alpha2',
  teacher_norm: 'teacher_norm_per_alpha2',
  alpha: 'teacher_norm_per_alpha2',
  lr: 'lr_alpha2',
};

/** The axis a parameter is drawn on with `--rescaled` (itself when it has no rescaled form: width, n, …). */
export const rescaledAxis = (key: ParamKey): ParamKey => (RESCALED_AXIS[key] ?? key) as ParamKey;

/** 12 significant digits: σ/α² of a log-spaced α (2.0000000000000004) lands on the same cell as 2. */
const round12 = (v: number): number => Number(v.toPrecision(12));

/** The rows with the rescaled parameters added (RESCALED_KEYS), for diagrams on the rescaled axes. */
export function withRescaledParams<T extends { params: RunParams }>(rows: readonly T[]): T[] {
  return rows.map((r) => {
    const a2 = r.params.alpha * r.params.alpha;
    const rescaled = {
      sigma_per_alpha2: round12(r.params.sigma / a2),
      teacher_norm_per_alpha2: round12(r.params.teacher_norm / a2),
      lr_alpha2: round12(r.params.lr * a2),
    };
    return { ...r, params: { ...r.params, ...rescaled } };
  });
}

/** The plan's runs that have no outcome yet (no row: neither finished nor failed). */
export function pendingRuns(d: Pick<SweepData, 'plan' | 'rows'>): PlannedRun[] {
  const known = new Set(d.rows.map((r) => r.run_id));
  return d.plan.runs.filter((r) => !known.has(r.run_id));
}

/** How much of the plan has an outcome, when not all of it: "partial: N of M runs". Null for a complete folder. */
export function partialOf(d: Pick<SweepData, 'plan' | 'rows'>): { finished: number; total: number } | null {
  const planned = new Set(d.plan.runs.map((r) => r.run_id));
  const finished = d.rows.filter((r) => planned.has(r.run_id)).length;
  return finished < d.plan.runs.length ? { finished, total: d.plan.runs.length } : null;
}

/** The banner of a partial folder's figures and pages. */
export const partialBanner = (p: { finished: number; total: number }): string => `partial: ${p.finished} of ${p.total} runs`;

/** Columns a phase diagram can colour by: final metrics, phase markers, analysis columns and timing. */
export function zColumns(rows: readonly SummaryRow[]): string[] {
  const extras = new Set<string>(ANALYSIS_COLUMNS);
  for (const r of rows) for (const k of Object.keys(r.extra ?? {})) extras.add(k);
  return [...METRIC_NAMES.map((m) => `final_${m}`), ...EVENT_STEP_COLUMNS, ...extras, 'wall_s', 'steps_per_s'];
}
