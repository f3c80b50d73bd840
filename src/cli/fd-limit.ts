/**
 * The open-file limit (`ulimit -n`), checked before anything else loads. Node itself holds about 18 descriptors
 * before it runs a line of JavaScript (the main event loop and two more for its own threads: an epoll, two pipes and
 * an eventfd each, plus the standard streams); below 18 it crashes in its own start-up (a segmentation fault in
 * libuv's loop set-up, before any script runs, which no script can catch). Above that, Node opens many files at once
 * while it loads a module graph, and lnsweep's worker threads, run files and journals need their own, so a limit
 * that leaves too few would fail later with an EMFILE stack from deep inside a library. The check turns that into
 * one line at start.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/**
 * lnsweep needs at least this many open files. Measured with the check off (Node 20, this machine): --version and
 * plan work from `ulimit -n` 40; run (2 or 8 worker threads, native or tfjs), status and merge --parquet from 112;
 * report from about 200 (vega's module graph, hundreds of files read at once; at 128 an EMFILE while resolving one
 * even surfaced as "Cannot find package"). 256, the most any command needed with room to spare (and macOS's
 * default). The package's bin checks the same number before Node starts (scripts/bin-launcher.mjs).
 */
export const MIN_OPEN_FILES = 256;

/** The soft limit on open files from /proc/self/limits' text ("Max open files  1024  4096  files"); null if unknown. */
export function softOpenFileLimit(limits: string): number | null {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  if (!m) return null;
  return m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/** Throws a UsageError naming the limit when it is below MIN_OPEN_FILES. Where /proc is missing (not Linux): nothing. */
export function checkOpenFileLimit(readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8')): void {
  let limit: number | null;
  try {
    limit = softOpenFileLimit(readLimits());
  } catch {
    return; // no /proc (macOS), or it cannot be read: the limit is the system's business
  }
  if (limit !== null && limit < MIN_OPEN_FILES) {
    throw new UsageError(
      `[lnsweep] too few file descriptors (ulimit -n ${limit}): lnsweep needs at least ${MIN_OPEN_FILES}; ` +
        `raise the limit (e.g. \`ulimit -n 1024\`, or the batch system's setting) and run again`,
    );
  }
}
