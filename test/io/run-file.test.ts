import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Float64, Int64, RecordBatch, RecordBatchFileWriter, Schema, Struct, Table, Utf8, makeData, tableToIPC, vectorFromArray } from 'apache-arrow';
import { METRIC_NAMES } from '../../src/core/types.js';
import { readArrowFile, writeArrowFileAtomic } from '../../src/io/arrow-file.js';
import { readRunFile, writeNeuronsFile, writeRunFile } from '../../src/io/run-file.js';
import { canonicalJson, RUN_METRICS_SCHEMA } from '../../src/io/schemas.js';
import { PROVENANCE, sampleMetrics, sampleParams, sampleSnapshots, tempDir } from './helpers.js';

describe('run files', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('run')));
  afterEach(() => cleanup());

  it('writes the metric columns of docs/formats.md#run-file with exact names and Arrow types in one record batch', () => {
    const path = join(dir, 'r1.arrow');
    writeRunFile(path, { runId: 'r1', params: sampleParams(), replicate: 1, metrics: sampleMetrics(7), provenance: PROVENANCE });
    const table = readArrowFile(path);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['run_id', 'step', ...METRIC_NAMES]);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Int64', ...METRIC_NAMES.map(() => 'Float64')]);
    expect(table.batches).toHaveLength(1);
    expect(table.numRows).toBe(7);
    expect(table.getChild('step')!.get(6)).toBe(60n);
    expect(table.getChild('run_id')!.get(3)).toBe('r1');
  });

  it('reads back exactly what was written: params, replicate, provenance and every metric bit for bit', () => {
    const path = join(dir, 'r2.arrow');
    const metrics = sampleMetrics(5);
    const params = sampleParams({ snapshot_steps: [0, 500, 1000], optimizer: 'sam', rho: 0.05 });
    writeRunFile(path, { runId: 'r2', params, replicate: 3, metrics, provenance: PROVENANCE });
    const back = readRunFile(path);
    expect(back.runId).toBe('r2');
    expect(back.params).toEqual(params);
    expect(back.replicate).toBe(3);
    expect(back.provenance).toEqual(PROVENANCE);
    expect(back.metrics.rows).toBe(5);
    expect(back.metrics.step).toEqual(metrics.step);
    for (const name of METRIC_NAMES) expect(back.metrics.values[name]).toEqual(metrics.values[name]);
    expect(Number.isNaN(back.metrics.values.kernel_dist[1])).toBe(true);
  });

  it("keeps the Phase I model's predictions bit for bit, null where none, and refuses a model entry of another shape", () => {
    const path = join(dir, 'r4.arrow');
    const model = {
      k0: 1.9374638291,
      w_norm2_end: 0.1 + 0.2,
      phase1_steps: 123457,
      align_steps: null,
      sigma_trace: 19.7,
      sigma_along: 1.0625,
      phase2_frac_final: 0.375,
    };
    writeRunFile(path, { runId: 'r4', params: sampleParams(), replicate: 0, metrics: sampleMetrics(2), provenance: PROVENANCE, model });
    expect(readRunFile(path).model).toEqual(model);
    writeRunFile(path, { runId: 'r4', params: sampleParams(), replicate: 0, metrics: sampleMetrics(2), provenance: PROVENANCE });
    expect(readRunFile(path).model).toBeNull();

    const table = readArrowFile(path);
    table.schema.metadata.set('lnsweep.model', '{"k0":"1e3"}');
    writeFileSync(path, tableToIPC(table, 'file'));
    expect(() => readRunFile(path)).toThrow(/r4\.arrow.*lnsweep\.model.*not a model prediction \(field 'k0' is "1e3"/);
    // a model entry written before the end point took the run's own Σ̂: the field it lacks is named
    const { sigma_trace: _, ...older } = model;
    table.schema.metadata.set('lnsweep.model', JSON.stringify(older));
    writeFileSync(path, tableToIPC(table, 'file'));
    expect(() => readRunFile(path)).toThrow(/r4\.arrow.*field 'sigma_trace' is missing/);
    table.schema.metadata.set('lnsweep.model', JSON.stringify({ ...model, sigma_along: null }));
    writeFileSync(path, tableToIPC(table, 'file'));
    expect(() => readRunFile(path)).toThrow(/field 'sigma_along' is null/);
  });

  it('stores parameters and each provenance entry in the schema metadata under lnsweep. keys', () => {
    const path = join(dir, 'r3.arrow');
    writeRunFile(path, { runId: 'r3', params: sampleParams(), replicate: 0, metrics: sampleMetrics(2), provenance: PROVENANCE });
    const meta = readArrowFile(path).schema.metadata;
    expect(meta.get('lnsweep.run_id')).toBe('r3');
    expect(meta.get('lnsweep.replicate')).toBe('0');
    expect(JSON.parse(meta.get('lnsweep.params')!)).toEqual(sampleParams());
    expect(meta.get('lnsweep.git_commit')).toBe('abc123');
    expect(meta.get('lnsweep.engine')).toBe('native');
    expect(meta.get('lnsweep.ended_at')).toBe(PROVENANCE.ended_at);
  });

  it("writes the very bytes arrow-js's RecordBatchFileWriter writes for the same table (7 rows, 1, none, 2,000: more than its buffer)", () => {
    // the expected file through arrow-js's own builders and writer, from the same inputs, none of run-file.ts's code
    const arrowJsBytes = (runId: string, rows: number, model: unknown) => {
      const m = sampleMetrics(rows);
      const meta = new Map<string, string>([
        ['lnsweep.run_id', runId],
        ['lnsweep.params', canonicalJson(sampleParams())],
        ['lnsweep.replicate', '2'],
        ['lnsweep.model', JSON.stringify(model)],
        ['lnsweep.provenance', canonicalJson(PROVENANCE)],
        ...Object.keys(PROVENANCE)
          .sort()
          .map((k): [string, string] => [`lnsweep.${k}`, PROVENANCE[k as keyof typeof PROVENANCE]]),
      ]);
      const schema = new Schema(RUN_METRICS_SCHEMA.fields, meta);
      const children = [
        vectorFromArray(
          Array.from({ length: rows }, () => runId),
          new Utf8(),
        ).data[0],
        makeData({ type: new Int64(), length: rows, data: BigInt64Array.from(m.step, (v) => BigInt(v)) }),
        ...METRIC_NAMES.map((name) => makeData({ type: new Float64(), length: rows, data: m.values[name] })),
      ];
      const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, children }));
      return RecordBatchFileWriter.writeAll(new Table(schema, rows > 0 ? [batch] : [])).toUint8Array(true);
    };
    const model = { k0: 2, w_norm2_end: 0.5, phase1_steps: 10, align_steps: null, sigma_trace: 5, sigma_along: 1, phase2_frac_final: 0.25 };
    // one after another, so each file is built in the buffer and builder the one before used (run-file.ts); 2,000 rows
    // are over 400 kB, more than that 64 kB buffer holds
    for (const [rows, m] of [
      [7, model],
      [1, null],
      [0, null],
      [2000, model],
      [3, null],
    ] as const) {
      const path = join(dir, `bytes-${rows}.arrow`);
      writeRunFile(path, { runId: 'r-bytes', params: sampleParams(), replicate: 2, metrics: sampleMetrics(rows), provenance: PROVENANCE, model: m });
      expect(Buffer.compare(readFileSync(path), Buffer.from(arrowJsBytes('r-bytes', rows, m))), `${rows} rows`).toBe(0);
    }
  });

  it('writes only the first `rows` values when the core hands over longer arrays', () => {
    const path = join(dir, 'r4.arrow');
    const m = sampleMetrics(6);
    const short = { ...m, rows: 4 };
    writeRunFile(path, { runId: 'r4', params: sampleParams(), replicate: 0, metrics: short, provenance: PROVENANCE });
    expect(readRunFile(path).metrics.step).toEqual(new Float64Array([0, 10, 20, 30]));
  });

  it('refuses a file of two record batches or of other columns, naming the file and what is wrong', () => {
    const path = join(dir, 'r6.arrow');
    writeRunFile(path, { runId: 'r6', params: sampleParams(), replicate: 0, metrics: sampleMetrics(3), provenance: PROVENANCE });
    const table = readArrowFile(path);
    writeArrowFileAtomic(path, new Table(table.schema, [table.batches[0], table.batches[0]]));
    expect(() => readRunFile(path)).toThrow(/r6\.arrow: not a run file: 2 record batches, where a run file has one/);
    const fewer = table.selectAt([0, 1]);
    writeArrowFileAtomic(path, new Table(new Schema(fewer.schema.fields, table.schema.metadata), fewer.batches));
    expect(() => readRunFile(path)).toThrow(
      `r6.arrow: not the expected columns: it has run_id: Utf8, step: Int64; expected run_id: Utf8, step: Int64, ${METRIC_NAMES[0]}: Float64`,
    );
  });

  it('writes per-neuron snapshots with Int64 step and neuron and Float64 values', () => {
    const path = join(dir, 'r5.neurons.arrow');
    const snapshots = sampleSnapshots([0, 500, 1000], 4);
    writeNeuronsFile(path, { runId: 'r5', snapshots, provenance: PROVENANCE });
    const table = readArrowFile(path);
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['run_id', 'Utf8'],
      ['step', 'Int64'],
      ['neuron', 'Int64'],
      ['w_norm2', 'Float64'],
      ['w_theta_ip', 'Float64'],
      ['a', 'Float64'],
    ]);
    expect(table.batches).toHaveLength(1);
    expect(table.numRows).toBe(12);
    expect(table.getChild('step')!.get(11)).toBe(1000n);
    expect(table.getChild('neuron')!.get(11)).toBe(3n);
    expect(table.getChild('a')!.toArray()).toEqual(snapshots.a);
    expect(table.schema.metadata.get('lnsweep.run_id')).toBe('r5');
  });

  it('writes an empty snapshot file when a run took no snapshots', () => {
    const path = join(dir, 'r6.neurons.arrow');
    writeNeuronsFile(path, { runId: 'r6', snapshots: sampleSnapshots([], 4), provenance: PROVENANCE });
    expect(readArrowFile(path).numRows).toBe(0);
  });
});

describe('run file input checks', () => {
  it('refuses a provenance key that would shadow the run metadata, naming the file', () => {
    const { dir, cleanup } = tempDir('run-bad');
    try {
      const path = join(dir, 'r.arrow');
      expect(() =>
        writeRunFile(path, {
          runId: 'r',
          params: sampleParams(),
          replicate: 0,
          metrics: sampleMetrics(2),
          provenance: { ...PROVENANCE, params: 'x' },
        }),
      ).toThrow(/^\[io\] .*r\.arrow: bug: provenance key 'params' is reserved/);
    } finally {
      cleanup();
    }
  });
});
