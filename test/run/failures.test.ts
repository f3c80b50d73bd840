import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummary } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: failures
seed: 9
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 2000, log_every: 500, sigma: 1 }
replicates: 6
`;

describe('a failing run is isolated', () => {
  it('a run that throws and a worker that dies are recorded failed; the rest finish; exit 1; a rerun retries them', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'failures', SWEEP);
    const out = join(dir, 'out');
    const plan = JSON.parse(runCli(['plan', sweep, '--json']).stdout) as { runs: { run_id: string }[] };
    const [thrower, killer] = plan.runs.map((r) => r.run_id);
    const faults = JSON.stringify({ [thrower]: 'throw', [killer]: 'exit' });

    const first = runCli(['run', sweep, '--out', out, '--workers', '2'], { LNSWEEP_FAULTS: faults });
    expect(first.code, first.stderr).toBe(1);
    const rows = readSummary(join(out, 'summary.arrow'));
    expect(rows).toHaveLength(6);
    const byId = new Map(rows.map((r) => [r.run_id, r]));
    expect(byId.get(thrower)!.status).toBe('failed');
    expect(byId.get(thrower)!.error).toContain('injected fault');
    expect(byId.get(killer)!.status).toBe('failed');
    expect(byId.get(killer)!.error).toMatch(/worker died/);
    expect(rows.filter((r) => r.status === 'done')).toHaveLength(4);

    const status = runCli(['status', out]);
    expect(status.stdout).toContain('4 done, 0 diverged, 2 failed, 0 pending');

    const retry = runCli(['run', sweep, '--out', out, '--workers', '2']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stderr).toContain('4 already finished');
    expect(readSummary(join(out, 'summary.arrow')).every((r) => r.status === 'done')).toBe(true);
  });

  it('--retries gives a failing run further attempts', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'failures', SWEEP);
    const plan = JSON.parse(runCli(['plan', sweep, '--json']).stdout) as { runs: { run_id: string }[] };
    const faults = JSON.stringify({ [plan.runs[0].run_id]: 'throw' });
    const r = runCli(['run', sweep, '--out', join(dir, 'out'), '--retries', '2', '--progress', 'plain'], { LNSWEEP_FAULTS: faults });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('retrying (1/2)');
    expect(r.stderr).toContain('retrying (2/2)');
  });
});
