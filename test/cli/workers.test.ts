import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerCount } from '../../src/cli/options.js';
import { tempDir, writeSweep } from '../helpers.js';
import { expectRefusal, runCliFor } from './helpers.js';

const SWEEP = `name: workers
seed: 6
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }
replicates: 3
`;

describe('--workers', () => {
  const dir = tempDir();
  const sweep = writeSweep(dir, 'workers', SWEEP);
  for (const bad of ['1e9', '1.5', '-1', 'abc', '0']) {
    it(`run refuses --workers ${bad}`, () => {
      const r = runCliFor(['run', sweep, '--out', join(dir, 'out'), '--workers', bad], { timeoutMs: 30_000 });
      expectRefusal(r, `--workers ${bad}`);
    });
    it(`worker refuses --workers ${bad}`, () => {
      const r = runCliFor(['worker', '--queue', 'redis://127.0.0.1:1', '--out', join(dir, 'q'), '--workers', bad], { timeoutMs: 30_000 });
      expectRefusal(r, `--workers ${bad}`);
    });
  }

  it('more than 4 per core is capped with a one-line note, and the sweep runs', () => {
    const cap = availableParallelism() * 4;
    const r = runCliFor(['run', sweep, '--out', join(dir, 'capped'), '--workers', '1000', '--progress', 'none'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: --workers 1000 is more than 4 per core`);
    expect(r.stderr).toContain(`using ${cap}`);
    expect(r.stderr).toContain(`${cap} worker(s)`);
    expect(r.stderr).toContain('3 done');
  });

  it('refine caps --workers as run does: 200 runs its round on cores × 4 threads, with the same note (issue 22, item 9)', () => {
    const cap = availableParallelism() * 4;
    const folder = join(dir, 'refine');
    const grid = `name: refineworkers\nseed: 3\nbase: { n: 20, d: 5, width: 16, steps: 300, log_every: 50, lr: 0.02, teacher_norm: 2 }\ngrid: { sigma: [0, 2, 4], alpha: [0.5, 1, 2] }\n`;
    expect(runCliFor(['run', writeSweep(dir, 'refineworkers', grid), '--out', folder, '--progress', 'none']).code).toBe(0);
    const r = runCliFor(
      [
        'refine',
        folder,
        '--metric',
        'final_w_norm2_mean',
        '--level',
        '0.9',
        '--rounds',
        '1',
        '--budget',
        '200',
        '--workers',
        '200',
        '--progress',
        'none',
      ],
      {
        timeoutMs: 60_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: --workers 200 is more than 4 per core (${availableParallelism()} cores here); using ${cap}`);
    expect(r.stderr).toMatch(new RegExp(`refine round 1: \\d+ run\\(s\\) added[^]*, ${cap} worker\\(s\\)`));
  });

  it('the cap is cores × 4, and a count at or below it is kept', () => {
    const notes: string[] = [];
    expect(workerCount('8', (l) => notes.push(l), 2)).toBe(8);
    expect(workerCount('9', (l) => notes.push(l), 2)).toBe(8);
    expect(workerCount(undefined, (l) => notes.push(l), 3)).toBe(3);
    expect(notes).toHaveLength(1);
  });

  it('1e9 is refused as not written in digits, and the refusal says that a large count would be capped', () => {
    // issue 22, item 9: `refine --workers 1e9` used to hang; "must be a whole number" alone is untrue of 1e9
    expect(() => workerCount('1e9', () => undefined, 2)).toThrow(
      '--workers 1e9: must be a whole number ≥ 1 written in digits, e.g. --workers 2 (a count above 8, 4 per core here, is capped at 8)',
    );
  });
});

describe('--shard with a value that starts with a dash', () => {
  it('--shard -1/2 gets the shard message, not "Unknown argument"', () => {
    const dir = tempDir();
    const r = runCliFor(['run', writeSweep(dir, 'workers', SWEEP), '--out', join(dir, 'out'), '--shard', '-1/2']);
    expectRefusal(r, /--shard.*must be K\/N.*-1\/2/);
  });
});
