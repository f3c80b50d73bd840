/**
 * `lnsweep plan`: the runs a sweep file expands to. It loads only the sweep layer (no Arrow, no worker pool), so it
 * answers as fast as a refusal does.
 */
import { planSweep } from '../../sweep/index.js';
import { EXIT_OK } from '../errors.js';

/** Prints one line per run: id, replicate and the parameters that vary across the plan. */
export function planCommand(args: { sweep: string; json: boolean }): number {
  const plan = planSweep(args.sweep);
  if (args.json) {
    process.stdout.write(JSON.stringify(plan, null, 2) + '\n');
    return EXIT_OK;
  }
  const keys = Object.keys(plan.runs[0]?.params ?? {}) as (keyof (typeof plan.runs)[0]['params'])[];
  const varying = keys.filter((k) => new Set(plan.runs.map((r) => JSON.stringify(r.params[k]))).size > 1);
  const totalCost = plan.runs.reduce((s, r) => s + r.cost, 0);
  const lines = [
    `${plan.name}: ${plan.runs.length} runs (seed ${plan.seed}), ${totalCost.toExponential(2)} multiply-adds in all`,
    ['run_id', 'replicate', ...varying].join('\t'),
    ...plan.runs.map((r) => [r.run_id, r.replicate, ...varying.map((k) => JSON.stringify(r.params[k]))].join('\t')),
  ];
  process.stdout.write(lines.join('\n') + '\n'); // one write, not one per run: each is a system call on a pipe
  return EXIT_OK;
}
