/**
 * Exit statuses and the one place that turns an error into one. Only the CLI sets the exit code.
 *
 * The status says what happened, not which class of error was thrown: the same ENOSPC is bad input when the output
 * folder cannot even be created (nothing ran yet, exit 2) and an output failure when summary.arrow cannot be written
 * after every run finished (exit 1). So a command tells `beginWork` when it starts writing into its folder, and an
 * error after that point is judged by this phase.
 */

import { existsSync } from 'node:fs';

/** Every exit status lnsweep uses, by meaning. `lnsweep --help` lists this table. */
export const EXIT = {
  /** every run done or diverged (or, for plan/status/merge/phase/report, the command did its job) */
  ok: 0,
  /** some runs failed, or output could not be written; finished runs are kept */
  failed: 1,
  /** bad input: a sweep file, flag, path or folder refused before anything ran */
  badInput: 2,
  /** interrupted by a signal (SIGINT, SIGTERM, SIGHUP; any number of them) with runs still pending */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_OK = EXIT.ok;
export const EXIT_RUNS_FAILED = EXIT.failed;
export const EXIT_INTERRUPTED = EXIT.interrupted;

/** The `--help` epilogue: the table above in words. */
export const EXIT_STATUS_HELP = [
  'Exit status:',
  `  ${EXIT.ok}    done: every run finished or diverged`,
  `  ${EXIT.failed}    some runs failed, or output could not be written (finished runs are kept;`,
  '       `lnsweep merge DIR` rebuilds the summary)',
  `  ${EXIT.badInput}    bad input: a sweep file, flag, path or folder refused; nothing was run`,
  `  ${EXIT.interrupted}  interrupted (SIGINT, SIGTERM or SIGHUP); finished runs are kept, rerun to resume`,
].join('\n');

/** Bad command-line input: reported as one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An error whose message is the whole story and whose exit status is already decided. */
class CliFailure extends Error {
  override name = 'CliFailure';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Each error class lnsweep throws for something that failed, by name (so this layer loads none of them), and how its
 * exit status is decided. `refused`: thrown only while checking input, whatever the phase, so always bad input (2).
 * `file`: a file could not be read or written: bad input before the command writes into its folder, an output
 * failure (1) after, when a system error (ENOSPC, EIO) is the cause (see describeFailure). Anything else is a bug.
 */
const ERROR_KINDS: Readonly<Record<string, 'refused' | 'file'>> = {
  UsageError: 'refused', // a flag or argument
  SweepSpecError: 'refused', // a sweep file (src/sweep/errors.ts)
  ShardArgError: 'refused', // --shard K/N (src/sweep/shard.ts)
  ResultsVersionError: 'refused', // a folder of results of another version (src/sweep/plan.ts)
  RefineRequestError: 'refused', // a refine request this folder cannot answer (src/sweep/refine/resolve.ts)
  FitRequestError: 'refused', // a fit request this folder cannot answer (src/analysis/fit/errors.ts)
  OutDirError: 'refused', // the output folder: missing, foreign, holding another sweep, or locked (src/io/out-folder/)
  QueueError: 'refused', // the Redis URL or the folder's queue (src/run/queue.ts)
  FigureError: 'refused', // `figure`: the folder has nothing to draw for the asked kind (src/analysis/export/figure-kinds.ts)
  ArrowFileError: 'file', // an Arrow file (src/io/arrow-file.ts)
  JournalError: 'file', // a journal (src/io/journal.ts)
  OutputFileError: 'file', // plan.json, queue.json, a Parquet copy, a report or diagram (src/io/atomic.ts)
};

const kindOf = (err: unknown): 'refused' | 'file' | undefined => ERROR_KINDS[(err as Error | undefined)?.name ?? ''];

/** Errors whose message is the whole story for the user (no stack): bad sweep files, bad files, bad flags. */
function isUserFacing(err: unknown): boolean {
  return kindOf(err) !== undefined;
}

/** A Node system error (ENOSPC, EIO, EROFS, …): it has a string `code` and a `syscall`. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | undefined;
  return typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.syscall === 'string';
}

/** Where a command is: still checking its input, or writing into `outDir`. */
let work: { outDir: string } | null = null;

/** Marks the moment a command starts writing into `outDir`: from here a system error is an output failure. */
export function beginWork(outDir: string): void {
  work = { outDir };
}

/** The folder the command writes into, once it started (`--on-done` tells its hook). */
export const workFolder = (): string | null => work?.outDir ?? null;

/**
 * The sentence every output failure ends with: what is kept and how to rebuild the rest. A run makes runs/ only once
 * its plan.json is written, so a folder without runs/ has nothing for `merge` to rebuild from.
 */
function keptHint(outDir: string): string {
  if (!existsSync(`${outDir}/runs`)) return 'no run was started; once the cause is fixed, rerun the same command';
  return `every finished run is kept in ${outDir}/runs; once the cause is fixed, \`lnsweep merge ${outDir}\` rebuilds the summary (or rerun the same command to do the rest)`;
}

/** The exit status and the one-line message (or, for a bug, the stack) for an error that reached the top. */
export function describeFailure(err: unknown): { code: ExitCode; message: string } {
  if (err instanceof CliFailure) return { code: err.exitCode, message: err.message };
  // Refusals by construction: thrown only while checking input, whatever the phase.
  if (kindOf(err) === 'refused') {
    return { code: EXIT.badInput, message: (err as Error).message };
  }
  const cause = (err as { cause?: unknown })?.cause;
  const system = isSystemError(err) ? err : isSystemError(cause) ? cause : null;
  if (system?.code === 'EMFILE' || system?.code === 'ENFILE') {
    // the process's (or the system's) open-file limit, not the input: say which limit, whatever the phase
    return {
      code: work ? EXIT.failed : EXIT.badInput,
      message: `[lnsweep] too many open files (${system.code}): ${(err as Error).message}; raise the open-file limit (\`ulimit -n\`) and run again${work ? `; ${keptHint(work.outDir)}` : ''}`,
    };
  }
  // a folder or device where an output file goes (src/io/atomic.ts): the same story as a system error
  const notAFile = (err as { notAFile?: unknown })?.notAFile === true;
  if (work && (system || notAFile)) {
    // After the command started writing: the input was fine, the output could not be written.
    return {
      code: EXIT.failed,
      message: `[lnsweep] could not write the output (${system?.code ?? 'not a regular file'}): ${(err as Error).message}; ${keptHint(work.outDir)}`,
    };
  }
  if (isUserFacing(err)) return { code: EXIT.badInput, message: (err as Error).message };
  if (system) return { code: EXIT.badInput, message: `[lnsweep] ${system.message}` };
  return { code: EXIT.failed, message: `[lnsweep] internal error (a bug; please report it): ${(err as Error)?.stack ?? String(err)}` };
}
