import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { GRID_SWEEP, runSweep } from './helpers.js';

const titles = (svg: string): string[] => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);

describe('lnsweep phase', () => {
  const out = runSweep('phase', GRID_SWEEP);

  it('writes an SVG heatmap with one cell per grid point, a log axis and distinct diverged cells', () => {
    const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'final_test_loss']);
    expect(r.code, r.stderr).toBe(0);
    const path = `${out}/phase-final_test_loss-sigma-alpha.svg`;
    expect(r.stdout.trim()).toBe(path);
    const svg = readFileSync(path, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const cells = titles(svg).filter((t) => t.startsWith('σ = '));
    expect(cells).toHaveLength(9); // 3 σ × 3 α, replicates aggregated
    expect(svg).toContain('init scale α (log)'); // α ∈ {0.5, 1, 2}: geometric
    expect(svg).not.toContain('label noise σ (log)'); // σ ∈ {0, 1, 8}: neither
    const diverged = cells.filter((t) => t.includes('· diverged ·'));
    expect(diverged).toHaveLength(3); // the σ = 8 column
    expect(diverged.every((t) => t.startsWith('σ = 8,'))).toBe(true);
    expect(svg).toContain('fill="#d62728"'); // drawn in the diverged colour, with its legend entry
    expect(svg).toContain('diverged</text>');
    // the spread panel: an IQR per finished cell with 2 replicates
    expect(titles(svg).filter((t) => t.startsWith('spread: IQR'))).toHaveLength(6);
  });

  it('draws a marker never reached as "not reached by step T"', () => {
    const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'align_step', '--agg', 'mean', '--out', `${out}/align.svg`]);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(`${out}/align.svg`, 'utf8');
    const notReached = titles(svg).filter((t) => t.includes('not reached by step 3,000'));
    expect(notReached.length).toBeGreaterThan(0);
    expect(svg).toContain('not reached by step 3,000</text>');
  });

  it('facets by a parameter', () => {
    const r = runCli(['phase', out, '--x', 'alpha', '--y', 'diverge_loss', '--z', 'norm_decay_rate', '--facet', 'sigma']);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(r.stdout.trim(), 'utf8');
    expect(svg).toContain('σ = 8');
  });

  it.each([
    ['--x', ['--x', 'sigmaa', '--y', 'alpha', '--z', 'final_test_loss'], 'valid: alpha, sigma, diverge_loss'],
    ['--y', ['--x', 'sigma', '--y', 'width', '--z', 'final_test_loss'], 'valid: alpha, sigma, diverge_loss'],
    ['--z', ['--x', 'sigma', '--y', 'alpha', '--z', 'test_loss'], 'final_test_loss'],
    ['--facet', ['--x', 'sigma', '--y', 'alpha', '--z', 'final_test_loss', '--facet', 'nope'], 'valid: diverge_loss'],
  ])('rejects a bad %s name with exit 2 and the valid names', (flag, args, expected) => {
    const r = runCli(['phase', out, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stderr).toContain(expected);
  });
});
