/**
 * The files as users open them: pyarrow, pandas, polars and DuckDB (through a pyarrow table, since DuckDB's own IPC
 * reader needs a downloaded extension). Needs all four (requirePythonReaders: skipped outside CI, a failure with
 * CI=true; `.ci/run` installs them with pip).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_NAMES } from '../../src/core/types.js';
import { readRunFile, writeMetricsFile, writeNeuronsFile, writeRunFile, writeSummary } from '../../src/io/index.js';
import { requirePythonReaders, titled } from '../support/components.js';
import { PROVENANCE, sampleMetrics, sampleParams, sampleRow, sampleSnapshots, tempDir } from './helpers.js';

const missing = requirePythonReaders();

/** Runs a Python snippet with `out` (the output folder) defined; returns what it prints as JSON. */
function python(out: string, body: string): unknown {
  const script = `import json, sys\nout = sys.argv[1]\n${body}`;
  const stdout = execFileSync('python3', ['-c', script, out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(stdout);
}

describe.skipIf(missing !== null)(titled('files read by the Python readers users use', missing), () => {
  let dir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('python'));
    mkdirSync(join(dir, 'runs'));
    const runs = [
      { runId: 'run-a', params: sampleParams({ sigma: 4 }), replicate: 0, sweep: 'sample', seed: 7, rows: 4 },
      { runId: 'run-b', params: sampleParams({ sigma: 0 }), replicate: 1, sweep: 'sample', seed: 7, rows: 3 },
    ];
    for (const r of runs) {
      writeRunFile(join(dir, 'runs', `${r.runId}.arrow`), { ...r, metrics: sampleMetrics(r.rows), provenance: PROVENANCE });
    }
    writeNeuronsFile(join(dir, 'runs', 'run-a.neurons.arrow'), {
      runId: 'run-a',
      snapshots: sampleSnapshots([0, 1000], 3),
      provenance: PROVENANCE,
    });
    await writeSummary(
      join(dir, 'summary.arrow'),
      [
        sampleRow('run-a', { params: runs[0].params, extra: { norm_decay_rate: 0.25 } }),
        sampleRow('run-b', { params: runs[1].params, replicate: 1, status: 'diverged', error: 'loss 2e6 > 1e6', align_step: null }),
      ],
      PROVENANCE,
    );
    const merged = runs.map((r) => ({ ...r, metrics: readRunFile(join(dir, 'runs', `${r.runId}.arrow`)).metrics }));
    await writeMetricsFile(join(dir, 'metrics.arrow'), merged, PROVENANCE);
  });
  afterAll(() => cleanup?.());

  it('pyarrow.ipc.open_file reads one batch, the exact types and the lnsweep metadata', () => {
    const r = python(
      dir,
      `import pyarrow as pa
f = pa.ipc.open_file(out + '/runs/run-a.arrow')
t = f.read_all()
meta = {k.decode(): v.decode() for k, v in f.schema.metadata.items()}
n = pa.ipc.open_file(out + '/runs/run-a.neurons.arrow').read_all()
print(json.dumps({
  'batches': f.num_record_batches,
  'fields': [[x.name, str(x.type)] for x in t.schema],
  'steps': t.column('step').to_pylist(),
  'run_id': meta['lnsweep.run_id'], 'params': json.loads(meta['lnsweep.params']), 'commit': meta['lnsweep.git_commit'],
  'neurons': [[x.name, str(x.type)] for x in n.schema], 'neuron_rows': n.num_rows,
}))`,
    ) as Record<string, unknown>;
    expect(r.batches).toBe(1);
    expect(r.fields).toEqual([['run_id', 'string'], ['step', 'int64'], ...METRIC_NAMES.map((m) => [m, 'double'])]);
    expect(r.steps).toEqual([0, 10, 20, 30]);
    expect(r.run_id).toBe('run-a');
    expect(r.params).toEqual(sampleParams({ sigma: 4 }));
    expect(r.commit).toBe('abc123');
    expect(r.neurons).toEqual([
      ['run_id', 'string'],
      ['step', 'int64'],
      ['neuron', 'int64'],
      ['w_norm2', 'double'],
      ['w_theta_ip', 'double'],
      ['a', 'double'],
    ]);
    expect(r.neuron_rows).toBe(6);
  });

  it('pandas.read_feather gives int64 steps, float64 metrics and string ids', () => {
    const r = python(
      dir,
      `import pandas as pd
df = pd.read_feather(out + '/metrics.arrow')
s = pd.read_feather(out + '/summary.arrow')
print(json.dumps({
  'columns': list(df.columns),
  'step': str(df['step'].dtype), 'loss': str(df['train_loss'].dtype), 'width': str(df['width'].dtype),
  'id_is_string': bool(pd.api.types.is_string_dtype(df['run_id'])),
  'rows': len(df), 'mean_loss_by_sigma': {str(k): v for k, v in df.groupby('sigma')['train_loss'].mean().items()},
  'summary_status': s.sort_values('run_id')['status'].tolist(),
  'summary_extra': float(s.loc[s.run_id == 'run-a', 'norm_decay_rate'].iloc[0]),
  'align_na': bool(s.loc[s.run_id == 'run-b', 'align_step'].isna().iloc[0]),
}))`,
    ) as Record<string, unknown>;
    expect((r.columns as string[]).slice(0, 2)).toEqual(['run_id', 'n']);
    expect(r.step).toBe('int64');
    expect(r.loss).toBe('float64');
    expect(r.width).toBe('int64');
    expect(r.id_is_string).toBe(true);
    expect(r.rows).toBe(7);
    // train_loss at row i is i/8: run-a (σ=4) rows 0..3, run-b (σ=0) rows 0..2
    expect(r.mean_loss_by_sigma).toEqual({ '0.0': 1 / 8, '4.0': 1.5 / 8 });
    expect(r.summary_status).toEqual(['done', 'diverged']);
    expect(r.summary_extra).toBe(0.25);
    expect(r.align_na).toBe(true);
  });

  it('polars.read_ipc gives Int64, Float64 and String columns, nulls kept', () => {
    const r = python(
      dir,
      `import polars as pl
df = pl.read_ipc(out + '/metrics.arrow')
s = pl.read_ipc(out + '/summary.arrow').sort('run_id')
print(json.dumps({
  'dtypes': {c: str(t) for c, t in zip(df.columns, df.dtypes)},
  'rows': df.height,
  'last_step_b': df.filter(pl.col('run_id') == 'run-b')['step'].max(),
  'summary_align': s['align_step'].to_list(),
  'summary_dtypes': {c: str(t) for c, t in zip(s.columns, s.dtypes) if c in ('align_step', 'final_test_loss', 'error', 'snapshot_steps')},
}))`,
    ) as Record<string, unknown>;
    const dtypes = r.dtypes as Record<string, string>;
    expect(dtypes.run_id).toBe('String');
    expect(dtypes.step).toBe('Int64');
    expect(dtypes.steps).toBe('Int64');
    expect(dtypes.lr).toBe('Float64');
    expect(dtypes.optimizer).toBe('String');
    for (const m of METRIC_NAMES) expect(dtypes[m]).toBe('Float64');
    expect(r.rows).toBe(7);
    expect(r.last_step_b).toBe(20);
    expect(r.summary_align).toEqual([40, null]);
    expect(r.summary_dtypes).toEqual({ error: 'String', snapshot_steps: 'String', final_test_loss: 'Float64', align_step: 'Int64' });
  });

  it('duckdb queries the files through pyarrow tables with one line of SQL', () => {
    const r = python(
      dir,
      `import duckdb, pyarrow.feather as feather
metrics = feather.read_table(out + '/metrics.arrow')
summary = feather.read_table(out + '/summary.arrow')
rows = duckdb.sql("select run_id, sigma, replicate, count(*) as n, max(step) as last, avg(test_loss) as tl from metrics group by all order by run_id").fetchall()
types = dict(duckdb.sql("select column_name, column_type from (describe metrics)").fetchall())
best = duckdb.sql("select run_id from summary where status = 'done' order by final_test_loss limit 1").fetchall()
print(json.dumps({'rows': rows, 'types': {k: types[k] for k in ('run_id', 'step', 'train_loss', 'width', 'snapshot_steps')}, 'best': best}))`,
    ) as Record<string, unknown>;
    expect(r.rows).toEqual([
      ['run-a', 4, 0, 4, 30, 1 + 1.5 / 8],
      ['run-b', 0, 1, 3, 20, 1 + 1 / 8],
    ]);
    expect(r.types).toEqual({ run_id: 'VARCHAR', step: 'BIGINT', train_loss: 'DOUBLE', width: 'BIGINT', snapshot_steps: 'VARCHAR' });
    expect(r.best).toEqual([['run-a']]);
  });
});
