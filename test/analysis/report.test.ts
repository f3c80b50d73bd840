import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { GRID_SWEEP, runSweep } from './helpers.js';

describe('lnsweep report', () => {
  const out = runSweep('report', GRID_SWEEP);
  const r = runCli(['report', out]);
  const html = r.code === 0 ? readFileSync(`${out}/report.html`, 'utf8') : '';

  it('writes DIR/report.html and prints its path', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${out}/report.html`);
  });

  it('is self-contained: inline SVG, no script, no http(s) resource', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<(img|link|iframe|object|embed)\b/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(5);
  });

  it('has the overview, the phase diagrams, the Fig. 2 panels, the neuron scatter and the on/off panel', () => {
    expect(html).toContain('<section id="overview"><h2>Overview<');
    expect(html).toMatch(/<th>diverged<\/th><td>6<\/td>/);
    expect(html).toMatch(/<th>git commit<\/th><td>[0-9a-f]{40}/);
    expect(html).toContain('id="phase-norm_decay_rate"');
    expect(html).toContain('id="phase-final_test_loss"');
    expect(html).toContain('(a) test loss');
    expect(html).toContain('(d) Neurons at the snapshot steps');
    expect(html).toContain('Noise on/off');
  });

  it('draws the Phase I model dashed beside the chosen noisy runs on the Fig. 2 panels', () => {
    expect(html).toContain('dashed: the Phase I model of the same run');
    expect(html).toMatch(/stroke-dasharray="5,3"/);
  });

  it('draws the diagrams on σ/α² and ‖θ*‖/α² with --rescaled, and says how to redraw them', () => {
    const rr = runCli(['report', out, '--rescaled', '--out', `${out}/rescaled.html`]);
    expect(rr.code, rr.stderr).toBe(0);
    const rescaled = readFileSync(`${out}/rescaled.html`, 'utf8');
    expect(rescaled).toContain('σ/α² (noise, α = 1 frame)');
    expect(rescaled).toContain('--x sigma_per_alpha2 --y teacher_norm_per_alpha2 --z COLUMN --rescaled');
    // and the hint works
    const again = runCli(['phase', out, '--x', 'sigma_per_alpha2', '--y', 'teacher_norm_per_alpha2', '--z', 'final_test_loss', '--rescaled']);
    expect(again.code, again.stderr).toBe(0);
  });
});
