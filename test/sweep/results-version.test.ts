import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESULTS_VERSION } from '../../src/sweep/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `
name: rv
seed: 3
base: { n: 10, d: 3, width: 5, lr: 0.01, steps: 50, log_every: 10, sigma: 1 }
grid: { alpha: [1, 2] }
`;

function run(dir: string, out: string, ...extra: string[]) {
  return runCli(['run', writeSweep(dir, 'rv', SWEEP), '--out', out, '--workers', '1', '--progress', 'none', ...extra]);
}

describe('an output folder of an older results version', () => {
  it('is refused with one line naming the folder (exit 2, nothing touched), and taken with --fresh', () => {
    const dir = tempDir('lnsweep-rv-');
    const out = join(dir, 'out');
    expect(run(dir, out).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { results_version?: number; provenance: Record<string, string> };
    expect(plan.results_version).toBe(RESULTS_VERSION);
    expect(plan.provenance.results_version).toBe(String(RESULTS_VERSION));
    // resuming a folder of the same version is fine
    expect(run(dir, out).code).toBe(0);

    // a folder written before the version existed: its plan has no results_version
    delete plan.results_version;
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
    const before = readdirSync(join(out, 'runs')).sort();
    const refused = run(dir, out);
    expect(refused.code).toBe(2);
    // one line says what is wrong (a shard would add its "[lnsweep] taking …" line)
    const lines = refused.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('[lnsweep] taking'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(out);
    expect(lines[0]).toMatch(/results version 1\b.*--fresh.*another --out/);
    expect(lines[0]).toContain('2: θ* has its own random stream; 3: phase2_frac and the Phase II markers');
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(before);

    // a version-2 folder is told only what changed since: the thresholds in the run's units
    writeFileSync(join(out, 'plan.json'), JSON.stringify({ ...plan, results_version: 2 }));
    const v2 = run(dir, out);
    expect(v2.code).toBe(2);
    expect(v2.stderr).toMatch(/results version 2\b.*\(3: phase2_frac and the Phase II markers use thresholds in the run's units \(α⁴η, α²√η, α³√η\)/);
    expect(v2.stderr).not.toContain('θ* has its own random stream');
    // a version-3 folder: its pred_* columns past the gate were the end point's, not the noise-sustained state's
    writeFileSync(join(out, 'plan.json'), JSON.stringify({ ...plan, results_version: 3 }));
    const v3 = run(dir, out);
    expect(v3.code).toBe(2);
    expect(v3.stderr).toMatch(/results version 3\b.*\(4: the model's terminal state past d·x = 0\.75 is the limit equation's noise-sustained state/);
    expect(v3.stderr).not.toContain('phase2_frac and the Phase II markers');
    delete plan.results_version;
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
    expect((JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { results_version?: number }).results_version).toBeUndefined();

    expect(run(dir, out, '--fresh').code).toBe(0);
    expect((JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { results_version?: number }).results_version).toBe(RESULTS_VERSION);
  });
});
