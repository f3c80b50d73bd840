/**
 * A test hook, unset in normal use: LNSWEEP_FAULTS makes chosen runs fail, kill their thread, or stop at a known step,
 * and can stop `merge` between two runs, so that end-to-end tests put a real process in a known state (a failure to
 * isolate, a run in the middle to kill, a metrics file half written) instead of racing its speed. A JSON object:
 *
 *   "<run id>" or "*" (every run without an entry of its own) to
 *     "throw"                                         the run fails with "injected fault for <id>"
 *     "exit"                                          its worker thread calls process.exit(70) (a dead worker)
 *     {"hold_at_step": K, "release_file": "/p/r"}     at the first progress report at or past step K (reports come
 *                                                     every 4096 native steps and at the end, before any file is
 *                                                     written), the run creates "/p/r.held-<id>" (holding the step)
 *                                                     and waits, its thread blocked, until "/p/r" exists
 *   "merge" to
 *     {"hold_after_runs": N, "release_file": "/p/r"}  `merge` stops once N runs are written into metrics.arrow's
 *                                                     temp file, creates "/p/r.held-merge" and waits, the process
 *                                                     blocked (a signal sent meanwhile is handled once it goes on)
 *
 * The CLI checks the variable once at start (a malformed one is one line, exit 2: src/cli/main.ts); each run reads
 * it again in its own thread (faultFor), where process.env is the process's.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';

interface Hold {
  release_file: string;
}
export type Fault = 'throw' | 'exit' | (Hold & { hold_at_step: number });
type MergeFault = Hold & { hold_after_runs: number };

const FORM =
  '{"<run id>" or "*": "throw" | "exit" | {"hold_at_step": K, "release_file": PATH}, "merge": {"hold_after_runs": N, "release_file": PATH}}';

/** LNSWEEP_FAULTS's text, checked: the faults by run id, and the merge's. Throws an Error saying what is wrong. */
export function parseFaults(text: string): { runs: Map<string, Fault>; merge?: MergeFault } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message}); expected ${FORM}`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not a JSON object; expected ${FORM}`);
  const runs = new Map<string, Fault>();
  let merge: MergeFault | undefined;
  for (const [key, fault] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'merge' && isHold(fault, 'hold_after_runs')) merge = { hold_after_runs: fault.hold_after_runs, release_file: fault.release_file };
    else if (key !== 'merge' && (fault === 'throw' || fault === 'exit')) runs.set(key, fault);
    else if (key !== 'merge' && isHold(fault, 'hold_at_step')) runs.set(key, { hold_at_step: fault.hold_at_step, release_file: fault.release_file });
    else throw new Error(`${JSON.stringify(key)}: ${JSON.stringify(fault)} is no fault; expected ${FORM}`);
  }
  return { runs, ...(merge ? { merge } : {}) };
}

function isHold<K extends string>(f: unknown, at: K): f is Hold & Record<K, number> {
  const h = f as Record<string, unknown> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    Object.keys(h).length === 2 &&
    Number.isSafeInteger(h[at]) &&
    (h[at] as number) >= 0 &&
    typeof h.release_file === 'string' &&
    h.release_file !== ''
  );
}

let parsed: { text: string; faults: ReturnType<typeof parseFaults> } | null = null;

function faultsNow(): ReturnType<typeof parseFaults> | null {
  const text = process.env.LNSWEEP_FAULTS;
  if (!text) return null;
  if (parsed?.text !== text) parsed = { text, faults: parseFaults(text) };
  return parsed.faults;
}

/** The fault LNSWEEP_FAULTS gives `runId` in this thread, if any. */
export function faultFor(runId: string): Fault | undefined {
  const faults = faultsNow()?.runs;
  return faults?.get(runId) ?? faults?.get('*');
}

/** Applies a "throw" or "exit" fault before the run starts. */
export function injectStartFault(runId: string, fault: Fault | undefined): void {
  if (fault === 'throw') throw new Error(`injected fault for ${runId}`);
  if (fault === 'exit') process.exit(70);
}

/** Marks `<release_file>.held-<who>` (holding `note`), then blocks this thread until the release file exists. */
function holdUntilReleased(hold: Hold, who: string, note: string): void {
  // written aside and renamed, so a test that sees the marker also sees what is in it
  const marker = `${hold.release_file}.held-${who}`;
  writeFileSync(`${marker}.tmp`, `${note}\n`);
  renameSync(`${marker}.tmp`, marker);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(hold.release_file)) Atomics.wait(nap, 0, 0, 20);
}

/** A progress callback that holds the run as a hold fault says (see the module comment), then calls `next`. */
export function holdingProgress(runId: string, fault: Fault | undefined, next: (stepsDone: number) => void): (stepsDone: number) => void {
  if (typeof fault !== 'object') return next;
  let held = false;
  return (stepsDone) => {
    if (!held && stepsDone >= fault.hold_at_step) {
      held = true;
      holdUntilReleased(fault, runId, String(stepsDone));
    }
    next(stepsDone);
  };
}

/**
 * For `merge`: a callback (runs written so far) that holds as the "merge" entry of LNSWEEP_FAULTS's `text` says; none
 * without one. The CLI passes the text: on the main thread, only the CLI reads the environment.
 */
export function mergeHold(text: string | undefined): ((runsWritten: number) => void) | undefined {
  const hold = text ? parseFaults(text).merge : undefined;
  if (!hold) return undefined;
  return (runsWritten) => {
    if (runsWritten === hold.hold_after_runs) holdUntilReleased(hold, 'merge', String(runsWritten));
  };
}
