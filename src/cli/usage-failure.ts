/**
 * What yargs' refusals become, so that a typo gets a suggestion and a missing argument the command's usage:
 *
 *   lnsweep rnu sweeps/x.yaml       → unknown command 'rnu' (did you mean 'run'?); `lnsweep --help` lists them
 *   lnsweep run x.yaml --wokers 2   → --wokers: unknown option of `lnsweep run` (did you mean '--workers'?)
 *   lnsweep status                  → lnsweep status <dir>: <dir> is missing, then the command's usage
 *
 * "did you mean" is the sweep-file checks' own (src/sweep/values.ts), so both read alike; it is loaded only once a
 * command line is refused, so that the commands that parse pay nothing for it. yargs hands its failure handler its
 * usage object: its descriptions name every option of the command that failed, and its help text is the command's
 * usage. Both are read there and then (YargsRefusal), the message written after (explain).
 */
import { UsageError } from './errors.js';

/** The part of yargs' usage object used here (yargs passes it as the third argument of `.fail()`). */
interface Usage {
  getDescriptions(): Record<string, unknown>;
  showHelp(print: (text: string) => void): void;
}

/** What `.fail()` throws: yargs' message, with what the failing command knows, read while yargs still holds it. */
export class YargsRefusal extends Error {
  override name = 'YargsRefusal';
  readonly options: string[];
  readonly help: string;
  constructor(
    message: string,
    usage: Usage | undefined,
    readonly argv: readonly string[],
  ) {
    super(message);
    this.options = Object.keys(usage?.getDescriptions() ?? {}).filter((k) => k !== 'help' && k !== 'version');
    let help = '';
    usage?.showHelp((text) => (help = text));
    this.help = help;
  }
}

/** The refusal in words, with a suggestion or the command's usage. */
export async function explain(r: YargsRefusal): Promise<UsageError> {
  const { didYouMean } = await import('../sweep/values.js');
  const { argv } = r;
  const guess = /^Did you mean (\S+)\?$/.exec(r.message);
  if (guess) return new UsageError(`unknown command '${argv[0]}' (did you mean '${guess[1]}'?); \`lnsweep --help\` lists the commands`);
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : null;
  const unknown = /^Unknown arguments?: (.+)$/.exec(r.message);
  if (unknown) {
    const given = unknown[1].split(', ').filter((name) => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`));
    if (given.length > 0) {
      const lines = given.map((name) => {
        const near = didYouMean(name, r.options);
        return `--${name}: unknown option${command ? ` of \`lnsweep ${command}\`` : ''}${near ? ` (did you mean '--${near}'?)` : ''}`;
      });
      return new UsageError(`${lines.join('; ')}; \`lnsweep ${command ? `${command} ` : ''}--help\` lists them`);
    }
  }
  const missingOption = /^Missing required arguments?: (.+)$/.exec(r.message);
  if ((missingOption || /^Not enough non-option arguments/.test(r.message)) && r.help) {
    const synopsis = r.help.split('\n')[0].trim();
    const what = missingOption
      ? `${missingOption[1]
          .split(', ')
          .map((k) => `--${k}`)
          .join(', ')} missing`
      : `missing ${synopsis.match(/<[^>]+>/g)?.join(' ') ?? 'its arguments'}`;
    return new UsageError(`${synopsis}: ${what}\n\n${r.help}`);
  }
  return new UsageError(r.message);
}
