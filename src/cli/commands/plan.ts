/**
 * `lnsweep plan`: the runs a sweep file expands to. It loads only the sweep layer (no Arrow, no worker pool), so it
 * answers as fast as a refusal does.
 */
import { once } from 'node:events';
import type { RunParams } from '../../core/types.js';
import { planSweep } from '../../sweep/index.js';
import { planJsonChunks } from '../../sweep/plan-json.js';
import { EXIT_OK } from '../errors.js';

/** Prints one line per run: id, replicate and the parameters that vary across the plan; or, with `json`, the plan. */
export async function planCommand(args: { sweep: string; json: boolean }): Promise<number> {
  const plan = planSweep(args.sweep);
  if (args.json) {
    // plan.json's layout, a piece at a time: a million runs are more text than one string holds
    for (const chunk of planJsonChunks(plan)) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    return EXIT_OK;
  }
  const varying = varyingKeys(plan.runs.map((r) => r.params)) as (keyof RunParams)[];
  const totalCost = plan.runs.reduce((s, r) => s + r.cost, 0);
  const lines = [
    `${plan.name}: ${plan.runs.length} runs (seed ${plan.seed}), ${totalCost.toExponential(2)} multiply-adds in all`,
    ['run_id', 'replicate', ...varying].join('\t'),
    ...plan.runs.map((r) => [r.run_id, r.replicate, ...varying.map((k) => JSON.stringify(r.params[k]))].join('\t')),
  ];
  process.stdout.write(lines.join('\n') + '\n'); // one write, not one per run: each is a system call on a pipe
  return EXIT_OK;
}

/**
 * The keys whose value differs between some of `records` (plan order). Each record's values are compared by position
 * with the first's, as Object.values gives them: a million runs times 24 parameters read by name cost seconds, and
 * a Set of JSON strings per key more. A record whose keys come in another order is compared by name.
 */
function varyingKeys(records: readonly object[]): string[] {
  if (records.length === 0) return [];
  const keys = Object.keys(records[0]);
  const firstValues = Object.values(records[0]) as unknown[];
  const varies = new Array<boolean>(keys.length).fill(false);
  const same = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
  for (const record of records) {
    const values = Object.values(record) as unknown[];
    const names = Object.keys(record);
    const aligned = names.length === keys.length && names.every((k, i) => k === keys[i]);
    for (let i = 0; i < keys.length; i++) {
      if (varies[i]) continue;
      const value = aligned ? values[i] : (record as Record<string, unknown>)[keys[i]];
      if (!same(value, firstValues[i])) varies[i] = true;
    }
  }
  return keys.filter((_, i) => varies[i]);
}
