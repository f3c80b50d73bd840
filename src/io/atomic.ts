/**
 * How every output file appears only when complete (docs/formats.md, "Temporary files"): its bytes go to a temporary
 * name in the same folder (tempPathFor in out-folder/paths.ts), are fsync'd, renamed over the final name, and the
 * folder is fsync'd so the rename itself survives a power cut. A reader sees the old file or the whole new one.
 */
import { closeSync, fsync, fsyncSync, lstatSync, openSync, readlinkSync, rename, renameSync, rmSync, statSync, writeSync } from 'node:fs';
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

/**
 * Why `path` may not be written (checkOutFile), or null when it is a regular file or a new name in a folder.
 * `folderOfNewName`: whether a new name's folder is looked at too (a second stat) for a clear message when it is
 * missing; writeBytesAside does without, once per file of every run (its temp file's creation fails naming the file).
 */
function targetProblem(path: string, folderOfNewName = true): { why: string; cause?: unknown } | null {
  const refuse = (what: string, cause?: unknown) => ({
    why: `${what}; lnsweep writes only to a regular file or a new name, so nothing was changed`,
    cause,
  });
  let st;
  try {
    // a new name (the usual case: every run file) is `undefined`, not an exception: building an ENOENT error with its
    // stack cost a tenth of a millisecond of every tiny run (issue 23)
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return refuse('a part of the path is a file, not a folder (ENOTDIR)', err);
    return refuse(`cannot look at it (${describeCause(err)})`, err);
  }
  if (st === undefined) {
    if (!folderOfNewName) return null;
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
function checkTarget(path: string, errorClass: WriteErrorClass, folderOfNewName = true): void {
  const problem = targetProblem(path, folderOfNewName);
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

/**
 * A file written aside (writeBytesAside): its bytes are in a temporary file beside `path`, not yet fsync'd nor named.
 * commitAside finishes it.
 */
export interface PendingWrite {
  path: string;
  tmp: string;
}

/**
 * The first half of writeBytesAtomic: `fill(fd)` writes the bytes to a temporary file beside `path`, with no fsync and
 * no rename, so that a worker thread can go on to its next run while the file is made durable together with other
 * runs' files (commitAside, on the coordinator's thread). Throws `errorClass` naming `path`, with nothing left behind.
 */
export function writeBytesAside(path: string, fill: (fd: number) => void, errorClass: WriteErrorClass = OutputFileError): PendingWrite {
  checkTarget(path, errorClass, false);
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    fill(fd);
    closeSync(fd);
  } catch (cause) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(tmp);
    throw new errorClass(path, `could not write: ${describeCause(cause)}`, { cause });
  }
  return { path, tmp };
}

/** Removes what writeBytesAside left, for a writer that gives up before the commit; never throws. */
export function discardAside(writes: readonly PendingWrite[]): void {
  for (const w of writes) removeQuietly(w.tmp);
}

/**
 * The second half of writeBytesAtomic, for many groups of files at once (a group commit: one group per run). Every
 * temporary file is fsync'd at once (the file system commits concurrent fsyncs together, so n files cost about one),
 * then the files of each group are renamed into place in two waves — every file but the last of each group, then the
 * last (a run's run file, which marks the run finished, after its sidecars) — each wave followed by an fsync of the
 * folders it renamed into. So when this resolves every file named is durable under its name, and a crash at any
 * moment leaves no run file whose sidecars are not in place. Resolves to one entry per group: null, or the error
 * naming the file that could not be made durable; none of a failed group's files is renamed, and its temps are gone.
 */
export async function commitAside(
  groups: readonly (readonly PendingWrite[])[],
  errorClass: WriteErrorClass = OutputFileError,
): Promise<(FileError | null)[]> {
  const failed: (FileError | null)[] = groups.map(() => null);
  const fail = (i: number, w: PendingWrite, cause: unknown) => {
    failed[i] ??= new errorClass(w.path, `could not write: ${describeCause(cause)}`, { cause });
  };
  for (const g of groups) for (const w of g) liveTemps.add(w.tmp);
  try {
    await Promise.all(groups.flatMap((g, i) => g.map((w) => fsyncPath(w.tmp).catch((cause: unknown) => fail(i, w, cause)))));
    // the renames of a wave side by side on libuv's threads, not one after another on this one: the thread that
    // commits is the one that hands workers their next runs
    const renameWave = async (pick: (g: readonly PendingWrite[]) => readonly PendingWrite[]) => {
      const folders = new Set<string>();
      await Promise.all(
        groups.flatMap((g, i) =>
          (failed[i] ? [] : pick(g)).map((w) =>
            renamePath(w.tmp, w.path).then(
              () => void folders.add(dirname(w.path)),
              (cause: unknown) => fail(i, w, cause),
            ),
          ),
        ),
      );
      // as fsyncFolder: best effort, the files themselves are complete and fsync'd
      await Promise.all([...folders].map((folder) => fsyncPath(folder, 'r').catch(() => undefined)));
    };
    await renameWave((g) => g.slice(0, -1));
    await renameWave((g) => g.slice(-1));
  } finally {
    groups.forEach((g, i) => {
      for (const w of g) {
        liveTemps.delete(w.tmp);
        if (failed[i]) removeQuietly(w.tmp);
      }
    });
  }
  return failed;
}

/**
 * fsync of a file (opened r+) or a folder (opened r) without blocking the thread on the disk: the open and the close
 * are made here, synchronously (a name just written, in a folder just looked at, and a descriptor whose data is
 * already on the disk: microseconds, no I/O), and only the fsync, which waits for the disk, goes to libuv's threads.
 * Three round trips through libuv's pool per file cost the committing thread, and the pool's threads, more than the
 * calls themselves (issue 23: 3,000 files committed in groups of 10, side by side: about 155 against 210 µs of CPU
 * per file, every thread counted). Through fs's callbacks rather than fs/promises' FileHandle, which cost that thread
 * about twice as much per file.
 */
function fsyncPath(path: string, flags = 'r+'): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(path, flags); // a throw here rejects the promise (its executor runs synchronously)
    fsync(fd, (syncError) => {
      let error: Error | null = syncError;
      try {
        closeSync(fd);
      } catch (closeError) {
        error ??= closeError as Error;
      }
      if (error) reject(error);
      else resolve();
    });
  });
}

const renamePath = (from: string, to: string): Promise<void> =>
  new Promise((resolve, reject) => rename(from, to, (error) => (error ? reject(error) : resolve())));

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
