#!/usr/bin/env node
/**
 * The `lnsweep` command line (SPEC §7). Parses arguments, calls one command, and turns its result or error into
 * the exit status: 0 all runs done or diverged, 1 some runs failed, 2 bad input (nothing run), 130 interrupted.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { mergeCommand, planCommand, statusCommand } from './commands/inspect.js';
import { runCommand } from './commands/run.js';
import { EXIT_BAD_INPUT, isUserFacing, UsageError } from './errors.js';

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const set = (code: number) => void (exitCode = code);
  await yargs(argv)
    .scriptName('lnsweep')
    .command(
      'run <sweep>',
      'run the runs of a sweep file that are not done yet',
      (y) =>
        y
          .positional('sweep', { type: 'string', demandOption: true, describe: 'sweep file (sweeps/*.yaml)' })
          .option('out', { type: 'string', describe: 'output folder (default out/<name>)' })
          .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
          .option('shard', { type: 'string', describe: 'K/N: run share K of N of the plan' })
          .option('engine', { choices: ['native', 'tfjs'] as const, describe: 'override every run\'s engine' })
          .option('fresh', { type: 'boolean', default: false, describe: 'delete earlier results and start over' })
          .option('retries', { type: 'number', default: 0, describe: 'extra attempts for a failed run' })
          .option('progress', {
            choices: ['auto', 'bar', 'plain', 'none'] as const,
            default: 'auto' as const,
            describe: 'a bar on a terminal, plain lines elsewhere',
          }),
      async (a) => set(await runCommand({ ...a, sweep: a.sweep! })),
    )
    .command(
      'plan <sweep>',
      'print the runs a sweep file expands to; runs nothing',
      (y) =>
        y
          .positional('sweep', { type: 'string', demandOption: true })
          .option('json', { type: 'boolean', default: false, describe: 'the whole plan as JSON' }),
      (a) => set(planCommand({ sweep: a.sweep!, json: a.json })),
    )
    .command(
      'status <dir>',
      'done / diverged / failed / pending counts of an output folder',
      (y) => y.positional('dir', { type: 'string', demandOption: true }),
      async (a) => set(await statusCommand({ dir: a.dir! })),
    )
    .command(
      'merge <dir>',
      'write metrics.arrow and refresh summary.arrow (after shards)',
      (y) => y.positional('dir', { type: 'string', demandOption: true }),
      async (a) => set(await mergeCommand({ dir: a.dir! })),
    )
    .command(
      'bench',
      'benchmarks: kernels against numpy, and the orchestrator',
      (y) =>
        y
          .option('quick', { type: 'boolean', default: false, describe: 'fewer repeats, for a smoke test' })
          .option('out', { type: 'string', default: 'bench-results', describe: 'folder for the JSON results' }),
      async (a) => {
        const { benchCommand } = await import('./commands/bench.js');
        set(await benchCommand({ quick: a.quick, out: a.out }));
      },
    )
    .demandCommand(1, 'name a command: run, plan, status, merge, bench')
    .strict()
    .fail((msg, err) => {
      // PITFALLS: a .fail() that does not throw lets the handler run with bad arguments.
      throw err ?? new UsageError(msg);
    })
    .help()
    .parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isUserFacing(err)) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
    } else {
      process.stderr.write(`[lnsweep] internal error (a bug; please report it): ${(err as Error)?.stack ?? err}\n`);
      process.exitCode = 1;
    }
  },
);
