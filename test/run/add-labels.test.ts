/**
 * `run --add` of a sweep whose runs coincide with the folder's own keeps the folder's labels, and every run's sweep
 * name and seed are columns of summary.arrow and metrics.arrow (issue 22, item 18: the folder's own runs were
 * relabelled as added, and two sweeps' replicates could not be told apart where schema metadata is dropped).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArrowFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const sweep = (name: string, seed: number, sigmas: number[]) => `name: ${name}
seed: ${seed}
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }
grid: { sigma: [${sigmas.join(', ')}] }
replicates: 2
`;

interface StoredRun {
  run_id: string;
  replicate: number;
  params: { sigma: number };
  added_sweep?: { name: string; seed: number };
}
const planRuns = (out: string) => (JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { runs: StoredRun[] }).runs;

/** `sweep/seed/sigma/replicate` for every row of an Arrow table, sorted: who each row belongs to. */
function owners(path: string): string[] {
  const t = readArrowFile(path);
  const col = (name: string) => [...t.getChild(name)!] as unknown[];
  const [sweeps, seeds, sigmas, reps] = ['sweep', 'seed', 'sigma', 'replicate'].map(col);
  return [...new Set(sweeps.map((s, i) => `${String(s)}/${String(seeds[i])}/${String(sigmas[i])}/${String(reps[i])}`))].sort();
}

describe('run --add beside the folder’s own sweep', () => {
  it("keeps the folder's labels on runs both sweeps have, and names each run's sweep and seed in summary.arrow and metrics.arrow", () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect(runCli(['run', writeSweep(dir, 'main', sweep('main', 1, [0, 1])), '--out', out]).code).toBe(0);
    const own = new Set(planRuns(out).map((r) => r.run_id));
    // σ = 1 with seed 1 and the same replicates: the same runs (same ids) as the folder's own
    const beside = writeSweep(dir, 'beside', sweep('beside', 1, [1, 2]));
    const added = runCli(['run', beside, '--out', out, '--add', '--progress', 'plain']);
    expect(added.code, added.stderr).toBe(0);
    // the line names the sweep being added, whose runs these are, not the folder's
    expect(added.stderr).toContain('[lnsweep] beside: 4 runs, 2 already finished, 2 to do');
    const runs = planRuns(out);
    expect(runs).toHaveLength(6);
    for (const r of runs) {
      if (own.has(r.run_id)) expect(r.added_sweep, `σ ${r.params.sigma}`).toBeUndefined();
      else expect(r.added_sweep, `σ ${r.params.sigma}`).toMatchObject({ name: 'beside', seed: 1 });
    }
    // a third sweep with the main one's points but another seed: its replicates are other runs
    expect(runCli(['run', writeSweep(dir, 'other', sweep('other', 9, [0])), '--out', out, '--add']).code).toBe(0);
    expect(runCli(['merge', out]).code).toBe(0);
    const expected = ['beside/1/2/0', 'beside/1/2/1', 'main/1/0/0', 'main/1/0/1', 'main/1/1/0', 'main/1/1/1', 'other/9/0/0', 'other/9/0/1'];
    expect(owners(join(out, 'summary.arrow'))).toEqual(expected);
    expect(owners(join(out, 'metrics.arrow'))).toEqual(expected);
    expect(runCli(['status', out]).stdout).toContain('8 runs: 8 done');

    // the beside sweep again, edited to σ = 1 only: its σ = 2 runs give way, the folder's σ = 1 runs stay its own
    expect(runCli(['run', writeSweep(dir, 'beside', sweep('beside', 1, [1])), '--out', out, '--add']).code).toBe(0);
    const after = planRuns(out);
    expect(after.filter((r) => r.added_sweep?.name === 'beside')).toEqual([]);
    expect(after.filter((r) => r.params.sigma === 1).every((r) => r.added_sweep === undefined)).toBe(true);
    expect(after).toHaveLength(6);
  });
});
