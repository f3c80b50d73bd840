/**
 * The quick parser (src/cli/quick-parse.ts) against yargs (src/cli/yargs-cli.ts), line by line: wherever the quick
 * parser reads a command line, a handler gets exactly what yargs would have given it; where the two could differ it
 * steps aside (null), and yargs reads the line. The lines are built from the command table itself, every option of
 * every command in each spelling, so a new option is checked without a new line here.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, COMMANDS, type CommandName, type CommandSpec, type ParsedCommand } from '../../src/cli/command-table.js';
import { joinDashValues } from '../../src/cli/options.js';
import { quickParse } from '../../src/cli/quick-parse.js';
import { parseWithYargs } from '../../src/cli/yargs-cli.js';

/** What yargs makes of a line: the command and arguments a handler would get, 'refused', or 'printed' (help, version). */
async function viaYargs(argv: string[]): Promise<ParsedCommand | 'refused' | 'printed'> {
  let parsed: ParsedCommand | null = null;
  try {
    await parseWithYargs(argv, (p) => {
      parsed = p;
      return Promise.resolve(0);
    });
  } catch {
    return 'refused';
  }
  return parsed ?? 'printed';
}

/** A value of the right kind for each option, for the lines that must parse. */
function sampleValue(o: CommandSpec['options'][string]): string | null {
  if (o.choices) return o.choices[o.choices.length - 1];
  if (o.type === 'number') return '3';
  if (o.type === 'boolean') return null;
  return 'v-1';
}

/** The command with its positionals and the options it demands: the shortest line it runs with. */
function shortest(name: CommandName): string[] {
  const spec: CommandSpec = COMMANDS[name];
  const line: string[] = [name, ...spec.positionals.map((p) => `${p.name}-arg`)];
  for (const [option, o] of Object.entries(spec.options)) if (o.demandOption) line.push(`--${option}`, sampleValue(o) ?? '');
  return line;
}

/** Lines the quick parser must read itself: each option alone, in each spelling, and all of them at once. */
function readable(name: CommandName): string[][] {
  const spec: CommandSpec = COMMANDS[name];
  const base = shortest(name);
  const lines = [base];
  const all = [...base];
  for (const [option, o] of Object.entries(spec.options)) {
    if (o.demandOption) continue;
    const value = sampleValue(o);
    if (value === null) {
      lines.push([...base, `--${option}`], [base[0], `--${option}`, ...base.slice(1)]);
      all.push(`--${option}`);
    } else {
      lines.push([...base, `--${option}`, value], [...base, `--${option}=${value}`]);
      all.push(`--${option}=${value}`);
    }
    if (o.type === 'number') lines.push([...base, `--${option}`, '2.5'], [...base, `--${option}`, '1e3'], [...base, `--${option}`, '-4']);
    if (o.type === 'string' && !o.choices) lines.push([...base, `--${option}`, ''], [...base, `--${option}=`], [...base, `--${option}`, '-1/2']);
    for (const c of o.choices ?? []) lines.push([...base, `--${option}`, c]);
  }
  lines.push(all);
  // positionals that look like numbers or flags' values stay text
  if (spec.positionals.length > 0) lines.push([name, ...spec.positionals.map(() => '007'), ...base.slice(1 + spec.positionals.length)]);
  return lines;
}

/** Lines the quick parser leaves to yargs (each could read differently, or is a refusal or help). */
function leftToYargs(name: CommandName): string[][] {
  const spec: CommandSpec = COMMANDS[name];
  const base = shortest(name);
  const lines = [
    [...base, '--help'],
    [...base, '--version'],
    [...base, '-h'],
    [...base, '--no-such-option'],
    [...base, 'one-too-many'],
    [...base, '--', 'x'],
    // options before the command: yargs reads them, the quick parser wants the command first
    ['--version', ...base],
  ];
  if (spec.positionals.length > 0) {
    lines.push(
      base.filter((_, i) => i !== 1),
      [name, '', ...base.slice(2)],
      [name, '--', ...base.slice(1)],
    );
  }
  for (const [option, o] of Object.entries(spec.options)) {
    const value = sampleValue(o);
    if (o.demandOption) {
      const at = base.indexOf(`--${option}`);
      lines.push(base.filter((_, i) => i !== at && i !== at + 1));
    }
    if (value === null) {
      lines.push([...base, `--${option}`, '--' + option], [...base, `--${option}=true`], [...base, `--no-${option}`]);
      // yargs takes the `true` as the flag's value, and then the positional is missing
      if (spec.positionals.length === 1) lines.push([name, `--${option}`, 'true', ...base.slice(2)]);
    } else {
      lines.push([...base, `--${option}`, value, `--${option}`, value]);
      lines.push([...base, `--${option}`], [`--${option}`, value, ...base]);
    }
    if (o.type === 'string' && !o.choices) lines.push([...base, `--${option}`, '-x/y']); // a value that reads as a flag
    if (o.type === 'number') lines.push([...base, `--${option}`, 'abc'], [...base, `--${option}`, '0x10'], [...base, `--${option}`, 'Infinity']);
    if (o.choices) lines.push([...base, `--${option}`, 'not-a-choice']);
    if (option.includes('-')) lines.push([...base, `--${option.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}`, value ?? 'true']);
  }
  return lines;
}

describe('the quick parser reads a command line as yargs does, or leaves it to yargs', () => {
  // yargs prints help and version through console.log; its output is not what is checked here
  beforeAll(() => void vi.spyOn(console, 'log').mockImplementation(() => {}));
  afterAll(() => vi.restoreAllMocks());

  for (const name of COMMAND_NAMES) {
    it(`${name}: every option in every spelling gives the handler what yargs gives it`, async () => {
      for (const line of readable(name)) {
        const argv = joinDashValues(line);
        const quick = quickParse(argv);
        expect(quick, `quick parser stepped aside on: ${line.join(' ')}`).not.toBeNull();
        expect(await viaYargs(argv), line.join(' ')).toStrictEqual(quick);
      }
    });

    it(`${name}: a line that could read differently, or is refused or asks for help, goes to yargs`, () => {
      for (const line of leftToYargs(name)) expect(quickParse(joinDashValues(line)), line.join(' ')).toBeNull();
    });
  }

  it('lines that name no command are yargs', () => {
    for (const line of [[], ['--help'], ['--version'], ['rnu', 'x.yaml'], ['toString'], ['__proto__', 'x'], ['--json', 'plan', 'x']])
      expect(quickParse(line), line.join(' ')).toBeNull();
  });

  it('where the two would differ, they do: the lines stepped aside from are not read alike by a naive parser', async () => {
    // a boolean followed by true/false takes it as its value in yargs, so the positional is missing there
    expect(await viaYargs(['run', '--fresh', 'true'])).toBe('refused');
    // a repeated option becomes an array in yargs
    const twice = await viaYargs(['report', 'd', '--out', 'a.html', '--out', 'b.html']);
    expect((twice as ParsedCommand<'report'>).args.out).toEqual(['a.html', 'b.html']);
    // a number yargs reads its own way
    expect(((await viaYargs(['status', 'd', '--interval', '0x10'])) as ParsedCommand<'status'>).args.interval).toBe(16);
  });
});
