/**
 * The command lines people type most, read without yargs: a command name, its positionals, and options each given
 * once (`--json`, `--out DIR`, `--out=DIR`). yargs and what it loads at start (its text-width tables and Unicode
 * regular expressions, for help it then never prints) cost about as much as Node's own start, on every command, every
 * Slurm task and every queue worker.
 *
 * Node's util.parseArgs reads the line by the same table yargs is configured from (command-table.ts). Anything it is
 * not sure yargs would read the same way gives null, and yargs reads the line instead (yargs-cli.ts): an unknown or
 * repeated option, a missing or extra positional, a value outside an option's choices, a number yargs would read
 * differently, `--no-x`, `--x=true`, `-h`, `--help`, `--version`, `--`. So every refusal, every help text and every
 * unusual spelling is still yargs' own; test/cli/quick-parse.test.ts checks that both parsers give a handler the same
 * arguments, line by line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { argsOf, COMMANDS, camelCase, type CommandName, type CommandSpec, type ParsedCommand } from './command-table.js';

/** A number written as yargs reads it with Number() alike: digits, one point, an exponent (no hex, no Infinity). */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

const isCommand = (name: string | undefined): name is CommandName => name !== undefined && Object.hasOwn(COMMANDS, name);

/** The command and its arguments, or null: then yargs reads the line. `argv` as after joinDashValues. */
export function quickParse(argv: readonly string[]): ParsedCommand | null {
  const [command, ...rest] = argv;
  if (!isCommand(command)) return null;
  const spec: CommandSpec = COMMANDS[command];
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return null; // unknown option, a value missing or starting with a dash: yargs says what is wrong
  }
  const { tokens, positionals } = parsed;
  const seen = new Set<string>();
  for (const [i, t] of tokens.entries()) {
    if (t.kind === 'option-terminator') return null;
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) return null; // yargs makes an array of a repeated option
    seen.add(t.name);
    // yargs reads `--json false` as --json=false: a boolean followed by true or false is its value there
    const next = tokens[i + 1];
    if (spec.options[t.name].type === 'boolean' && next?.kind === 'positional' && /^(true|false)$/.test(next.value)) return null;
  }
  if (positionals.length !== spec.positionals.length || positionals.some((p) => p === '')) return null;

  const values = new Map<string, unknown>();
  spec.positionals.forEach((p, i) => values.set(p.name, positionals[i]));
  for (const [name, o] of Object.entries(spec.options)) {
    const given = (parsed.values as Record<string, string | boolean | undefined>)[name];
    if (given === undefined) {
      if (o.demandOption) return null; // yargs names what is missing
      values.set(camelCase(name), o.default);
    } else if (o.type === 'number') {
      if (typeof given !== 'string' || !PLAIN_NUMBER.test(given)) return null;
      values.set(camelCase(name), Number(given));
    } else if (o.choices && !o.choices.includes(given as string)) {
      return null; // yargs lists the choices
    } else {
      values.set(camelCase(name), given);
    }
  }
  return { command, args: argsOf(command, (name) => values.get(name)) };
}
