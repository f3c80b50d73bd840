#!/usr/bin/env node
/**
 * The `lnsweep` command line. Reads the arguments, calls one command, and turns its result or error into the exit
 * status of errors.ts (listed under `--help`).
 *
 * What a command line costs before its command starts is kept to a few small modules: `--help` and `--version` are
 * answered from what the build rendered (prebuilt-help.ts), a well-formed command line is read by Node's own parser
 * (quick-parse.ts), and yargs loads only for the rest: help in other forms and every refusal (yargs-cli.ts). All three
 * read the one definition of the commands (command-table.ts); each command's module loads in its handler
 * (handlers.ts).
 */
import { installProcessGuards, say } from './process.js'; // first: it owns the signals from here on
import { describeFailure, EXIT_OK, UsageError } from './errors.js';
import { checkOpenFileLimit } from './fd-limit.js';
import { runParsed } from './handlers.js';
import { joinDashValues } from './options.js';
import { prebuiltAnswer } from './prebuilt-help.js';
import { quickParse } from './quick-parse.js';

async function main(): Promise<number> {
  // Before anything else loads: Node reads a module graph with many files open at once, so under a low `ulimit -n`
  // an import would die with an EMFILE stack. These few modules load first, then the check speaks plainly.
  checkOpenFileLimit();
  const argv = joinDashValues(process.argv.slice(2));
  await checkFaultsEnv(process.env.LNSWEEP_FAULTS);
  const answer = prebuiltAnswer(argv);
  if (answer !== null) {
    // the process ends by itself, once stdout has the text or its error (process.ts)
    process.stdout.write(answer);
    return EXIT_OK;
  }
  const parsed = quickParse(argv);
  if (parsed) return runParsed(parsed);
  const { parseWithYargs } = await import('./yargs-cli.js');
  return parseWithYargs(argv, runParsed);
}

/**
 * LNSWEEP_FAULTS, a test hook (src/run/faults.ts), is checked once here: a malformed value is one line and exit 2,
 * rather than a failure of every run it would reach. Its module loads only when the variable is set.
 */
async function checkFaultsEnv(text: string | undefined): Promise<void> {
  if (text === undefined || text === '') return;
  const { parseFaults } = await import('../run/faults.js');
  try {
    parseFaults(text);
  } catch (err) {
    throw new UsageError(`LNSWEEP_FAULTS (a test hook): ${(err as Error).message}`, { cause: err });
  }
}

installProcessGuards();
main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const { code, message } = describeFailure(err);
    say(message);
    process.exitCode = code;
  },
);
