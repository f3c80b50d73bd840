/**
 * The I/O layer's errors, one class per kind of file that failed. Every message starts with `[io]` (`[run]` for the
 * folder as a whole) and names the file, so a user who sees it in a Slurm log knows which file to delete or inspect;
 * the underlying error (ENOSPC, EACCES, a reader's complaint) is chained as `cause`. src/cli/errors.ts maps each
 * class to its exit status.
 */

/** Something went wrong with one file: the message is `[io] <path>: <reason>`. */
export abstract class FileError extends Error {
  /** the file the operation was about */
  readonly path: string;
  /** set when `path` is not a regular file or a new name (checkOutFile): refused before anything was written */
  readonly notAFile: boolean;

  constructor(path: string, reason: string, options?: { cause?: unknown; notAFile?: boolean }) {
    super(`[io] ${path}: ${reason}`, options);
    this.path = path;
    this.notAFile = options?.notAFile ?? false;
  }
}

/** An Arrow file (run, neurons, realdata, summary, metrics, boundary) could not be read, checked or written. */
export class ArrowFileError extends FileError {
  override readonly name = 'ArrowFileError';
}

/** A journal could not be opened, appended to or read. */
export class JournalError extends FileError {
  override readonly name = 'JournalError';
}

/** Another output file (plan.json, queue.json, a Parquet copy, a report or diagram) could not be written. */
export class OutputFileError extends FileError {
  override readonly name = 'OutputFileError';
}

/** An output folder that is not one, is missing, holds another sweep or is in use: bad input (exit status 2). */
export class OutDirError extends Error {
  override name = 'OutDirError';
  constructor(message: string, options?: ErrorOptions) {
    super(`[run] ${message}`, options);
  }
}

/** A short description of an unknown thrown value, for messages (`ENOSPC: no space left on device, write`). */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
