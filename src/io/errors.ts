/**
 * The I/O layer's one error type. Every message starts with `[io]` and names the file, so a user who sees it in a
 * Slurm log knows which file to delete or inspect; the underlying error (ENOSPC, EACCES, a reader's complaint) is
 * chained as `cause`.
 */
export class ArrowFileError extends Error {
  override readonly name = 'ArrowFileError';
  /** the file the operation was about */
  readonly path: string;

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`[io] ${path}: ${reason}`, options);
    this.path = path;
  }
}

/** A short description of an unknown thrown value, for messages (`ENOSPC: no space left on device, write`). */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
