/**
 * Exit statuses (SPEC §7) and the one place that turns an error into one. Only the CLI sets the exit code.
 */
export const EXIT_OK = 0;
/** some runs failed */
export const EXIT_RUNS_FAILED = 1;
/** bad input: nothing was run */
export const EXIT_BAD_INPUT = 2;
/** interrupted by a signal with runs still pending (128 + SIGINT), the shell's convention */
export const EXIT_INTERRUPTED = 130;

/** Bad command-line input: reported as one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors whose message is the whole story for the user (no stack): bad sweep files, bad files, bad flags. */
export function isUserFacing(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return ['UsageError', 'SweepSpecError', 'ArrowFileError', 'OutDirError'].includes(name ?? '');
}
