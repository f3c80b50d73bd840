/**
 * Who may write into an output folder, decided before anything is written.
 *
 * A folder holds one sweep, named by its identity: the sweep's `name` and its `seed` (the two things that pick the
 * folder and every run's random streams; the sweep file's path is not part of it, since the same file is reached by
 * many paths). Running the same sweep again, edited or not, continues it: the new expansion replaces the plan, and
 * runs the expansion lacks are kept only when they did not come from that expansion: runs added by `lnsweep refine`
 * (`refine_round`) or by `run --add` of another sweep (`added_sweep`). Running another sweep there is refused unless
 * `--fresh` (replace it) or `--add` (run it beside; plan.json then holds both, each added run with its own sweep's
 * identity and seed, so `status` and `merge` see both).
 *
 * The folder's lock, taken before anything is written, is src/io/out-folder/lock.ts.
 */
import { existsSync } from 'node:fs';
import { OutDirError, planPath, readPlan, refuseForeignFolder } from '../io/index.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';

/** A run as plan.json stores it: refine and `--add` mark the runs that did not come from the sweep's own file. */
type StoredRun = PlannedRun & {
  /** set by `lnsweep refine` */
  refine_round?: number;
  /** set by `run --add`: the sweep this run came from, when it is not the folder's own */
  added_sweep?: { name: string; seed: number; source: string };
};

const sameSweep = (a: { name: string; seed: number }, b: { name: string; seed: number }) => a.name === b.name && a.seed === b.seed;

const describeSweep = (s: { name: string; seed: number; source: string }) => `'${s.name}' (seed ${s.seed}, ${s.source})`;

export { sweepSeedOf } from '../sweep/plan.js';

/**
 * The plan to write into `outDir` for `incoming` (a freshly expanded sweep), and the runs of it this `run` does
 * (the whole plan for the folder's own sweep, the added runs for `--add`). Throws
 * OutDirError (bad input, nothing written) when the folder holds another sweep and neither `fresh` nor `add` says
 * what to do with it.
 */
export function planForFolder(outDir: string, incoming: Plan, opts: { fresh: boolean; add: boolean }): { plan: Plan; runs: PlannedRun[] } {
  if (opts.fresh && opts.add) throw new OutDirError('--fresh and --add: choose one (replace the folder, or add beside it)');
  if (opts.fresh) refuseForeignFolder(outDir);
  if (opts.fresh || !existsSync(planPath(outDir))) return { plan: incoming, runs: incoming.runs };
  const existing = readPlan(outDir);
  const newIds = new Set(incoming.runs.map((r) => r.run_id));
  const runs = existing.runs as StoredRun[];
  if (sameSweep(existing, incoming)) {
    // the same sweep again: its new expansion, plus what refine and --add put beside it
    const kept = runs.filter((r) => !newIds.has(r.run_id) && (r.refine_round !== undefined || r.added_sweep !== undefined));
    const plan = { ...incoming, runs: [...incoming.runs, ...kept] };
    return { plan, runs: plan.runs };
  }
  const existingSource = { name: existing.name, seed: existing.seed, source: existing.source };
  if (!opts.add) {
    throw new OutDirError(
      `${outDir} holds sweep ${describeSweep(existingSource)}, not ${describeSweep(incoming)}; nothing was changed. ` +
        `Use another --out, --add to run this sweep beside it, or --fresh to replace it`,
    );
  }
  // --add: the folder's plan stays; this sweep's earlier additions give way to its new expansion
  const added_sweep = { name: incoming.name, seed: incoming.seed, source: incoming.source };
  const others = runs.filter((r) => !newIds.has(r.run_id) && !(r.added_sweep && sameSweep(r.added_sweep, incoming)));
  const addedRuns: StoredRun[] = incoming.runs.map((r) => ({ ...r, added_sweep }));
  return { plan: { ...existing, runs: [...others, ...addedRuns] }, runs: addedRuns };
}
