/**
 * A phase diagram's cells: the summary rows grouped by (facet, x, y), their replicates aggregated with a spread, and
 * each cell's kind. Kinds, in the order they are decided:
 *   pending      no run of the cell has finished or failed yet (a partial folder: the sweep is still running)
 *   failed       every run of the cell failed (an error, not a result)
 *   diverged     more than half of the finished runs diverged
 *   collapsed    more than half of the finished runs collapsed (θ → 0, summarize.ts), unless z is `collapsed` itself
 *   unreachable  z is a Phase II marker the aggregate lies past the last step of, and most of the cell's runs can never
 *                reach it: their end point lies outside its set (src/core/theory.ts markerUnreachable)
 *   not_reached  z is a phase marker and the aggregate lies past the last step (see below)
 *   missing      no run gave a value
 *   value        otherwise
 * Marker columns (`*_step`) are censored data: a run that never reached the threshold counts as reaching it after its
 * last step (+∞), so the median is right whenever at least half the runs reached it; the mean needs every run to.
 * Pure; O(rows · log rows).
 */
import { markerUnreachable } from '../../core/theory.js';
import { quantile } from '../../core/quantile.js';
import type { RunParams } from '../../core/types.js';
import type { SummaryRow } from '../../io/index.js';
import type { NonValueKind } from './cell-kinds.js';
import { isMarkerColumn, zValue, type ParamKey } from './sweep-data.js';

export { axisKind, type AxisKind } from '../../sweep/axes.js';
export { quantile };

/** `value`, or one of the kinds drawn in their own colours (cell-kinds.ts). */
type CellKind = 'value' | NonValueKind;
export type Agg = 'median' | 'mean';

export interface Cell {
  facet: number | string | null;
  x: number;
  y: number;
  kind: CellKind;
  /** the aggregate over replicates (null unless kind is `value`) */
  value: number | null;
  /** IQR (median) or standard deviation (mean) across replicates; null with fewer than 2 finite values */
  spread: number | null;
  runs: number;
  done: number;
  diverged: number;
  failed: number;
  /** planned runs of the cell with no outcome yet (not counted in `runs`) */
  pending: number;
  collapsed: number;
  /** runs that reached a marker (marker columns only) */
  reached: number;
  /** the largest `steps` among the cell's runs: "not reached by step T" */
  lastStep: number;
}

export interface CellQuery {
  x: ParamKey;
  y: ParamKey;
  z: string;
  facet: ParamKey | null;
  agg: Agg;
}

/**
 * The cells of `rows`, and of `pending`: planned runs with no outcome yet (sweep-data.ts pendingRuns), so that a
 * partial folder draws the cells still to come as pending rather than leaving them out.
 */
export function buildCells(rows: readonly SummaryRow[], q: CellQuery, pending: readonly { params: RunParams }[] = []): Cell[] {
  const groups = new Map<string, { rows: SummaryRow[]; pending: RunParams[] }>();
  const groupOf = (p: RunParams) => {
    const key = JSON.stringify([q.facet ? p[q.facet] : null, p[q.x], p[q.y]]);
    return groups.get(key) ?? groups.set(key, { rows: [], pending: [] }).get(key)!;
  };
  for (const r of rows) groupOf(r.params).rows.push(r);
  for (const r of pending) groupOf(r.params).pending.push(r.params);
  const cells = [...groups.values()].map((g) => cellOf(g.rows, g.pending, q));
  return cells.sort((a, b) => cmp(a.facet, b.facet) || a.x - b.x || a.y - b.y);
}

function cellOf(g: SummaryRow[], pending: RunParams[], q: CellQuery): Cell {
  const first = g[0]?.params ?? pending[0];
  const count = (pred: (r: SummaryRow) => boolean) => g.filter(pred).length;
  const finished = g.filter((r) => r.status !== 'failed');
  const done = finished.filter((r) => r.status === 'done');
  const collapsedRuns = done.filter((r) => r.extra?.collapsed === 1);
  const cell: Cell = {
    facet: q.facet ? (first[q.facet] as number | string) : null,
    x: Number(first[q.x]),
    y: Number(first[q.y]),
    kind: 'value',
    value: null,
    spread: null,
    runs: g.length,
    done: done.length,
    diverged: count((r) => r.status === 'diverged'),
    failed: count((r) => r.status === 'failed'),
    pending: pending.length,
    collapsed: collapsedRuns.length,
    reached: 0,
    lastStep: Math.max(...g.map((r) => r.params.steps), ...pending.map((p) => p.steps)),
  };
  if (finished.length === 0) return { ...cell, kind: pending.length > 0 ? 'pending' : 'failed' };
  if (2 * cell.diverged > finished.length) return { ...cell, kind: 'diverged' };
  if (q.z !== 'collapsed' && 2 * cell.collapsed > done.length) return { ...cell, kind: 'collapsed' };

  const marker = isMarkerColumn(q.z);
  const raw = done.map((r) => zValue(r, q.z));
  const values = marker ? raw.map((v) => (v === null ? Infinity : v)) : raw.filter((v): v is number => v !== null && Number.isFinite(v));
  cell.reached = marker ? raw.filter((v) => v !== null).length : 0;
  if (values.length === 0) return { ...cell, kind: 'missing' };
  const value = q.agg === 'median' ? quantile(values, 0.5) : mean(values);
  const finite = values.filter(Number.isFinite);
  const spread = finite.length < 2 || finite.length < values.length ? null : q.agg === 'median' ? iqr(values) : std(values);
  if (!Number.isFinite(value)) {
    const unreachable = marker && 2 * done.filter((r) => markerUnreachable(q.z, r.params)).length > done.length;
    return { ...cell, kind: unreachable ? 'unreachable' : marker ? 'not_reached' : 'missing' };
  }
  return { ...cell, value, spread };
}

const iqr = (v: readonly number[]): number => quantile(v, 0.75) - quantile(v, 0.25);
const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

/** Sample standard deviation (n − 1). */
function std(v: readonly number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}

function cmp(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/**
 * Cell edges for a quantitative axis: midpoints between neighbours (geometric on a log axis) and half a step beyond
 * the ends, so each cell is centred on its grid value. Returns a map value → [lo, hi].
 */
export function cellEdges(values: readonly number[], kind: 'log' | 'linear'): Map<number, [number, number]> {
  const v = [...new Set(values)].sort((a, b) => a - b);
  const f = kind === 'log' ? Math.log : (x: number) => x;
  const g = kind === 'log' ? Math.exp : (x: number) => x;
  const t = v.map(f);
  const out = new Map<number, [number, number]>();
  v.forEach((x, i) => {
    const lo = i > 0 ? (t[i - 1] + t[i]) / 2 : t[0] - (t[1] - t[0]) / 2;
    const hi = i < v.length - 1 ? (t[i] + t[i + 1]) / 2 : t[i] + (t[i] - t[i - 1]) / 2;
    out.set(x, [g(lo), g(hi)]);
  });
  return out;
}
