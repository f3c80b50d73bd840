/**
 * What each command does with its parsed arguments (command-table.ts types them), whichever parser read the command
 * line. Each command's module is imported in its handler, never at the top: Arrow, vega, tfjs, BullMQ and Piscina
 * take most of a second to load, and `plan`, `status` or a refused flag need none of them.
 */
import type { ArgsOf, CommandName, ParsedCommand } from './command-table.js';
import { workFolder } from './errors.js';

type Handlers = { [N in CommandName]: (a: ArgsOf<N>) => Promise<number> };

/** Runs a command whose `--on-done` shell command, if any, runs after it in the folder `dir()` names. */
async function onDone(cmd: string | undefined, dir: () => string | null, work: () => Promise<number>): Promise<number> {
  if (cmd === undefined) return work(); // no module to load for nothing to run
  const { withOnDone } = await import('./on-done.js');
  return withOnDone(cmd, dir, work);
}

const HANDLERS: Handlers = {
  run: async (a) => {
    const { runCommand } = await import('./commands/run.js');
    return onDone(
      a.onDone,
      () => workFolder() ?? a.out ?? null,
      () => runCommand(a),
    );
  },
  plan: async (a) => (await import('./commands/plan.js')).planCommand(a),
  status: async (a) => {
    const { statusCommand } = await import('./commands/status.js');
    const code = await statusCommand(a);
    if (a.queue) {
      const { queueStatusCommand } = await import('./commands/worker.js');
      await queueStatusCommand({ dir: a.dir, queue: a.queue });
    }
    return code;
  },
  merge: async (a) => (await import('./commands/inspect.js')).mergeCommand(a),
  refine: async (a) => {
    const { refineCommand } = await import('./commands/refine.js');
    const axes = a.axes === undefined ? undefined : a.axes.split(',').map((s) => s.trim());
    return onDone(
      a.onDone,
      () => a.dir,
      () => refineCommand({ ...a, axes }),
    );
  },
  fit: async (a) => (await import('./commands/fit.js')).fitCommand(a),
  phase: async (a) => (await import('./commands/analysis.js')).phaseCommand(a),
  figure: async (a) => (await import('./commands/figure.js')).figureCommand(a),
  report: async (a) => (await import('./commands/analysis.js')).reportCommand(a),
  compare: async (a) => (await import('./commands/compare.js')).compareCommand(a),
  serve: async (a) => (await import('./commands/serve.js')).serveCommand(a),
  worker: async (a) => {
    const { workerCommand } = await import('./commands/worker.js');
    return onDone(
      a.onDone,
      () => a.out,
      () => workerCommand(a),
    );
  },
  bench: async (a) => (await import('./commands/bench.js')).benchCommand(a),
};

/** The command's exit status. */
export function runParsed({ command, args }: ParsedCommand): Promise<number> {
  // the table types each handler's arguments; `command` and `args` come from one parse of one command's line
  return (HANDLERS[command] as (a: unknown) => Promise<number>)(args);
}
