/**
 * A summary row's value of one column by name (docs/formats.md#summary-file): what the phase diagrams colour by,
 * refinement follows and the fits regress. One accessor, so every consumer reads a column the same way.
 */
import type { SummaryRow } from './summary.js';
import { EVENT_STEP_COLUMNS } from './schemas.js';

/** A row's value of a column: `final_<metric>`, a marker, `wall_s`/`steps_per_s`, or an extra column; null where it has none. */
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
