import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { requirePythonReaders, titled } from '../support/components.js';
import { GRID_SWEEP, runSweep } from './helpers.js';

const missing = requirePythonReaders();

describe('lnsweep merge --parquet', () => {
  const out = runSweep('parquet', GRID_SWEEP);
  const r = runCli(['merge', out, '--parquet']);

  it('writes metrics.parquet and summary.parquet beside the Arrow files', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${out}/metrics.parquet`);
    expect(existsSync(`${out}/summary.parquet`)).toBe(true);
  });

  it.skipIf(missing !== null)(titled("is read by pyarrow and by DuckDB with the Arrow files' rows and types", missing), () => {
    const script = `
import json, duckdb, pyarrow.feather as feather, pyarrow.parquet as pq
d = ${JSON.stringify(out)}
res = {}
for name in ["metrics", "summary"]:
    a = feather.read_table(f"{d}/{name}.arrow")
    p = pq.read_table(f"{d}/{name}.parquet")
    res[name] = {"rows": [a.num_rows, p.num_rows], "same_schema": a.schema.remove_metadata().equals(p.schema.remove_metadata()),
                 # NaN-aware (a_step_abs_mean at step 0 and the theory columns hold NaN): pandas' equals, not arrow's
                 "equal": a.to_pandas().equals(p.to_pandas())}
res["duckdb"] = duckdb.sql(f"select count(*), count(distinct run_id), typeof(any_value(step)) from '{d}/metrics.parquet'").fetchone()
res["duckdb_summary"] = duckdb.sql(f"select count(*) filter (where status = 'diverged'), typeof(any_value(collapsed)), typeof(any_value(norm_decay_rate)) from '{d}/summary.parquet'").fetchone()
print(json.dumps(res))
`;
    const py = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const res = JSON.parse(py.stdout) as Record<'metrics' | 'summary', { rows: number[]; same_schema: boolean; equal: boolean }> & {
      duckdb: unknown[];
      duckdb_summary: unknown[];
    };
    for (const name of ['metrics', 'summary'] as const) {
      expect(res[name].rows[0]).toBe(res[name].rows[1]);
      expect(res[name].same_schema).toBe(true);
      expect(res[name].equal).toBe(true);
    }
    expect(res.duckdb[1]).toBe(18);
    expect(res.duckdb[2]).toBe('BIGINT');
    expect(res.duckdb_summary).toEqual([6, 'BOOLEAN', 'DOUBLE']); // collapsed is a boolean (docs/formats.md)
  });
});
