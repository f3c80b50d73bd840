/**
 * A run file counts as its run only when it holds the run: at least its step-0 row (issue 22, item 7: a file with the
 * right schema and 0 rows counted as finished forever) and the parameters plan.json gives its id (severe 1: a run
 * computed with σ = 2 under the id of σ = 0.5 was merged as σ = 0.5).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunFile, writeRunFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: runfiles
seed: 6
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 300, log_every: 100 }
grid: { sigma: [0.5, 1] }
`;

interface StoredPlan {
  runs: { run_id: string; params: { sigma: number } }[];
}

describe('a run file that does not hold its run', () => {
  it('with 0 rows, or computed with σ = 2 under the id of σ = 0.5, is pending for status, left out by merge and redone by run', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const sweep = writeSweep(dir, 'runfiles', SWEEP);
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const { runs } = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as StoredPlan;
    const [half, one] = [0.5, 1].map((sigma) => runs.find((r) => r.params.sigma === sigma)!);
    const path = (id: string) => join(out, 'runs', `${id}.arrow`);

    const sound = readRunFile(path(half.run_id));
    const base = { replicate: sound.replicate, provenance: sound.provenance };
    // σ = 1's numbers filed under σ = 0.5's id, with σ = 2 in its own metadata, as the tampered worker left it
    const other = readRunFile(path(one.run_id));
    writeRunFile(path(half.run_id), { ...base, runId: half.run_id, params: { ...sound.params, sigma: 2 }, metrics: other.metrics });
    const empty = {
      rows: 0,
      step: new Float64Array(0),
      values: Object.fromEntries(Object.keys(other.metrics.values).map((k) => [k, new Float64Array(0)])),
    };
    writeRunFile(path(one.run_id), { ...base, runId: one.run_id, params: other.params, metrics: empty as typeof other.metrics });

    expect(runCli(['status', out]).stdout).toContain(
      '2 runs: 0 done, 0 diverged, 0 failed, 2 pending (2 unreadable run file(s): rerun to redo them)',
    );
    const merge = runCli(['merge', out]);
    expect(merge.code, merge.stderr).toBe(1);
    expect(merge.stderr).toContain(
      `skipped run ${half.run_id}: ${path(half.run_id)} was computed with sigma 2 where plan.json has 0.5; it is not run ${half.run_id} of plan.json`,
    );
    expect(merge.stderr).toContain(`skipped run ${one.run_id}: ${path(one.run_id)} has no metric rows (every run has at least its step-0 row)`);

    const rerun = runCli(['run', sweep, '--out', out, '--progress', 'plain']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('2 runs, 0 already finished, 2 to do');
    expect(readRunFile(path(half.run_id)).params.sigma).toBe(0.5);
    expect(readRunFile(path(one.run_id)).metrics.rows).toBe(4);
    expect(runCli(['status', out]).stdout).toContain('2 runs: 2 done');
  });
});
