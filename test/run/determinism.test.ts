import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/core/types.js';
import { readRunFile } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { sameBits } from '../support/bits.js';

const SWEEP = `name: determinism
seed: 5
base: { n: 40, d: 8, width: 64, lr: 0.01, steps: 4000, log_every: 250 }
grid: { sigma: [0, 1.5], optimizer: [sgd, sam, gd], rho: [0.05] }
replicates: 2
`;

describe('results do not depend on the worker count', () => {
  it('1 worker and 2 workers give bit-identical metric columns for every run', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'det', SWEEP);
    const one = runCli(['run', sweep, '--out', join(dir, 'one'), '--workers', '1']);
    const two = runCli(['run', sweep, '--out', join(dir, 'two'), '--workers', '2']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const files = readdirSync(join(dir, 'one', 'runs'))
      .filter((f) => !f.includes('neurons'))
      .sort();
    expect(files).toHaveLength(12);
    expect(
      readdirSync(join(dir, 'two', 'runs'))
        .filter((f) => !f.includes('neurons'))
        .sort(),
    ).toEqual(files);
    for (const f of files) {
      const a = readRunFile(join(dir, 'one', 'runs', f));
      const b = readRunFile(join(dir, 'two', 'runs', f));
      expect(Array.from(b.metrics.step)).toEqual(Array.from(a.metrics.step));
      expect(a.metrics.step).toHaveLength(17); // steps 0, 250, …, 4000
      for (const m of METRIC_NAMES) {
        // Same bytes, not just close: compare the raw IEEE-754 bits of each column (non-empty).
        expect(sameBits(b.metrics.values[m], a.metrics.values[m]), `${f} ${m}`).toBe(true);
      }
    }
  });
});
