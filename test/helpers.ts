/**
 * Shared test plumbing: temp folders, sweep files, and the real CLI as a child process (from dist/, which
 * `npm test` builds first), so end-to-end tests exercise exactly what users run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, onTestFinished } from 'vitest';
import { probe } from './support/components.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(REPO, 'dist', 'cli', 'main.js');

/** A temp folder removed after the test file. */
export function tempDir(prefix = 'lnsweep-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A tiny sweep with problems: σ = 8 diverges at once (a tiny diverge_loss); 6 runs per replicate. */
export const divergingSweep = (name: string, replicates = 1): string => `name: ${name}
seed: 4
base: { n: 20, d: 4, width: 8, lr: 0.002, steps: 300, log_every: 100 }
grid:
  alpha: [0.5, 1]
zip:
  - { sigma: [0, 1, 8], diverge_loss: [1000000, 1000000, 0.001] }
replicates: ${replicates}
`;

export function writeSweep(dir: string, name: string, yaml: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, CI: 'true' },
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts the CLI without waiting: for signal and kill tests. A child still running when its test ends (the test
 * failed, or held a run with the fault hook and never let it go) is killed then, so no process outlives its test.
 */
export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, CI: 'true' } });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  try {
    onTestFinished(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  } catch {
    // started outside a test (in a hook): its caller stops it
  }
  return Object.assign(child, { output: () => out });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
}

/** Kept for older callers: use requirePythonReaders (test/support/components.ts), which fails in CI instead. */
export const pythonReadersMissing = (): string | null => probe('python3', ['-c', 'import pyarrow, pandas, polars, duckdb']);
