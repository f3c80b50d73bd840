import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const GOOD = `name: good
seed: 1
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 100, log_every: 50 }
`;

describe('bad input exits 2 with one clear message and writes nothing', () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const cases: [string, () => string[], RegExp][] = [
    ['a missing sweep file', () => ['run', join(dir, 'nope.yaml'), '--out', out], /nope\.yaml/],
    ['malformed YAML', () => ['run', writeSweep(dir, 'bad', 'name: x\nbase: [1, 2\n'), '--out', out], /bad\.yaml/],
    ['an unknown parameter', () => ['run', writeSweep(dir, 'unk', GOOD.replace('n: 20', 'nn: 20')), '--out', out], /base\.nn/],
    ['a negative width', () => ['run', writeSweep(dir, 'neg', GOOD.replace('width: 16', 'width: -16')), '--out', out], /base\.width/],
    ['an unstable learning rate', () => ['run', writeSweep(dir, 'lr', GOOD.replace('lr: 0.01', 'lr: 0.5')), '--out', out], /lr/],
    ['workers 0', () => ['run', writeSweep(dir, 'w', GOOD), '--out', out, '--workers', '0'], /--workers/],
    ['a shard out of range', () => ['run', writeSweep(dir, 's', GOOD), '--out', out, '--shard', '3/2'], /shard/],
    ['an unknown flag', () => ['run', writeSweep(dir, 'f', GOOD), '--out', out, '--wrokers', '2'], /wrokers/],
    ['status of a folder with no plan', () => ['status', join(dir, 'empty')], /no plan here/],
  ];
  for (const [what, args, message] of cases) {
    it(`rejects ${what}`, () => {
      const r = runCli(args());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }
});
