/**
 * `--on-done 'CMD'` (run, worker, refine): when the command ends, however it ends, CMD runs through the shell with
 * the folder's outcome in its environment, to notify someone (notify-send, mail, a webhook: README "--on-done"):
 *
 *   LNSWEEP_OUT       the output folder, absolute ('' when the command ended before it had one: bad input)
 *   LNSWEEP_DONE, LNSWEEP_DIVERGED, LNSWEEP_FAILED, LNSWEEP_PENDING   the folder's counts, as `status` gives them
 *   LNSWEEP_EXIT      lnsweep's exit status (see `--help`)
 *
 * Its output goes where lnsweep's goes. Its own failure (non-zero, or no shell) is one line on stderr and changes
 * nothing: lnsweep exits as it would have without it.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describeFailure } from './errors.js';
import { say } from './process.js';

/** Runs `work`, then `cmd` (if any) with the outcome of `outDir()`; returns or throws what `work` did. */
export async function withOnDone(cmd: string | undefined, outDir: () => string | null, work: () => Promise<number>): Promise<number> {
  if (cmd === undefined) return work();
  let code: number;
  let failure: { error: unknown } | null = null;
  try {
    code = await work();
  } catch (error) {
    failure = { error };
    code = describeFailure(error).code;
  }
  await runHook(cmd, outDir(), code);
  if (failure) throw failure.error;
  return code;
}

async function runHook(cmd: string, outDir: string | null, exit: number): Promise<void> {
  const counts = { done: '', diverged: '', failed: '', pending: '' };
  if (outDir !== null) {
    try {
      const { sweepStatus } = await import('../io/index.js');
      const s = sweepStatus(outDir);
      Object.assign(counts, { done: String(s.done), diverged: String(s.diverged), failed: String(s.failed), pending: String(s.pending) });
    } catch {
      // a folder without a plan yet: the hook still learns the exit status
    }
  }
  const env = {
    ...process.env,
    LNSWEEP_OUT: outDir === null ? '' : resolve(outDir),
    LNSWEEP_DONE: counts.done,
    LNSWEEP_DIVERGED: counts.diverged,
    LNSWEEP_FAILED: counts.failed,
    LNSWEEP_PENDING: counts.pending,
    LNSWEEP_EXIT: String(exit),
  };
  const outcome = await new Promise<string | null>((done) => {
    const child = spawn('/bin/sh', ['-c', cmd], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => done(`could not start it (${err.message})`));
    child.once('exit', (code, signal) => done(code === 0 ? null : signal ? `killed by ${signal}` : `exited ${code}`));
  });
  if (outcome) say(`[lnsweep] --on-done command ${outcome}; lnsweep's own exit status stays ${exit}`);
}
