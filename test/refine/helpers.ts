/**
 * Tiny sweeps for the refine tests (a few hundred steps of a 16-neuron network: a run takes milliseconds), run through
 * the real CLI from dist/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readBoundaryFile, readSummary, type BoundaryFile, type SummaryRow } from '../../src/io/index.js';
import type { Plan } from '../../src/sweep/plan.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

/**
 * Final mean ‖wᵢ‖² over σ × α is smooth here (no run diverges): it grows with α and shrinks with σ. ‖θ*‖ = 2 keeps the
 * noise ratio below the model's gate (d·x < 0.75 up to σ = 4: src/core/terminal-state.ts), so no run pays for solving
 * the noise-sustained state, which these tests of refinement do not look at.
 */
export const smoothSweep = (sigmas: string, alphas: string, widths = '[16]', extra = ''): string => `
name: smooth
seed: 3
base: { n: 20, d: 5, steps: 300, log_every: 50, optimizer: sgd, noise: rademacher, lr: 0.02, teacher_norm: 2 }
grid:
  sigma: ${sigmas}
  alpha: ${alphas}
  width: ${widths}
${extra}`;

export const SMOOTH_5X5 = smoothSweep('{ linspace: [0, 4, 5] }', '{ logspace: [0.5, 2, 5] }');

/** Runs `yaml` into a fresh folder (`dir/out` or the given one) and returns the folder. */
export function runInto(yaml: string, out?: string, workers = 2): string {
  const dir = tempDir('lnsweep-refine-');
  const folder = out ?? join(dir, 'out');
  const r = runCli(['run', writeSweep(dir, 'sweep', yaml), '--out', folder, '--workers', String(workers), '--progress', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return folder;
}

export function refine(dir: string, ...flags: string[]) {
  return runCli(['refine', dir, '--progress', 'none', ...flags]);
}

export const readPlanFile = (dir: string): Plan => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
export const boundaryOf = (dir: string, metric: string): BoundaryFile => readBoundaryFile(join(dir, `boundary-${metric}.arrow`));
export const summaryOf = (dir: string): SummaryRow[] => readSummary(join(dir, 'summary.arrow'));
