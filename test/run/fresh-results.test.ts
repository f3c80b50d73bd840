/**
 * `--fresh` deletes every result lnsweep wrote, refine's boundary files and their Parquet copies included (issue 22,
 * item 5: they were kept, and the new sweep's diagrams and report drew the old sweep's boundary), and `fit`'s files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const sweep = (name: string) => `name: ${name}
seed: 1
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 300, log_every: 100 }
grid: { sigma: [0, 1, 2], alpha: [0.5, 1, 2] }
`;

describe('--fresh and the boundary and fit files', () => {
  it("deletes boundary-<metric>.arrow and its Parquet copy, so the new sweep's report draws no old boundary", () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect(runCli(['run', writeSweep(dir, 'old', sweep('old')), '--out', out, '--progress', 'none']).code).toBe(0);
    const refine = runCli(['refine', out, '--metric', 'final_test_loss', '--level', '0.5', '--rounds', '0']);
    expect(refine.code, refine.stderr).toBe(0);
    expect(runCli(['merge', out, '--parquet']).code).toBe(0);
    const fit = runCli(['fit', out, '--metric', 'final_test_loss']);
    expect(fit.code, fit.stderr).toBe(0);
    expect(existsSync(join(out, 'fit-final_test_loss.arrow'))).toBe(true);
    expect(readdirSync(out).filter((f) => f.startsWith('boundary-'))).toEqual(['boundary-final_test_loss.arrow', 'boundary-final_test_loss.parquet']);
    writeFileSync(join(out, 'notes.txt'), 'mine');

    const fresh = runCli(['run', writeSweep(dir, 'new', sweep('new')), '--out', out, '--fresh', '--progress', 'none']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith('boundary-') || f.startsWith('fit-'))).toEqual([]);
    expect(existsSync(join(out, 'notes.txt'))).toBe(true);
    const report = runCli(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Phase diagrams');
    expect(html).not.toContain('<h2>Boundaries');
  });
});
