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
  if (!/^[0-9]+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`--workers ${text}: must be a whole number ≥ 1, e.g. --workers ${cores}`);
  }
  const wanted = Number(text);
  const cap = cores * WORKERS_PER_CORE;
  if (wanted > cap) {
    note(`[lnsweep] note: --workers ${text} is more than ${WORKERS_PER_CORE} per core (${cores} cores here); using ${cap}`);
    return cap;
  }
  return wanted;
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
