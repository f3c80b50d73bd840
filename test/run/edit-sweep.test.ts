import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummary } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const sweep = (sigmas: string) => `name: edit
seed: 8
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 2000, log_every: 500 }
grid: { sigma: [${sigmas}] }
replicates: 2
`;

const runFiles = (out: string) =>
  readdirSync(join(out, 'runs'))
    .filter((f) => /^[0-9a-f]+\.arrow$/.test(f))
    .sort();

describe('editing a sweep file', () => {
  it('adds and drops runs by id without touching finished ones', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const path = writeSweep(dir, 'edit', sweep('0, 1'));
    expect(runCli(['run', path, '--out', out]).code).toBe(0);
    const first = runFiles(out);
    const mtimes = new Map(first.map((f) => [f, statSync(join(out, 'runs', f)).mtimeMs]));

    writeSweep(dir, 'edit', sweep('1, 2'));
    const second = runCli(['run', path, '--out', out]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('2 already finished, 2 to do');
    expect(second.stderr).toContain(`2 file(s) in ${join(out, 'runs')} named as runs this plan does not have; kept as they are`);
    for (const [f, m] of mtimes) expect(statSync(join(out, 'runs', f)).mtimeMs).toBe(m);
    expect(runFiles(out)).toHaveLength(6);
    const rows = readSummary(join(out, 'summary.arrow'));
    expect(rows.map((r) => r.params.sigma).sort()).toEqual([1, 1, 2, 2]);
  });

  it('--fresh starts over', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const path = writeSweep(dir, 'edit', sweep('0'));
    expect(runCli(['run', path, '--out', out]).code).toBe(0);
    const again = runCli(['run', path, '--out', out, '--fresh']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('0 already finished, 2 to do');
  });
});
