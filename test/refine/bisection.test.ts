/**
 * One axis: refinement is bisection. Divergence over lr (allow_unstable), found to within the final cell width.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonReadersMissing, runCli } from '../helpers.js';
import { boundaryOf, readPlanFile, refine, runInto, summaryOf } from './helpers.js';

const SWEEP = `
name: diverge
seed: 4
base: { n: 20, d: 5, width: 16, steps: 300, log_every: 50, optimizer: sgd, sigma: 0.5, alpha: 1 }
grid:
  lr: { logspace: [0.01, 1, 5] }
allow_unstable: true
`;

describe('bisection of divergence over lr', () => {
  const dir = runInto(SWEEP);
  const rounds = 6;
  const r = refine(dir, '--metric', 'diverged', '--rounds', String(rounds), '--budget', '20', '--replicates', '1');

  it('puts the boundary between the last stable and the first diverging lr, one final cell apart', () => {
    expect(r.code, r.stderr).toBe(0);
    const rows = summaryOf(dir).sort((a, b) => a.params.lr - b.params.lr);
    const firstDiverged = rows.findIndex((row) => row.status === 'diverged');
    expect(firstDiverged).toBeGreaterThan(0);
    // monotone: every lr below is stable, every lr above diverges
    expect(rows.slice(0, firstDiverged).every((row) => row.status === 'done')).toBe(true);
    expect(rows.slice(firstDiverged).every((row) => row.status === 'diverged')).toBe(true);
    const a = rows[firstDiverged - 1].params.lr;
    const b = rows[firstDiverged].params.lr;
    // the grid's ratio between neighbours is √10; each round halves it in log space
    expect(Math.log(b / a)).toBeCloseTo(Math.log(Math.sqrt(10)) / 2 ** rounds, 9);
    const curves = boundaryOf(dir, 'diverged').curves.filter((c) => c.kind === 'median');
    expect(curves).toHaveLength(1);
    const [{ x }] = curves[0].points;
    expect(x).toBeGreaterThan(a);
    expect(x).toBeLessThan(b);
  });

  it('adds one run per round and records the round', () => {
    const plan = readPlanFile(dir);
    const byRound = [1, 2, 3, 4, 5, 6].map((k) => plan.runs.filter((run) => run.refine_round === k).length);
    expect(byRound).toEqual([1, 1, 1, 1, 1, 1]);
    expect(plan.runs.filter((run) => run.refine_round === undefined)).toHaveLength(5);
    const rows = summaryOf(dir);
    expect(rows.filter((row) => row.extra?.refine_round === 0)).toHaveLength(5);
    expect(new Set(rows.map((row) => row.extra?.refine_round))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
  });
});

describe('the boundary file as Parquet', () => {
  const missing = pythonReadersMissing();
  it.skipIf(missing)(
    `merge --parquet writes it, read by pyarrow with the Arrow file's rows and types${missing ? ` (skipped: ${missing})` : ''}`,
    () => {
      const dir = runInto(SWEEP);
      expect(refine(dir, '--metric', 'diverged', '--rounds', '2', '--replicates', '1').code).toBe(0);
      const m = runCli(['merge', dir, '--parquet']);
      expect(m.code, m.stderr).toBe(0);
      expect(m.stdout).toContain(`${dir}/boundary-diverged.parquet`);
      const script = `
import json, pyarrow.feather as feather, pyarrow.parquet as pq
a = feather.read_table("${dir}/boundary-diverged.arrow"); p = pq.read_table("${dir}/boundary-diverged.parquet")
print(json.dumps({"rows": p.num_rows, "equal": a.replace_schema_metadata(None).equals(p.replace_schema_metadata(None)),
                  "names": p.schema.names, "types": [str(t) for t in p.schema.types]}))
`;
      const py = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
      expect(py.status, py.stderr).toBe(0);
      expect(JSON.parse(py.stdout)).toEqual({
        rows: 3, // the crossing, and the band's edges lo and hi (one replicate: at the crossing too)
        equal: true,
        names: ['lr', 'metric', 'level', 'curve', 'segment'],
        types: ['double', 'string', 'double', 'string', 'int64'],
      });
    },
  );
});
