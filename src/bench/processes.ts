/**
 * Whole processes timed for the benchmarks: lnsweep's own CLI and the C yardstick (scripts/bench/yardstick.c, built
 * here with the machine's gcc), each through bash so that its CPU time (user + system, the `times` builtin) is read
 * beside its wall time: on a shared machine CPU time is the steadier of the two.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, dist/cli/main.js, from this file in src/bench (tests) or in dist/bench (`lnsweep bench`). */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const YARDSTICK_C = fileURLToPath(new URL('../../scripts/bench/yardstick.c', import.meta.url));

export interface ProcessTime {
  wallS: number;
  /** user + system seconds of the process and its children */
  cpuS: number;
  stdout: string;
  /** the process's peak resident memory in KiB (GNU time's %M), or null where /usr/bin/time is missing */
  maxRssKb?: number | null;
}

const GNU_TIME = '/usr/bin/time';

/**
 * timeProcess through GNU time when the machine has it, which also gives the process's peak resident memory (the
 * issue's ≤ 1 GB for folder commands); without it, timeProcess's figures and no memory.
 */
export function timeProcessWithMemory(argv: string[]): ProcessTime {
  if (!existsSync(GNU_TIME)) return { ...timeProcess(argv), maxRssKb: null };
  const t0 = performance.now();
  const r = spawnSync(GNU_TIME, ['-f', 'lnsweep-bench %U %S %M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`[bench] ${argv.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const line = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('lnsweep-bench '))
    .pop();
  const [user, system, rss] = (line ?? '').split(' ').slice(1).map(Number);
  return { wallS, cpuS: user + system, stdout: r.stdout, maxRssKb: Number.isFinite(rss) ? rss : null };
}

/** "0m1.234s" → 1.234 */
function bashSeconds(s: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

/** Runs `argv` to the end under bash; throws with its stderr when it fails. */
export function timeProcess(argv: string[]): ProcessTime {
  const t0 = performance.now();
  // `times` prints the shell's times, then its children's: "user system" in that second line.
  const r = spawnSync('bash', ['-c', '"$@" || exit $?; times >&2', 'bash', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`[bench] ${argv.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const [user, system] = r.stderr.trim().split('\n').pop()!.trim().split(/\s+/).map(bashSeconds);
  return { wallS, cpuS: user + system, stdout: r.stdout };
}

/**
 * Compiles the C yardstick into `dir` with gcc -O3 (no fused multiply-add, generic x86-64: 128-bit SIMD at most, as
 * WebAssembly). Returns the binary, or why there is none (no gcc, a failed build).
 */
export function buildYardstick(dir: string): { path: string } | { missing: string } {
  if (!existsSync(YARDSTICK_C)) return { missing: `${YARDSTICK_C} is not there (an installed package, not a checkout)` };
  const path = join(dir, 'yardstick');
  const r = spawnSync('gcc', ['-O3', '-ffp-contract=off', '-std=c11', '-o', path, YARDSTICK_C, '-lm'], { encoding: 'utf8' });
  if (r.error) return { missing: `gcc: ${r.error.message}` };
  if (r.status !== 0) return { missing: `gcc failed: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}` };
  return { path };
}
