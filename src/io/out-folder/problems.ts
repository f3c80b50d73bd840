/**
 * What went wrong in a folder, grouped for people (`status`, `serve`): the runs that diverged or failed, by reason.
 * Reasons differ run to run only in their numbers ("train loss 1.50e+49 > diverge_loss 1e6 at step 21"), so a
 * reason's numbers (and run ids) are replaced by "…" to group them: "train loss … > diverge_loss … at step …". Each
 * group names a few of its runs and the parameters its runs share among those the plan varies, which is usually
 * where to look ("sigma = 8, width = 4000").
 */
import type { Plan } from '../../sweep/plan.js';
import type { SummaryRow } from '../summary.js';
import { rowOf, type RowSource } from '../summary-table.js';

/** Run ids listed per group; the count says how many there are in all. */
const IDS_SHOWN = 3;

export interface ProblemGroup {
  status: 'diverged' | 'failed';
  /** the reason with its numbers as "…" */
  reason: string;
  count: number;
  /** the first few run ids, in id order */
  run_ids: string[];
  /** every run id of the group, in id order */
  all_run_ids: string[];
  /** one reason as written, for its numbers */
  example: string;
  /** parameters the plan varies that take one value across the group */
  shared: Record<string, string | number>;
}

const RUN_ID = /\b[0-9a-f]{16}\b/g;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

/** "train loss 1.50e+49 > diverge_loss 0.001 at step 21" → "train loss … > diverge_loss … at step …" */
const reasonPattern = (error: string): string => error.replace(RUN_ID, '…').replace(NUMBER, '…');

/**
 * Diverged and failed rows grouped by status and reason pattern, largest group first. O(rows · parameters). Only
 * those rows are built (a summary's rows are built when needed: summary-table.ts).
 */
export function groupProblems(rows: readonly RowSource[], plan: Pick<Plan, 'runs'>): ProblemGroup[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const source of rows) {
    if (source.status === 'done') continue;
    const r = rowOf(source);
    const key = `${r.status}\u0000${reasonPattern(r.error ?? '')}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
  }
  if (groups.size === 0) return [];
  // which parameters the plan varies is a pass over every planned run: only worth it when there is a problem to name
  const varying = varyingKeys(plan.runs);
  const out: ProblemGroup[] = [];
  for (const [key, members] of groups) {
    members.sort((a, b) => (a.run_id < b.run_id ? -1 : 1));
    const shared: Record<string, string | number> = {};
    for (const k of varying) {
      const values = new Set(members.map((m) => JSON.stringify(m.params[k])));
      if (values.size === 1) shared[k] = members[0].params[k] as string | number;
    }
    out.push({
      status: members[0].status as 'diverged' | 'failed',
      reason: key.slice(key.indexOf('\u0000') + 1) || '(no reason recorded)',
      count: members.length,
      run_ids: members.slice(0, IDS_SHOWN).map((m) => m.run_id),
      all_run_ids: members.map((m) => m.run_id),
      example: members[0].error ?? '',
      shared,
    });
  }
  return out.sort((a, b) => b.count - a.count || (a.status < b.status ? -1 : a.status > b.status ? 1 : a.reason < b.reason ? -1 : 1));
}

/** Parameters that take more than one value over the plan (snapshot lists aside: never an axis). */
function varyingKeys(runs: Plan['runs']): (keyof SummaryRow['params'])[] {
  if (runs.length === 0) return [];
  const keys = Object.keys(runs[0].params) as (keyof SummaryRow['params'])[];
  const first = runs[0].params;
  // as their JSON compares (a list, NaN as null), serialised only when not === (most runs share most values)
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
  return keys.filter((k) => k !== 'snapshot_steps' && runs.some((r) => !same(r.params[k], first[k])));
}
