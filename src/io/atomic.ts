/**
 * How every output file appears only when complete (docs/formats.md, "Temporary files"): its bytes go to a temporary
 * name in the same folder (tempPathFor in out-folder/paths.ts), are fsync'd, renamed over the final name, and the
 * folder is fsync'd so the rename itself survives a power cut. A reader sees the old file or the whole new one.
 */
import { closeSync, fsyncSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeCause, OutputFileError, type FileError } from './errors.js';
import { tempPathFor } from './out-folder/paths.js';

/** The error a failed write throws: OutputFileError, or ArrowFileError for Arrow files (arrow-file.ts). */
type WriteErrorClass = new (path: string, reason: string, options?: { cause?: unknown; notAFile?: boolean }) => FileError;

/** Temp files this process is writing now: removed by removeLiveTemps when a signal ends the process mid-write. */
const liveTemps = new Set<string>();

/** Deletes every temp file this process has open (for a signal handler about to exit); never throws. */
export function removeLiveTemps(): void {
  for (const tmp of liveTemps) removeQuietly(tmp);
  liveTemps.clear();
}

/**
 * Every file lnsweep writes goes to a regular file or a new name, nothing else: the rename that makes a write atomic
 * would turn a device (`/dev/null`, `/dev/full`) or a FIFO into a regular file, and replace a symbolic link itself
 * rather than write where it points. This check refuses those, a folder, and a name whose folder is missing, with
 * OutputFileError naming `path` (exit 2: nothing was changed). Every write below goes through the same check, and a
 * command's `--out FILE` (report, phase, figure) is checked with this before any work, so a refusal costs nothing.
 */
export function checkOutFile(path: string): void {
  const problem = targetProblem(path);
  if (problem) throw new OutputFileError(path, problem.why, { cause: problem.cause, notAFile: true });
}

/** Why `path` may not be written (checkOutFile), or null when it is a regular file or a new name in a folder. */
function targetProblem(path: string): { why: string; cause?: unknown } | null {
  const refuse = (what: string, cause?: unknown) => ({
    why: `${what}; lnsweep writes only to a regular file or a new name, so nothing was changed`,
    cause,
  });
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return refuse('a part of the path is a file, not a folder (ENOTDIR)', err);
    if (code !== 'ENOENT') return refuse(`cannot look at it (${describeCause(err)})`, err);
    try {
      if (!statSync(dirname(path)).isDirectory()) return refuse(`${dirname(path)} is not a folder`);
    } catch (cause) {
      return refuse(`its folder ${dirname(path)} does not exist`, cause);
    }
    return null; // a new name
  }
  if (st.isFile()) return null;
  if (st.isSymbolicLink()) return refuse(`a symbolic link (to ${readlinkSync(path)}); give the file it points to, or a new name`);
  if (st.isDirectory()) return refuse('a folder, not a file; give a file name');
  if (st.isFIFO()) return refuse('a FIFO (named pipe)');
  if (st.isCharacterDevice() || st.isBlockDevice()) return refuse('a device');
  return refuse(st.isSocket() ? 'a socket' : 'not a regular file');
}

/** Throws `errorClass` when `path` is no place to write a file (targetProblem). */
function checkTarget(path: string, errorClass: WriteErrorClass): void {
  const problem = targetProblem(path);
  if (problem) throw new errorClass(path, problem.why, { cause: problem.cause, notAFile: true });
}

/** Writes through `fill(fd)` to a temporary file, fsyncs, renames over `path`. Throws `errorClass` naming `path`. */
export function writeBytesAtomic(path: string, fill: (fd: number) => void, errorClass: WriteErrorClass = OutputFileError): void {
  checkTarget(path, errorClass);
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  liveTemps.add(tmp);
  try {
    fd = openSync(tmp, 'wx');
    fill(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (cause) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(tmp);
    throw new errorClass(path, `could not write: ${describeCause(cause)}`, { cause });
  } finally {
    liveTemps.delete(tmp);
  }
  fsyncFolder(dirname(path));
}

/** The asynchronous twin of writeBytesAtomic, for streamed outputs: `fill` writes the whole file at `tmpPath`. */
export async function writeFileAtomicAsync(
  path: string,
  fill: (tmpPath: string) => Promise<void>,
  errorClass: WriteErrorClass = OutputFileError,
): Promise<void> {
  checkTarget(path, errorClass);
  const tmp = tempPathFor(path);
  liveTemps.add(tmp);
  try {
    await fill(tmp);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeQuietly(fd);
    }
    renameSync(tmp, path);
  } catch (cause) {
    removeQuietly(tmp);
    throw new errorClass(path, `could not write: ${describeCause(cause)}`, { cause });
  } finally {
    liveTemps.delete(tmp);
  }
  fsyncFolder(dirname(path));
}

/** A whole text or byte file (SVG, HTML, JSON), atomically. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeBytesAtomic(path, (fd) => writeAllSync(fd, bytes));
}

export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.byteLength) {
    offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
  }
}

/** Makes a rename durable. Some file systems refuse to fsync a folder (EINVAL, EISDIR): the rename still happened. */
function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // best effort: the file itself is complete and fsync'd
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing was created there (the folder is missing or not a folder)
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already failing; the first error is the one to report
  }
}

/** A text file written a piece at a time (a plan of a million runs is more than one string can hold), atomically. */
export function writeTextChunksAtomic(path: string, chunks: Iterable<string>): void {
  writeBytesAtomic(path, (fd) => {
    for (const chunk of chunks) writeAllSync(fd, Buffer.from(chunk, 'utf8'));
  });
}

/** queue.json and other small JSON files, atomically (plan.json: writePlanFile, out-folder/plan-file.ts). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
