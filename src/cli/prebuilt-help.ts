/**
 * `lnsweep --help` and `lnsweep --version` without yargs. The help text is yargs' own, rendered by `npm run build`
 * (scripts/help-text.mjs runs the built CLI's `--help` through yargs and keeps what it prints in dist/cli/help.txt),
 * so it comes from the one command definition (command-table.ts) and reads exactly as yargs would print it here:
 * yargs wraps help at 80 columns on a pipe, a file or a terminal at least 80 wide, which is what the build renders.
 * On a narrower terminal, with YARGS_DISABLE_WRAP set, or with no help.txt (the sources run by vitest, a build that
 * did not finish), yargs renders it as before.
 */
import { readFileSync } from 'node:fs';
import { toolVersion } from './version.js';

/** What yargs would print for `argv`, when that is `--help` or `--version` alone and known without yargs; else null. */
export function prebuiltAnswer(argv: readonly string[]): string | null {
  if (argv.length !== 1) return null;
  if (argv[0] === '--version') return toolVersion() + '\n';
  if (argv[0] !== '--help' || process.env.YARGS_DISABLE_WRAP) return null;
  const columns = process.stdout.columns as number | undefined; // undefined off a terminal
  if (columns !== undefined && columns > 0 && columns < 80) return null;
  try {
    // one folder below dist/ in the bundle (dist/cli/main.js, dist/chunks/) and below src/ in the sources alike
    return readFileSync(new URL('../cli/help.txt', import.meta.url), 'utf8');
  } catch {
    return null;
  }
}
