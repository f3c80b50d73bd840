/**
 * A test hook, unset in normal use: LNSWEEP_FAULTS makes chosen runs fail, kill their thread, or stop at a known step,
 * so that end-to-end tests can put a real process in a known state (a failure to isolate, a run in the middle to
 * kill) instead of racing a run's speed. A JSON object from run id (or "*": every run without an entry of its own)
 * to a fault:
 *
 *   "throw"                                          the run fails with "injected fault for <id>"
 *   "exit"                                           its worker thread calls process.exit(70) (a dead worker)
 *   {"hold_at_step": K, "release_file": "/path/r"}   at the first progress report at or past step K (reports come
 *                                                    every 4096 native steps and at the end, before any file is
 *                                                    written), the run creates "/path/r.held-<id>" and waits, its
 *                                                    thread blocked, until "/path/r" exists; then it goes on
 *
 * The CLI checks the variable once at start (a malformed one is one line, exit 2: checkFaults); each run reads it
 * again in its own thread (faultFor), where process.env is the process's.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';

export type Fault = 'throw' | 'exit' | { hold_at_step: number; release_file: string };

const FORM = '{"<run id>" or "*": "throw" | "exit" | {"hold_at_step": K, "release_file": PATH}}';

/** The faults in LNSWEEP_FAULTS's text, by run id. Throws an Error saying what is wrong and the form expected. */
export function parseFaults(text: string): Map<string, Fault> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message}); expected ${FORM}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not a JSON object; expected ${FORM}`);
  const faults = new Map<string, Fault>();
  for (const [id, fault] of Object.entries(value as Record<string, unknown>)) {
    if (fault === 'throw' || fault === 'exit') faults.set(id, fault);
    else if (isHold(fault)) faults.set(id, { hold_at_step: fault.hold_at_step, release_file: fault.release_file });
    else throw new Error(`${JSON.stringify(id)}: ${JSON.stringify(fault)} is no fault; expected ${FORM}`);
  }
  return faults;
}

function isHold(f: unknown): f is { hold_at_step: number; release_file: string } {
  const h = f as { hold_at_step?: unknown; release_file?: unknown } | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    Number.isSafeInteger(h.hold_at_step) &&
    (h.hold_at_step as number) >= 0 &&
    typeof h.release_file === 'string' &&
    h.release_file !== ''
  );
}

let parsed: { text: string; faults: Map<string, Fault> } | null = null;

/** The fault LNSWEEP_FAULTS gives `runId` in this thread, if any. */
export function faultFor(runId: string): Fault | undefined {
  const text = process.env.LNSWEEP_FAULTS;
  if (!text) return undefined;
  if (parsed?.text !== text) parsed = { text, faults: parseFaults(text) };
  return parsed.faults.get(runId) ?? parsed.faults.get('*');
}

/** Applies a "throw" or "exit" fault before the run starts. */
export function injectStartFault(runId: string, fault: Fault | undefined): void {
  if (fault === 'throw') throw new Error(`injected fault for ${runId}`);
  if (fault === 'exit') process.exit(70);
}

/**
 * A progress callback that holds the run as a hold fault says (see the module comment), then calls `next`. The
 * thread sleeps 20 ms at a time between looks at the release file.
 */
export function holdingProgress(runId: string, fault: Fault | undefined, next: (stepsDone: number) => void): (stepsDone: number) => void {
  if (typeof fault !== 'object') return next;
  let held = false;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  return (stepsDone) => {
    if (!held && stepsDone >= fault.hold_at_step) {
      held = true;
      // written aside and renamed, so a test that sees the marker also sees the step in it
      const marker = `${fault.release_file}.held-${runId}`;
      writeFileSync(`${marker}.tmp`, `${stepsDone}\n`);
      renameSync(`${marker}.tmp`, marker);
      while (!existsSync(fault.release_file)) Atomics.wait(nap, 0, 0, 20);
    }
    next(stepsDone);
  };
}
