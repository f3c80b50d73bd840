/**
 * The sweep layer's one error type. Every problem a user can fix in a sweep file (or in a `--shard` argument) becomes
 * a `SweepSpecError`; the CLI maps it to exit status 2 and prints its message, one problem per line:
 *
 *     [sweep] sweeps/x.yaml: grid.sigma[2]: must be ≥ 0 (got -1)
 *     [sweep] sweeps/x.yaml: base.widht: unknown parameter (did you mean 'width'?)
 *     [sweep] sweeps/x.yaml: line 3, col 5: malformed YAML: …
 *     [sweep] sweeps/missing.yaml: cannot read the file: no such file (ENOENT)
 *
 * The form is stable (`[sweep] <source>: <path>: <reason>`, the path left out when the problem is the whole file) so
 * that tests and users' scripts can match on it.
 */

/** One thing wrong with a sweep file: where (a key path such as `zip[0].width[1]`, or '' for the whole file) and why. */
export interface SweepProblem {
  path: string;
  reason: string;
  /** the underlying error, if any; the first becomes the SweepSpecError's `cause` */
  cause?: unknown;
}

/** More problems than this are summarised as "… and K more" so that a 10,000-run sweep cannot flood the terminal. */
const MAX_LISTED = 25;

export class SweepSpecError extends Error {
  override readonly name = 'SweepSpecError';
  /** the file (or option, e.g. `--shard`) the problems are in, as the user named it */
  readonly source: string;
  readonly problems: readonly SweepProblem[];

  constructor(source: string, problems: readonly SweepProblem[], options?: { cause?: unknown }) {
    const cause = options && 'cause' in options ? options.cause : problems.find((p) => p.cause !== undefined)?.cause;
    super(formatProblems(source, problems), cause === undefined ? undefined : { cause });
    this.source = source;
    this.problems = problems;
  }
}

function formatProblem(source: string, p: SweepProblem): string {
  return p.path ? `[sweep] ${source}: ${p.path}: ${p.reason}` : `[sweep] ${source}: ${p.reason}`;
}

function formatProblems(source: string, problems: readonly SweepProblem[]): string {
  if (problems.length === 0) return `[sweep] ${source}: bug: SweepSpecError raised with no problem`;
  const lines = problems.slice(0, MAX_LISTED).map((p) => formatProblem(source, p));
  if (problems.length > MAX_LISTED) lines.push(`[sweep] ${source}: … and ${problems.length - MAX_LISTED} more problems`);
  return lines.join('\n');
}

/** A `--shard K/N` that names no share (src/sweep/shard.ts): `[sweep] --shard: <reason>`, bad input. */
export class ShardArgError extends Error {
  override readonly name = 'ShardArgError';
  constructor(reason: string) {
    super(formatProblem('--shard', { path: '', reason }));
  }
}

/**
 * An output folder whose plan.json was frozen by an lnsweep computing another results version (src/sweep/plan.ts):
 * `[sweep] <folder>: <reason>`, bad input.
 */
export class ResultsVersionError extends Error {
  override readonly name = 'ResultsVersionError';
  constructor(outDir: string, reason: string) {
    super(formatProblem(outDir, { path: '', reason }));
  }
}

/**
 * A refinement request that cannot be carried out in this folder (src/sweep/refine/resolve.ts): an axis that does not
 * vary there, a level the metric never reaches. The message names the flag; bad input.
 */
export class RefineRequestError extends Error {
  override readonly name = 'RefineRequestError';
}
