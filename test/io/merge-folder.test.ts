import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeOutDir, readArrowFile, readSummary, writeRunFile } from '../../src/io/index.js';
import { PROVENANCE, sampleMetrics, sampleParams, tempDir } from './helpers.js';

/** Every readFileSync of the code under test, by path: merge must read each run file once. */
const reads = vi.hoisted(() => new Map<string, number>());
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    reads.set(String(path), (reads.get(String(path)) ?? 0) + 1);
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

describe('mergeOutDir', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('merge-folder'));
    mkdirSync(join(dir, 'runs'));
    reads.clear();
  });
  afterEach(() => cleanup());

  // sound (b before a by id), corrupt, failed in the journal, never started
  const ids = { a: 'b000000000000000', b: 'a000000000000000', corrupt: 'c000000000000000', failed: 'd000000000000000', pending: 'e000000000000000' };
  const params = sampleParams({ snapshot_steps: [] });
  const run = (run_id: string) => ({ run_id, replicate: 0, params, cost: 1 });
  const runFile = (id: string) => join(dir, 'runs', `${id}.arrow`);

  function writeFolder(): void {
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ name: 't', seed: 1, runs: Object.values(ids).map(run) }));
    writeRunFile(runFile(ids.a), {
      runId: ids.a,
      params,
      replicate: 0,
      metrics: sampleMetrics(3),
      provenance: { ...PROVENANCE, steps_done: '1000', status: 'done' },
    });
    writeRunFile(runFile(ids.b), {
      runId: ids.b,
      params,
      replicate: 0,
      metrics: sampleMetrics(5),
      provenance: { ...PROVENANCE, steps_done: '1000', status: 'done' },
    });
    writeFileSync(runFile(ids.corrupt), 'ARROW1 garbage');
    appendFileSync(
      join(dir, 'journal.jsonl'),
      JSON.stringify({ t: '2026-01-01T00:00:00.000Z', event: 'run_failed', run_id: ids.failed, error: 'boom', engine: 'native/dense' }) + '\n',
    );
  }

  it('reads each run file once for both tables, and names the corrupt ones it leaves out', async () => {
    writeFolder();
    const m = await mergeOutDir(dir, PROVENANCE);
    for (const id of [ids.a, ids.b, ids.corrupt]) expect(reads.get(runFile(id)), id).toBe(1);
    expect(m.skipped.map((s) => s.runId)).toEqual([ids.corrupt]);
    expect(m.skipped[0].reason).toMatch(/c0+\.arrow: .*not an Arrow IPC file/);
    expect(m.metricsRows).toBe(8);
    const metrics = readArrowFile(join(dir, 'metrics.arrow'));
    expect(metrics.batches.map((b) => b.numRows)).toEqual([5, 3]); // run_id order
    expect(new Set(metrics.getChild('run_id')!.toArray() as string[])).toEqual(new Set([ids.a, ids.b]));
    const summary = readSummary(join(dir, 'summary.arrow'));
    expect(m.summaryRows).toBe(3);
    expect(summary.map((r) => [r.run_id, r.status])).toEqual([
      [ids.b, 'done'],
      [ids.a, 'done'],
      [ids.failed, 'failed'],
    ]);
  });
});
