/**
 * The output folder, checked before anything is written into it: every problem with the path is bad input (exit 2)
 * in one line naming the path, and a folder this check created is removed again when it fails (no empty `out/` left
 * behind by a name that is too long).
 */
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

const WHY: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long for the file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'not a place where files can be made',
  EEXIST: 'something that is not a folder is in the way',
};

const reason = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return `${WHY[code] ?? (err as Error).message}${code ? ` (${code})` : ''}`;
};

/** Makes `outDir` if needed and checks that files can be written in it; `flag` names it in messages (`--out`). */
export function prepareOutDir(outDir: string, flag = '--out'): void {
  const refuse = (why: string): never => {
    throw new UsageError(`[run] ${flag} ${outDir}: ${why}`);
  };
  let link: string | null = null;
  try {
    if (lstatSync(outDir).isSymbolicLink()) link = readlinkSync(outDir);
  } catch {
    // not there yet
  }
  if (link !== null && !existsSync(outDir)) refuse(`a symbolic link to ${link}, which does not exist`);
  if (existsSync(outDir)) {
    const st = statSync(outDir);
    if (!st.isDirectory()) refuse(st.isFile() ? 'a file, not a folder' : 'not a folder (a device or other special file)');
  }
  // The first missing ancestor: everything from there down is ours to remove if the check fails.
  let firstNew: string | null = null;
  for (let p = resolve(outDir); !existsSync(p); p = dirname(p)) {
    firstNew = p;
    if (dirname(p) === p) break;
  }
  // Only the levels this process makes are its to remove: shards and array tasks started together make the same
  // folder, and one that found a level already made by another must neither fail on it nor remove it.
  const created: string[] = [];
  try {
    // One level at a time: a recursive mkdir on a read-only file system reports ENOENT instead of EROFS.
    const missing: string[] = [];
    for (let p = resolve(outDir); firstNew !== null && p.length >= firstNew.length; p = dirname(p)) missing.unshift(p);
    for (const p of missing) {
      try {
        mkdirSync(p);
        created.push(p);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw err;
      }
    }
    const probe = join(outDir, `.lnsweep-probe-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    removeEmptyDirs(created);
    refuse(`cannot write files in it: ${reason(err)}`);
  }
}

/** Removes the folders this check made, deepest first, each only if it is still empty. */
function removeEmptyDirs(created: readonly string[]): void {
  for (const p of [...created].reverse()) {
    try {
      rmdirSync(p);
    } catch {
      // not there or not empty: leave it
    }
  }
}
