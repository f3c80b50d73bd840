import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PARAM_KEYS } from '../../src/core/params.js';
import { METRIC_NAMES } from '../../src/core/types.js';
import { MERGED_METRICS_SCHEMA, readArrowFile, readRunFile, writeMetricsFile, writeRunFile } from '../../src/io/index.js';
import { PROVENANCE, sampleMetrics, sampleParams, tempDir } from './helpers.js';

describe('writeMetricsFile', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('merge'));
    mkdirSync(join(dir, 'runs'));
  });
  afterEach(() => cleanup());

  const runs = [
    { runId: 'run-b', params: sampleParams({ sigma: 0, width: 64 }), replicate: 0, sweep: 'main', seed: 7, rows: 3 },
    { runId: 'run-a', params: sampleParams({ sigma: 4, snapshot_steps: [0, 10] }), replicate: 1, sweep: 'beside', seed: 11, rows: 5 },
  ];
  function writeRuns(): void {
    for (const r of runs) {
      writeRunFile(join(dir, 'runs', `${r.runId}.arrow`), { ...r, metrics: sampleMetrics(r.rows), provenance: PROVENANCE });
    }
  }

  const metricsPath = () => join(dir, 'metrics.arrow');
  /** the runs as merge hands them on: in run_id order, each with its run file's metric columns */
  const inRunIdOrder = () => [...runs].reverse().map((r) => ({ ...r, metrics: readRunFile(join(dir, 'runs', `${r.runId}.arrow`)).metrics }));

  it("writes every run's rows with its parameter columns, one record batch per run in the order given", async () => {
    writeRuns();
    const result = await writeMetricsFile(metricsPath(), inRunIdOrder(), PROVENANCE);
    expect(result).toEqual({ rows: 8, runs: 2 });
    const table = readArrowFile(join(dir, 'metrics.arrow'));
    expect(table.schema.fields.map((f) => f.name)).toEqual(['run_id', ...PARAM_KEYS, 'replicate', 'sweep', 'seed', 'step', ...METRIC_NAMES]);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(MERGED_METRICS_SCHEMA.fields.map((f) => String(f.type)));
    expect(table.batches.map((b) => b.numRows)).toEqual([5, 3]);
    const col = (name: string): unknown[] => [...table.getChild(name)!];
    expect(col('run_id')).toEqual([...Array<string>(5).fill('run-a'), ...Array<string>(3).fill('run-b')]);
    expect(col('sigma')).toEqual([4, 4, 4, 4, 4, 0, 0, 0]);
    expect(col('width')).toEqual([...Array<bigint>(5).fill(1000n), ...Array<bigint>(3).fill(64n)]);
    expect(col('snapshot_steps')[0]).toBe('[0,10]');
    expect(col('replicate')).toEqual([1n, 1n, 1n, 1n, 1n, 0n, 0n, 0n]);
    expect(col('sweep')).toEqual([...Array<string>(5).fill('beside'), ...Array<string>(3).fill('main')]);
    expect(col('seed')).toEqual([...Array<bigint>(5).fill(11n), ...Array<bigint>(3).fill(7n)]);
    expect(col('step')).toEqual([0n, 10n, 20n, 30n, 40n, 0n, 10n, 20n]);
    expect(col('test_loss')[7]).toBe(1 + 2 / 8);
    expect(table.schema.metadata.get('lnsweep.tool_version')).toBe('0.1.0');
    expect(readdirSync(dir).sort()).toEqual(['metrics.arrow', 'runs']);
  });

  it("copies each metric column's bytes: a NaN's payload and −0 come through, and 2^53 − 1 as a step", async () => {
    const metrics = sampleMetrics(3);
    const odd = new Float64Array([Number.NaN, -0, 1e-310]);
    new DataView(odd.buffer).setUint32(0, 0xdeadbeef, true); // a NaN with a payload of its own
    metrics.values.test_loss = odd;
    metrics.step[2] = 2 ** 53 - 1;
    await writeMetricsFile(metricsPath(), [{ ...runs[0], metrics }], PROVENANCE);
    const table = readArrowFile(metricsPath());
    const column = table.getChild('test_loss')!.data[0].values as Float64Array;
    expect(new Uint8Array(column.buffer, column.byteOffset, 24)).toEqual(new Uint8Array(odd.buffer));
    expect(table.getChild('step')!.get(2)).toBe(2n ** 53n - 1n);
  });

  it('writes an empty metrics.arrow with the full schema when no run has finished', async () => {
    const result = await writeMetricsFile(metricsPath(), [], PROVENANCE);
    expect(result.rows).toBe(0);
    const table = readArrowFile(join(dir, 'metrics.arrow'));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields).toHaveLength(MERGED_METRICS_SCHEMA.fields.length);
  });
});
