import { closeSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir, writeSweep } from '../helpers.js';
import { runCliWith } from './helpers.js';

const SWEEP = `name: stdio
seed: 4
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 20000, log_every: 1000 }
replicates: 6
`;

describe('closed and full standard streams', () => {
  it('plan into a pipe whose reader has gone (`| head -1`) ends quietly with status 0', async () => {
    // The reader is closed before the CLI has loaded, so its first write certainly meets EPIPE.
    const r = await runCliWith(['plan', join(REPO, 'sweeps', 'phase-diagram.yaml')], ['ignore', 'pipe', 'pipe'], (c) => c.stdout!.destroy());
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('status into a full disk (/dev/full) says so in one line and exits 1', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const run = runCli(['run', writeSweep(dir, 'stdio', SWEEP.replace('replicates: 6', 'replicates: 1')), '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const full = openSync('/dev/full', 'w');
    try {
      const r = await runCliWith(['status', out], ['ignore', full, 'pipe']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/standard output.*ENOSPC/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      closeSync(full);
    }
  });

  it('a run whose stdout and stderr are closed (`2>&1 | true`) still does every run and writes its files', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await runCliWith(
      ['run', writeSweep(dir, 'stdio', SWEEP), '--out', out, '--workers', '2', '--progress', 'plain'],
      ['ignore', 'pipe', 'pipe'],
      (c) => {
        c.stdout!.destroy();
        c.stderr!.destroy();
      },
    );
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['plan.json', 'summary.arrow', 'journal.jsonl']));
    expect(readdirSync(join(out, 'runs')).filter((f) => /^[0-9a-f]{16}\.arrow$/.test(f))).toHaveLength(6);
  });
});
