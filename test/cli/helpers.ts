/**
 * Plumbing for the command-line tests: the CLI with chosen standard streams, and a check that a refusal is one line
 * with no stack trace.
 */
import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { expect } from 'vitest';
import { CLI } from '../helpers.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to the end with a time limit (a hang fails the test instead of stalling the suite). */
export function runCliFor(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}): Finished {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...opts.env, CI: 'true' },
    cwd: opts.cwd,
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI with the given stdio and resolves when it exits (stdout/stderr captured only when piped). */
export function runCliWith(args: string[], stdio: StdioOptions, onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<Finished> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio, env: { ...process.env, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b) => (stdout += b));
  child.stderr?.on('data', (b) => (stderr += b));
  child.stdout?.on('error', () => {});
  child.stderr?.on('error', () => {});
  onSpawn?.(child);
  return new Promise((res) => child.once('exit', (code, signal) => res({ code, signal, stdout, stderr })));
}

/** A refusal: exit 2, one line that names `what`, no stack trace. */
export function expectRefusal(r: Finished, what: string | RegExp): void {
  expect(r.signal, r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(typeof what === 'string' ? new RegExp(what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : what);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |TypeError/);
}
