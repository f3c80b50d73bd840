import { copyFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummary, verifyArrowFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: verify
seed: 5
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 2000, log_every: 500, sigma: 1, snapshot_steps: [0, 2000] }
replicates: 3
`;

const runIds = (out: string) =>
  readdirSync(join(out, 'runs'))
    .filter((f) => /^[0-9a-f]+\.arrow$/.test(f))
    .map((f) => f.slice(0, -'.arrow'.length))
    .sort();

describe('every file of a run is verified before the run counts as finished', () => {
  it('a run file copied under another run id is not done: status, merge (exit 1, no row) and run agree', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const sweep = writeSweep(dir, 'verify', SWEEP);
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const [a, b] = runIds(out);
    copyFileSync(join(out, 'runs', `${b}.arrow`), join(out, 'runs', `${a}.arrow`));

    expect(runCli(['status', out]).stdout).toContain('3 runs: 2 done, 0 diverged, 0 failed, 1 pending');
    const merge = runCli(['merge', out]);
    expect(merge.code, merge.stderr).toBe(1);
    expect(merge.stderr).toContain(`skipped run ${a}`);
    expect(merge.stderr).toContain(`holds run ${b}`);
    const rows = readSummary(join(out, 'summary.arrow'))
      .map((r) => r.run_id)
      .sort();
    expect(rows).toEqual(runIds(out).filter((id) => id !== a));

    const rerun = runCli(['run', sweep, '--out', out]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('1 to do');
    expect(runCli(['merge', out]).code).toBe(0);
  });

  it('a truncated or deleted neurons file makes its run unfinished, and run redoes it', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const sweep = writeSweep(dir, 'verify', SWEEP);
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const [a, b, c] = runIds(out);
    const neurons = (id: string) => join(out, 'runs', `${id}.neurons.arrow`);
    truncateSync(neurons(a), Math.floor(statSync(neurons(a)).size / 2));
    rmSync(neurons(b));
    const untouched = statSync(join(out, 'runs', `${c}.arrow`)).mtimeMs;

    expect(runCli(['status', out]).stdout).toContain('1 done, 0 diverged, 0 failed, 2 pending');
    const rerun = runCli(['run', sweep, '--out', out]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('2 to do');
    expect(rerun.stderr).toContain(`${b}.neurons.arrow is missing`);
    expect(verifyArrowFile(neurons(a)).ok).toBe(true);
    expect(verifyArrowFile(neurons(b)).ok).toBe(true);
    expect(statSync(join(out, 'runs', `${c}.arrow`)).mtimeMs).toBe(untouched);
    expect(runCli(['status', out]).stdout).toContain('3 done');
  });
});
