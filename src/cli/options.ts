/**
 * Flag checks shared by the commands: worker counts, and option values that start with a dash.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from './errors.js';

/** More threads than this per core only add switching: a 24-run sweep took 58 s with 1000 workers, 1.6 s with 2. */
const WORKERS_PER_CORE = 4;

/**
 * `--workers N` as given on the command line (a string, so that `1e9`, `1.5` and `abc` are refused rather than
 * read as numbers), capped at cores × 4 with a note. Undefined: one per core.
 */
export function workerCount(flag: string | number | undefined, note: (line: string) => void, cores = availableParallelism()): number {
  if (flag === undefined) return cores;
  const text = String(flag).trim();
  const cap = cores * WORKERS_PER_CORE;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1) {
    // `1e9` is a whole number too: say that digits are wanted, and that a large count is capped rather than refused
    throw new UsageError(
      `--workers ${text}: must be a whole number ≥ 1 written in digits, e.g. --workers ${cores} ` +
        `(a count above ${cap}, ${WORKERS_PER_CORE} per core here, is capped at ${cap})`,
    );
  }
  const wanted = Number(text);
  if (wanted > cap) {
    note(`[lnsweep] note: --workers ${text} is more than ${WORKERS_PER_CORE} per core (${cores} cores here); using ${cap}`);
    return cap;
  }
  return wanted;
}

/**
 * `--retries N` may ask for at most this many. Each retry waits twice as long as the one before, up to 30 s
 * (src/run/coordinator.ts; BullMQ's backoff in queue mode), so 10 span minutes: a run that fails 11 times is not
 * failing by chance, and unbounded retries of a deterministic failure only grow the journal.
 */
const MAX_RETRIES = 10;

/** `--retries` as given (yargs reads it as a number; NaN for text), or its default: 0, and 2 in queue mode. */
export function retryCount(flag: number | undefined, queue: boolean): number {
  const retries = flag ?? (queue ? 2 : 0);
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new UsageError(
      `--retries ${flag}: must be a whole number from 0 to ${MAX_RETRIES} (each retry waits twice as long as the one before, ` +
        `up to 30 s; a run that fails ${MAX_RETRIES + 1} times is not failing by chance)`,
    );
  }
  return retries;
}

/**
 * `--shard -1/2` and `--workers -1`: yargs reads a value that starts with a dash as more flags ("Unknown argument:
 * 1"). Joining such a value to its option (`--shard=-1/2`) lets the option's own check name the problem.
 */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (/^--[a-z][a-z-]*$/.test(a) && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}
