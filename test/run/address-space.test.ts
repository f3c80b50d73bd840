/**
 * Under an address-space limit (`ulimit -v`, as HPC nodes and Slurm's VSizeFactor set) V8 cannot reserve the ~10 GiB
 * behind a WebAssembly memory. Every run must still finish, on the JavaScript loops, with the same bits, and
 * engine_used must say which loops ran (src/core/wasm-arena.ts). The CLI runs under `bash -c 'ulimit -v N; …'`:
 *   - no limit: every run on WebAssembly;
 *   - 16 GB, one worker: room for one memory at a time (two per run, as before, failed here): every run on
 *     WebAssembly (test/core/wasm-arena.test.ts checks that the thread lends one memory to run after run);
 *   - 8 GB and 4 GB, two workers: no room for any: every run on the JavaScript loops, saying so;
 *   - 4 GB with NODE_OPTIONS=--disable-wasm-trap-handler (V8 then reserves only the pages asked for, and bounds-checks
 *     instead, as README says): every run on WebAssembly again.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/core/types.js';
import { readRunFile, readSummary } from '../../src/io/index.js';
import { CLI, tempDir, writeSweep } from '../helpers.js';
import { sameBits } from '../support/bits.js';

const SWEEP = `name: vsize
seed: 11
base: { n: 40, d: 6, width: 50, lr: 0.01, steps: 2000, log_every: 500, noise: gaussian, snapshot_steps: [2000] }
grid: { sigma: [0.5, 2], optimizer: [sgd, sam], rho: [0.05] }
replicates: 2
`;

const dir = tempDir('lnsweep-vsize-');
const sweep = writeSweep(dir, 'vsize', SWEEP);

/** `lnsweep run` with at most `kb` KiB of address space (null: no limit); the folder's engine_used and status. */
function runLimited(
  name: string,
  kb: number | null,
  workers: number,
  env: Record<string, string> = {},
): { out: string; engines: string[]; statuses: string[] } {
  const out = join(dir, name);
  const limit = kb === null ? '' : `ulimit -v ${kb} && `;
  const r = spawnSync('bash', ['-c', `${limit}exec "$0" "$@"`, process.execPath, CLI, 'run', sweep, '--out', out, '--workers', String(workers)], {
    encoding: 'utf8',
    env: { ...process.env, ...env, CI: 'true' },
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/8 done, 0 diverged, 0 failed/);
  const rows = readSummary(join(out, 'summary.arrow'));
  return { out, engines: rows.map((row) => row.engine), statuses: rows.map((row) => row.status) };
}

/** Every run file of `b` has the metric columns of `a`'s, bit for bit. */
function expectSameMetrics(a: string, b: string): void {
  const files = readdirSync(join(a, 'runs')).filter((f) => f.endsWith('.arrow') && !f.includes('.neurons'));
  expect(files).toHaveLength(8);
  for (const f of files) {
    const x = readRunFile(join(a, 'runs', f));
    const y = readRunFile(join(b, 'runs', f));
    for (const m of METRIC_NAMES) expect(sameBits(y.metrics.values[m], x.metrics.values[m]), `${f} ${m}`).toBe(true);
  }
}

describe('WebAssembly memory under an address-space limit', () => {
  const free = runLimited('free', null, 2);

  it('without a limit every run is on WebAssembly', () => {
    expect(free.statuses).toEqual(Array(8).fill('done'));
    expect(free.engines).toEqual(Array(8).fill('native/subspace-wasm'));
  });

  it('at 16 GB with one worker, room for one memory at a time: every run on WebAssembly', () => {
    const r = runLimited('16g', 16_000_000, 1);
    expect(r.engines).toEqual(Array(8).fill('native/subspace-wasm'));
    expectSameMetrics(free.out, r.out);
  });

  it('at 4 GB with NODE_OPTIONS=--disable-wasm-trap-handler, every run on WebAssembly', () => {
    const r = runLimited('4g-no-trap', 4_000_000, 2, { NODE_OPTIONS: '--disable-wasm-trap-handler' });
    expect(r.engines).toEqual(Array(8).fill('native/subspace-wasm'));
    expectSameMetrics(free.out, r.out);
  });

  for (const kb of [8_000_000, 4_000_000]) {
    it(`at ${kb / 1e6} GB every run is done on the JavaScript loops, says so, and has the same bits`, () => {
      const r = runLimited(`${kb}`, kb, 2);
      expect(r.statuses).toEqual(Array(8).fill('done'));
      expect(r.engines).toEqual(Array(8).fill('native/subspace-js (WebAssembly memory refused)'));
      expectSameMetrics(free.out, r.out);
    });
  }
});
