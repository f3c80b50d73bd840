/**
 * The command line as yargs reads it, configured from command-table.ts: `--help` and `--version` in every form, every
 * refusal (an unknown command or option, a missing argument, a value outside its choices) and every spelling the
 * quick parser leaves to it (quick-parse.ts). Loaded only then: yargs and what it loads cost about as much as
 * Node's own start.
 */
import yargs, { type Argv, type Options } from 'yargs';
import { argsOf, COMMAND_NAMES, COMMANDS, DEMAND_COMMAND, type CommandSpec, type ParsedCommand } from './command-table.js';
import { EXIT_STATUS_HELP } from './errors.js';
import { explain, YargsRefusal } from './usage-failure.js';
import { toolVersion } from './version.js';

/** `lnsweep run <sweep>` as yargs' command string. */
const commandLine = (name: string, spec: CommandSpec) => [name, ...spec.positionals.map((p) => `<${p.name}>`)].join(' ');

/**
 * Parses `argv` (as after joinDashValues) and runs the command it names through `run`; resolves to its exit status
 * (0 after `--help` or `--version`). A refused command line rejects with a UsageError in words (usage-failure.ts).
 */
export async function parseWithYargs(argv: string[], run: (parsed: ParsedCommand) => Promise<number>): Promise<number> {
  let exitCode = 0;
  let cli: Argv = yargs(argv).scriptName('lnsweep');
  for (const name of COMMAND_NAMES) {
    const spec: CommandSpec = COMMANDS[name];
    cli = cli.command(
      commandLine(name, spec),
      spec.describe,
      (y) => {
        for (const p of spec.positionals) y.positional(p.name, { type: 'string', demandOption: true, describe: p.describe });
        for (const [option, o] of Object.entries(spec.options)) y.option(option, o as Options);
        return y;
      },
      async (a) => {
        exitCode = await run({ command: name, args: argsOf(name, (key) => a[key]) });
      },
    );
  }
  cli = cli
    .demandCommand(1, DEMAND_COMMAND)
    .strict()
    .recommendCommands()
    .fail((msg, err, usage) => {
      // yargs runs the command handler, bad arguments and all, after a .fail() that returns: it must throw.
      throw err ?? new YargsRefusal(msg, usage as unknown as ConstructorParameters<typeof YargsRefusal>[1], argv);
    })
    .epilogue(EXIT_STATUS_HELP)
    .version(toolVersion())
    .help()
    // after --help or --version the process ends by itself, once stdout has its text or its error (process.ts)
    .exitProcess(false);
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
  } catch (err) {
    // a typo gets a suggestion, a missing argument the command's usage (usage-failure.ts)
    throw err instanceof YargsRefusal ? await explain(err) : err;
  }
  return exitCode;
}

/**
 * yargs renders a command's whole help text each time the command runs, to have it ready should the handler ask for
 * help later. No handler here does (`--help` renders it anew), and that rendering, cliui wrapping every line, costs
 * about as much as loading the sweep layer, on every command. getInternalMethods is yargs' own seam between its
 * modules, absent from its types; should a later yargs lack it, only the time changes.
 */
function skipHelpCache(cli: object): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
