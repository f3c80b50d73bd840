/**
 * The process around a command: signals and the standard streams. Installed once, before any command runs, so that
 * a signal or a closed pipe at any moment (while planning, mid-run, while the summary is written) has one defined
 * outcome.
 *
 * - SIGINT, SIGTERM and SIGHUP all mean "interrupt" (a closed terminal or `kill` should keep finished runs as
 *   Ctrl-C does). With a command's handler set (`onInterrupt`), each signal goes to it (stop, then abort); with none,
 *   nothing is in flight and the process exits 130 at once. Every path ends in 130, however many signals arrive.
 * - A reader that goes away (`lnsweep plan … | head -1`) is not an error: EPIPE on stdout ends the command quietly
 *   with status 0, as `git log | head` does; but never while runs are in flight, which keep going without it.
 *   stdout on a full disk (ENOSPC) is an error: one line on stderr, status 1.
 * - A closed stderr (`(lnsweep run …) 2>&1 | true`) silences the messages and nothing else: the sweep finishes its
 *   runs and writes its files.
 */
import { format } from 'node:util';
import { EXIT } from './errors.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let interruptHandler: ((signal: NodeJS.Signals) => void) | null = null;
let busy = false;
let stderrOpen = true;

/** Writes a line to stderr unless stderr is gone (then the line is dropped: there is nowhere to say it). */
export function say(line: string): void {
  if (stderrOpen) process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}

/** Idempotent; main.ts imports this module first and calls it at once, before yargs and the rest load. */
let installed = false;
export function installProcessGuards(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) {
    process.on(s, (signal: NodeJS.Signals) => {
      if (interruptHandler) interruptHandler(signal);
      else process.exit(EXIT.interrupted);
    });
  }
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      if (!busy) process.exit(EXIT.ok);
      return;
    }
    say(`[lnsweep] cannot write to standard output: ${err.message}`);
    if (!busy) process.exit(EXIT.failed);
    process.exitCode = EXIT.failed;
  });
  process.stderr.on('error', () => {
    stderrOpen = false;
  });
  // console.log, which yargs prints --help and --version with, drops write errors (`--help > /dev/full` would pass):
  // through process.stdout they reach the handler above. main.ts keeps yargs from exiting before they arrive.
  console.log = (...args: unknown[]) => void process.stdout.write(format(...args) + '\n');
}

/**
 * Routes signals to `handler` while runs are in flight (and marks the process busy, so a closed stdout does not end
 * it). Returns the function that undoes it.
 */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  interruptHandler = handler;
  busy = true;
  return () => {
    if (interruptHandler === handler) interruptHandler = null;
    busy = false;
  };
}

// Installed when this module is evaluated: main.ts imports it before anything else, so a signal that arrives while
// the other modules are still loading already exits 130 rather than killing the process (143).
installProcessGuards();

/** What a sweep's signals drive (src/run/coordinator.ts's SweepControl); structural, so this module loads nothing. */
interface Stoppable {
  readonly state: 'running' | 'stopping' | 'aborting';
  stop(): void;
  abort(): void;
}

/**
 * The one signal path of every command that runs a sweep (`run`, `run` with a `refine:` key, `refine`): the first
 * signal stops dispatch and lets the running runs finish, the second aborts them, a third leaves at once (their temp
 * files never become runs). The coordinator says what each one does, through the progress display. Returns the undo.
 */
export function signalsToSweep(control: Stoppable): () => void {
  return onInterrupt(() => {
    if (control.state === 'running') control.stop();
    else if (control.state === 'stopping') control.abort();
    else process.exit(EXIT.interrupted);
  });
}
