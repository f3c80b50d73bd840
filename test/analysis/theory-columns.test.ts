import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMarkerColumn, zColumns } from '../../src/analysis/base/sweep-data.js';
import { runCli } from '../helpers.js';
import { row } from './fixtures.js';
import { GRID_SWEEP, runSweep } from './helpers.js';

const titles = (svg: string): string[] => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);

describe('the predicted columns and the new markers as phase diagram columns', () => {
  it('offers them as --z: the *_step* markers as censored markers, the predictions as plain values', () => {
    const z = zColumns([row({ extra: { decay_rate_ratio: 1, pred_phase1_steps: 5 } })]);
    for (const c of ['phase2_step_50', 'phase2_mean_step', 'lazy_escape_step_50', 'align_step_50', 'decay_rate_ratio', 'pred_phase1_steps'])
      expect(z).toContain(c);
    expect(['phase2_step_50', 'phase2_step_90', 'phase2_mean_step', 'lazy_escape_step_50', 'align_step_50'].every(isMarkerColumn)).toBe(true);
    expect(['decay_rate_ratio', 'pred_phase1_steps', 't1_bound'].some(isMarkerColumn)).toBe(false);
  });

  describe('lnsweep phase on a sweep with σ ∈ {0, 1, 8}', () => {
    const out = runSweep('theory-columns', GRID_SWEEP);

    it('draws --z decay_rate_ratio, with the σ = 0 column (NaN prediction) as "no value"', () => {
      const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'decay_rate_ratio', '--out', `${out}/ratio.svg`]);
      expect(r.code, r.stderr).toBe(0);
      const cells = titles(readFileSync(`${out}/ratio.svg`, 'utf8')).filter((t) => t.startsWith('σ = '));
      const sigma0 = cells.filter((t) => t.startsWith('σ = 0,') && !t.startsWith('spread'));
      expect(sigma0).toHaveLength(3);
      expect(sigma0.every((t) => t.includes('· no value ·'))).toBe(true);
    });

    it('draws --z phase2_step_50 with "not reached by step T" where null', () => {
      const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'phase2_step_50', '--out', `${out}/p50.svg`]);
      expect(r.code, r.stderr).toBe(0);
      const svg = readFileSync(`${out}/p50.svg`, 'utf8');
      // σ = 0 never shrinks the neurons into the Phase II ball in 3000 steps
      expect(titles(svg).filter((t) => t.startsWith('σ = 0,') && t.includes('not reached by step 3,000'))).toHaveLength(3);
    });
  });
});
