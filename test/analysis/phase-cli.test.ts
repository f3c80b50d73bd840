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

  it('draws a Phase II marker the end point can never reach as "unreachable", apart from "not reached"', () => {
    // η = 0.002, m = 40, d = 5, ‖θ*‖ = 1: F∞ = P(χ²₁ ≤ α⁴·0.08/√5) = 0.04, 0.15, 0.55 at α = 0.5, 1, 2, so at
    // σ = 1 phase2_step_50 is unreachable for α < 2; at σ = 0 theory does not apply, and the cells stay "not reached"
    const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'phase2_step_50', '--out', `${out}/p2.svg`]);
    expect(r.code, r.stderr).toBe(0);
    const cells = titles(readFileSync(`${out}/p2.svg`, 'utf8')).filter((t) => t.startsWith('σ = '));
    expect(cells.filter((t) => t.includes('unreachable (end point outside)')).map((t) => t.slice(0, 14))).toEqual([
      'σ = 1, α = 0.5',
      'σ = 1, α = 1 ·',
    ]);
    expect(cells.filter((t) => t.startsWith('σ = 0,')).every((t) => t.includes('not reached by step'))).toBe(true);
    expect(cells.find((t) => t.startsWith('σ = 1, α = 2'))).not.toContain('unreachable');
  });

  it('draws σ and α as σ/α² and ‖θ*‖/α² with --rescaled: one cell per run setting, in the α = 1 frame', () => {
    const r = runCli(['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'final_test_loss', '--rescaled']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${out}/phase-final_test_loss-sigma_per_alpha2-teacher_norm_per_alpha2.svg`);
    const svg = readFileSync(r.stdout.trim(), 'utf8');
    expect(svg).toContain('σ/α² (noise, α = 1 frame)');
    expect(svg).toContain('‖θ*‖/α² (teacher, α = 1 frame)');
    // σ ∈ {0, 1, 8} over α ∈ {0.5, 1, 2}: σ/α² and 1/α² name every (σ, α) once
    const cells = titles(svg).filter((t) => t.startsWith('σ/α² = '));
    expect(cells).toHaveLength(9);
    expect(cells.some((t) => t.startsWith('σ/α² = 32, ‖θ*‖/α² = 4 ·'))).toBe(true); // σ = 8, α = 0.5
    expect(cells.some((t) => t.startsWith('σ/α² = 0.25, ‖θ*‖/α² = 0.25 ·'))).toBe(true); // σ = 1, α = 2
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
