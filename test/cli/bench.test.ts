/**
 * `lnsweep bench --json`: every figure of the sections run, as one JSON document on stdout, with the tables on
 * stderr and each section's file in --out; a section --only does not know is refused. Speeds are not asserted
 * (no timed tests): only that the figures are there and are numbers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectRefusal, runCliFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lnsweep-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench', () => {
  it('--json prints the figures of the sections asked for as one JSON document, tables on stderr', () => {
    const out = join(dir, 'results');
    const r = runCliFor(['bench', '--quick', '--only', 'orchestrator', '--json', '--out', out], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).not.toContain('wasm');
    expect(Object.keys(report)).not.toContain('tfjs');
    const o = report.orchestrator as {
      scaling: { speedup: number; wall_s_1_worker: number };
      machine_ceiling: { speedup: number };
      efficiency: number;
      overhead: { coordinator_ms_per_run_1_worker: number; coordinator_ms_per_run_2_workers: number; worker_write_ms_per_run: number };
    };
    for (const x of [
      o.scaling.speedup,
      o.scaling.wall_s_1_worker,
      o.machine_ceiling.speedup,
      o.efficiency,
      o.overhead.coordinator_ms_per_run_1_worker,
      o.overhead.coordinator_ms_per_run_2_workers,
      o.overhead.worker_write_ms_per_run,
    ]) {
      expect(Number.isFinite(x) && x > 0, String(x)).toBe(true);
    }
    expect(r.stderr).toMatch(/scaling efficiency against that ceiling/);
    const file = JSON.parse(readFileSync(join(out, 'bench-orchestrator.json'), 'utf8')) as { efficiency: number };
    expect(file.efficiency).toBe(o.efficiency);
  });

  it('refuses a section it does not know, naming --only', () => {
    expectRefusal(runCliFor(['bench', '--only', 'wasm,kernel', '--out', join(dir, 'x')]), "--only: unknown section 'kernel'");
  });
});
