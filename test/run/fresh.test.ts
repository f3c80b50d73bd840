import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: fresh
seed: 3
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 1000, log_every: 500, sigma: 1 }
replicates: 2
`;

describe('run --fresh removes only what lnsweep wrote', () => {
  it('refuses a folder with no plan.json that holds other files, and deletes nothing', () => {
    const dir = tempDir();
    const out = join(dir, 'mine');
    mkdirSync(join(out, 'runs'), { recursive: true });
    writeFileSync(join(out, 'runs', 'notes.txt'), 'my notes');
    writeFileSync(join(out, 'runs', '0123456789abcdef.arrow'), 'looks like ours');
    const r = runCli(['run', writeSweep(dir, 'fresh', SWEEP), '--out', out, '--fresh']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--fresh: ${out} holds no plan.json`);
    expect(r.stderr).toContain('notes.txt');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['0123456789abcdef.arrow', 'notes.txt']);
    expect(existsSync(join(out, 'plan.json'))).toBe(false);
  });

  it("in an lnsweep folder deletes its results and keeps a user's files", () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const sweep = writeSweep(dir, 'fresh', SWEEP);
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    expect(runCli(['merge', out, '--parquet']).code).toBe(0);
    writeFileSync(join(out, 'runs', 'notes.txt'), 'my notes');
    writeFileSync(join(out, 'analysis.py'), 'print(1)');
    const r = runCli(['run', sweep, '--out', out, '--fresh']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('0 already finished, 2 to do');
    expect(existsSync(join(out, 'runs', 'notes.txt'))).toBe(true);
    expect(existsSync(join(out, 'analysis.py'))).toBe(true);
    expect(existsSync(join(out, 'metrics.arrow'))).toBe(false);
    expect(existsSync(join(out, 'metrics.parquet'))).toBe(false);
  });
});
