import { readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: corrupt
seed: 4
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 3000, log_every: 500, sigma: 1 }
replicates: 4
`;

describe('a corrupt or truncated run file', () => {
  it('is found at start-up, reported, and only that run is redone', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'corrupt', SWEEP);
    const out = join(dir, 'out');
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const files = readdirSync(join(out, 'runs'))
      .filter((f) => f.endsWith('.arrow'))
      .sort();
    const [truncated, garbage, ...intact] = files;
    const size = statSync(join(out, 'runs', truncated)).size;
    truncateSync(join(out, 'runs', truncated), Math.floor(size / 2));
    writeFileSync(join(out, 'runs', garbage), 'not arrow at all');
    const mtimes = new Map(intact.map((f) => [f, statSync(join(out, 'runs', f)).mtimeMs]));

    const status = runCli(['status', out]);
    expect(status.stdout).toContain('2 unreadable run file(s)');

    const rerun = runCli(['run', sweep, '--out', out]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`run ${truncated.replace('.arrow', '')}: unreadable run file`);
    expect(rerun.stderr).toContain(`run ${garbage.replace('.arrow', '')}: unreadable run file`);
    expect(rerun.stderr).toContain('2 to do');
    for (const [f, m] of mtimes) expect(statSync(join(out, 'runs', f)).mtimeMs).toBe(m);
    expect(runCli(['status', out]).stdout).toContain('4 done, 0 diverged, 0 failed, 0 pending');
  });
});
