/**
 * Bad refine requests are a one-line message naming the flag or key, exit 2, and nothing written; a sweep file's
 * `refine:` key does the grid and then the refinement.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { boundaryOf, readPlanFile, refine, runInto, SMOOTH_5X5 } from './helpers.js';

/** Every file of a folder with its size and modification time. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.push(`${p} ${s.size} ${s.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

describe('bad refine requests', () => {
  const dir = runInto(SMOOTH_5X5);
  const before = snapshot(dir);

  it.each([
    ['an unknown metric', ['--metric', 'final_nope', '--level', '1'], /--metric final_nope: not a metric refine knows; valid: final_train_loss/],
    ['a non-numeric axis', ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--axes', 'sigma,optimizer'], /--axes: 'optimizer' is not numeric/],
    [
      'an axis that does not vary',
      ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--axes', 'sigma,n'],
      /--axes: 'n' does not vary in .*; valid: alpha, sigma$/m,
    ],
    ['not a parameter', ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--axes', 'sigmaa'], /--axes: 'sigmaa' is not a parameter/],
    [
      'a level above the range',
      ['--metric', 'final_w_norm2_mean', '--level', '100'],
      /--level 100: outside the range of final_w_norm2_mean .*\(\d[\d.e+-]* … \d[\d.e+-]*\)/,
    ],
    ['a level below the range', ['--metric', 'final_w_norm2_mean', '--level', '0.01'], /--level 0.01: outside the range/],
    ['no level for a numeric metric', ['--metric', 'final_w_norm2_mean'], /--level: required for --metric final_w_norm2_mean/],
    ['a 0/1 level outside (0, 1)', ['--metric', 'collapsed', '--level', '1'], /--level 1: collapsed is 0 or 1 per run/],
    ['a negative budget', ['--metric', 'diverged', '--budget', '-3'], /--budget: must be a whole number/],
    [
      '--workers 1e9 (checked as run checks it)',
      ['--metric', 'diverged', '--workers', '1e9'],
      /--workers 1e9: must be a whole number ≥ 1 written in digits, .*capped at/,
    ],
    ['an axis named __proto__', ['--metric', 'diverged', '--axes', '__proto__'], /--axes: '__proto__' is not a parameter/],
  ])('%s: exit 2, one line, nothing written', (_name, flags, message) => {
    const r = refine(dir, ...flags);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a folder that is not an output folder: exit 2', () => {
    const r = refine(tempDir(), '--metric', 'diverged');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no plan here/);
  });
});

describe('refine in a sweep file', () => {
  const withRefine = (refineKey: string) => `${SMOOTH_5X5}refine: ${refineKey}\n`;

  it.each([
    ['an unknown metric', '{ metric: final_w_norm, level: 0.6 }', /refine\.metric: unknown metric 'final_w_norm'; valid: final_train_loss/],
    ['a missing level', '{ metric: final_w_norm2_mean }', /refine\.level: is required/],
    ['a non-numeric axis', '{ metric: diverged, axes: [optimizer] }', /refine\.axes\[0\]: optimizer is not numeric/],
    ['an axis that does not vary', '{ metric: diverged, axes: [sigma, n] }', /refine\.axes\[1\]: n does not vary/],
    ['an unknown key', '{ metric: diverged, round: 3 }', /refine\.round/],
  ])('%s: exit 2 naming the key, before anything runs', (_name, key, message) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = runCli(['run', writeSweep(dir, 'bad', withRefine(key)), '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('`run` does the grid, then the refinement', () => {
    const out = runInto(withRefine('{ metric: final_w_norm2_mean, level: 0.6, rounds: 2, budget: 60, replicates: 1 }'));
    const plan = readPlanFile(out);
    expect(plan.refine).toEqual({ metric: 'final_w_norm2_mean', level: 0.6, rounds: 2, budget: 60, replicates: 1 });
    const rounds = plan.runs.map((r) => r.refine_round ?? 0);
    expect(new Set(rounds)).toEqual(new Set([0, 1, 2]));
    expect(rounds.filter((k) => k > 0).length).toBeLessThanOrEqual(60);
    expect(boundaryOf(out, 'final_w_norm2_mean').curves.length).toBeGreaterThan(0);
  });
});
