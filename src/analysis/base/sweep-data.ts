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
import type { Plan } from '../../sweep/plan.js';

// where they live, below analysis (refinement and the fits use them too); re-exported for the rooms above
export { chooseAxes, determinedBy, isNumericParam, varyingParams } from '../../sweep/axes.js';
export type { ParamKey } from '../../sweep/values.js';
export { isMarkerColumn, zValue } from '../../io/index.js';

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

/** Columns a phase diagram can colour by: final metrics, phase markers, analysis columns and timing. */
export function zColumns(rows: readonly SummaryRow[]): string[] {
  const extras = new Set<string>(ANALYSIS_COLUMNS);
  for (const r of rows) for (const k of Object.keys(r.extra ?? {})) extras.add(k);
  return [...METRIC_NAMES.map((m) => `final_${m}`), ...EVENT_STEP_COLUMNS, ...extras, 'wall_s', 'steps_per_s'];
}
