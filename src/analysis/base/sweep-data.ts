/**
 * What the analysis commands read from an output folder: the summary rows (docs/formats.md#summary-file), the plan and
 * the provenance, and the names a phase diagram may use. The summary is taken from `summary.arrow` when it already
 * holds the analysis columns (`norm_decay_rate`, `collapsed`, the predictions) and every marker column; a folder
 * written before they existed is re-digested from its run files (the same rows `lnsweep merge` would write), so old
 * sweeps need no rerun.
 */
import { existsSync } from 'node:fs';
import { PARAM_KEYS, PARAM_SPECS } from '../../core/params.js';
import { THEORY_NAMES } from '../../core/theory.js';
import { METRIC_NAMES, type RunParams } from '../../core/types.js';
import { EVENT_STEP_COLUMNS, readArrowFile, readOutDir, readPlan, readSummary, summaryPath, type SummaryRow } from '../../io/index.js';
import type { Plan, PlannedRun } from '../../sweep/plan.js';

/** The analysis columns this layer adds to the summary (src/core/summarize.ts and theory.ts define them). */
const ANALYSIS_COLUMNS = ['norm_decay_rate', 'collapsed', ...THEORY_NAMES] as const;

export interface SweepData {
  dir: string;
  plan: Plan;
  rows: SummaryRow[];
  /** provenance of the summary (or of the plan when the summary was rebuilt here) */
  provenance: Record<string, string>;
  /** true when the rows were rebuilt from run files rather than read from summary.arrow */
  rebuilt: boolean;
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
  return { dir, plan, rows, provenance: { ...(plan as { provenance?: Record<string, string> }).provenance }, rebuilt: true };
}

export type ParamKey = keyof RunParams;

/** Anything with a run's parameters: summary rows, or the plan's runs (for what must not depend on which are done). */
type WithParams = { params: RunParams };

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

export function isNumericParam(key: string): key is ParamKey {
  const spec = PARAM_SPECS[key as ParamKey];
  return spec !== undefined && (spec.kind.kind === 'int' || spec.kind.kind === 'float');
}

/** Parameters taking more than one value across the rows, in PARAM_KEYS order. */
export function varyingParams(rows: readonly WithParams[]): ParamKey[] {
  return PARAM_KEYS.filter((key) => new Set(rows.map((r) => JSON.stringify(r.params[key]))).size > 1);
}

/** Columns a phase diagram can colour by: final metrics, phase markers, analysis columns and timing. */
export function zColumns(rows: readonly SummaryRow[]): string[] {
  const extras = new Set<string>(ANALYSIS_COLUMNS);
  for (const r of rows) for (const k of Object.keys(r.extra ?? {})) extras.add(k);
  return [...METRIC_NAMES.map((m) => `final_${m}`), ...EVENT_STEP_COLUMNS, ...extras, 'wall_s', 'steps_per_s'];
}

/** A row's value of a z column (null where it has none). */
export function zValue(row: SummaryRow, z: string): number | null {
  if (z.startsWith('final_')) return row.final[z.slice(6) as keyof SummaryRow['final']] ?? null;
  if ((EVENT_STEP_COLUMNS as readonly string[]).includes(z)) return row[z as (typeof EVENT_STEP_COLUMNS)[number]] ?? null;
  if (z === 'wall_s' || z === 'steps_per_s') return row[z];
  return row.extra?.[z] ?? null;
}

/** Marker columns: a null means "not reached by the last step", not "missing". */
export function isMarkerColumn(z: string): boolean {
  return (EVENT_STEP_COLUMNS as readonly string[]).includes(z);
}

/**
 * True when `key`'s value is a function of the `given` parameters across the rows (as `lr` is of `alpha` and `width`
 * under an lr_rule): such a parameter adds no cells and would only repeat another axis.
 */
export function determinedBy(rows: readonly WithParams[], key: ParamKey, given: readonly ParamKey[]): boolean {
  const seen = new Map<string, string>();
  for (const r of rows) {
    const k = JSON.stringify(given.map((g) => r.params[g]));
    const v = JSON.stringify(r.params[key]);
    const prev = seen.get(k);
    if (prev !== undefined && prev !== v) return false;
    seen.set(k, v);
  }
  return true;
}

/** The order in which the report picks axes: the paper's control parameters first. */
const AXIS_PREFERENCE: readonly ParamKey[] = ['sigma', 'rho', 'alpha', 'width', 'lr', 'n', 'd', 'batch', 'noise_period'];

/**
 * Axes for the report's phase diagrams: x, y and an optional facet among the varying numeric parameters, skipping
 * any determined by those already chosen. Null when fewer than two independent numeric parameters vary.
 */
export function chooseAxes(rows: readonly WithParams[]): { x: ParamKey; y: ParamKey; facet: ParamKey | null } | null {
  const varying = varyingParams(rows).filter(isNumericParam);
  const ordered = [...AXIS_PREFERENCE.filter((k) => varying.includes(k)), ...varying.filter((k) => !AXIS_PREFERENCE.includes(k))];
  const chosen: ParamKey[] = [];
  for (const key of ordered) {
    if (chosen.length === 3) break;
    if (chosen.length > 0 && determinedBy(rows, key, chosen)) continue;
    chosen.push(key);
  }
  if (chosen.length < 2) return null;
  return { x: chosen[0], y: chosen[1], facet: chosen[2] ?? null };
}
