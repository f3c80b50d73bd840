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

/** The sidecars (`<id>.neurons.arrow`, `<id>.realdata.arrow`) present in a listing of runs/: their tags by run id. */
export type ListedNames = ReadonlyMap<string, string>;

/** The sidecars among `names` (a listing of runs/), found in one pass: most runs have none. */
export function listedSidecars(names: Iterable<string>): ListedNames {
  const sidecars = new Map<string, string>();
  for (const name of names) {
    for (const [tag, , suffix] of SIDECARS) {
      if (name.endsWith(suffix)) sidecars.set(name.slice(0, -suffix.length), (sidecars.get(name.slice(0, -suffix.length)) ?? '') + tag);
    }
  }
  return sidecars;
}

/**
 * The stamp of run `runId`'s files; '' when its run file is missing. With `listed` (the sidecars of a listing of
 * runs/), only the sidecars listed are looked at, one stat per file that exists; without it every sidecar name is
 * tried.
 */
export function runStamp(outDir: string, runId: string, listed?: ListedNames): string {
  const run = fileStamp(runFilePath(outDir, runId));
  if (run === '') return '';
  // listed: a path is made (and stat'd) only for a sidecar that exists, not twice per run of a large folder
  const tags = listed ? listed.get(runId) : undefined;
  if (listed && tags === undefined) return run;
  let stamp = run;
  for (const [tag, path] of SIDECARS) {
    if (tags !== undefined && !tags.includes(tag)) continue;
    const s = fileStamp(path(outDir, runId));
    if (s !== '') stamp += `|${tag}${s}`;
  }
  return stamp;
}

/** size:mtime:ctime:inode of one file (nanoseconds, exact), or '' when it is not there. */
export function fileStamp(path: string): string {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}` : '';
}
