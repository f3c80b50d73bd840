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
import { OutDirError, planFileHolds, planPath, readPlan, refuseForeignFolder } from '../io/index.js';
import type { Plan, PlannedRun } from '../sweep/plan.js';

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
  // plan.json holds this very plan, byte for byte (a rerun of the sweep, every shard of it): nothing is kept beside
  // it, and its runs need not be parsed (0.1 s at 20,000 runs); the coordinator's write finds it held already
  if (planFileHolds(outDir, incoming)) return { plan: incoming, runs: incoming.runs };
  const existing = readPlan(outDir);
  const newIds = new Set(incoming.runs.map((r) => r.run_id));
  const runs = existing.runs;
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
  // --add: the folder's plan stays; this sweep's earlier additions give way to its new expansion. A run the folder
  // holds already (the same id is the same run: parameters, seed and replicate) keeps the label it has; only runs new
  // to the folder are labelled as added.
  const added_sweep = { name: incoming.name, seed: incoming.seed, source: incoming.source };
  const others = runs.filter((r) => !(r.added_sweep && sameSweep(r.added_sweep, incoming)));
  const held = new Set(others.map((r) => r.run_id));
  const addedRuns: PlannedRun[] = incoming.runs.filter((r) => !held.has(r.run_id)).map((r) => ({ ...r, added_sweep }));
  const plan = { ...existing, runs: [...others, ...addedRuns] };
  const byId = new Map(plan.runs.map((r) => [r.run_id, r]));
  return { plan, runs: incoming.runs.map((r) => byId.get(r.run_id)!) };
}
