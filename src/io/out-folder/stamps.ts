/**
 * What a run's files looked like when they were last verified (docs/formats.md, "Verified stamps"): for each of the
 * run file and its sidecars that exists, its size, mtime, ctime and inode. A run whose stamp is unchanged since its
 * files were read back whole (or written by this process) need not be read again; any write, truncation, rename over
 * it, copy or `touch` changes the stamp, and then the files are read and checked again. ctime is in it because a user
 * (or `cp -p`, `rsync -t`, `touch -d`) can set mtime back, but not ctime.
 */
import { statSync } from 'node:fs';
import { neuronsFilePath, realDataFilePath, runFilePath } from './paths.js';

/** Each sidecar's tag in a stamp, its path and the end of its name. */
const SIDECARS = [
  ['n', neuronsFilePath, '.neurons.arrow'],
  ['r', realDataFilePath, '.realdata.arrow'],
] as const;

/** The sidecar names of the run files (`<id>.neurons.arrow`, `<id>.realdata.arrow`) present in a listing of runs/. */
export type ListedNames = ReadonlySet<string>;

/**
 * The stamp of run `runId`'s files; '' when its run file is missing. With `listed` (the names in runs/), only the
 * sidecars listed are looked at, one stat per file that exists; without it every sidecar name is tried.
 */
export function runStamp(outDir: string, runId: string, listed?: ListedNames): string {
  const run = fileStamp(runFilePath(outDir, runId));
  if (run === '') return '';
  let stamp = run;
  for (const [tag, path, suffix] of SIDECARS) {
    // listed: a path is made (and stat'd) only for a sidecar that exists, not twice per run of a large folder
    if (listed && !listed.has(runId + suffix)) continue;
    const s = fileStamp(path(outDir, runId));
    if (s !== '') stamp += `|${tag}${s}`;
  }
  return stamp;
}

/** size:mtime:ctime:inode of one file (nanoseconds, exact), or '' when it is not there. */
function fileStamp(path: string): string {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}` : '';
}
