import { describe, expect, it } from 'vitest';
import { noiseBands, noiseBandSentence } from '../../src/analysis/theory/noise-bands.js';
import type { SummaryRow } from '../../src/io/index.js';
import { row } from './fixtures.js';

/** A finished run at noise ratio x with measured/predicted final mean ‖wᵢ‖² = ratio (predicted 0.01). */
const run = (x: number, ratio: number, extra: Record<string, number | null> = {}, markers: Record<string, number | null> = {}): SummaryRow => ({
  ...row({ extra: { noise_ratio: x, pred_w_norm2_end: 0.01, rich_start: 0, ...extra }, markers }),
  final: { w_norm2_mean: 0.01 * ratio },
});

describe('the model against measurement, band by band of the noise ratio x', () => {
  const rows = [
    run(0.005, 1),
    run(0.009, 1.02),
    run(0.05, 1.2, { pred_phase1_steps: 1e5 }, { phase2_step_50: 1.3e5 }),
    run(0.5, 3),
    run(0.005, 9, { rich_start: 1 }), // a rich start: drawn hollow in the panel, not scored here either
    run(NaN, 1), // σ = 0: no noise ratio
  ];

  it('gives per band the scored runs and their median ratio, for the final mean ‖wᵢ‖² and the end of Phase I', () => {
    expect(noiseBands(rows)).toEqual([
      { label: 'x < 0.01', end: { n: 2, median: 1.01, within125: 1 }, phase1: { n: 0, median: null, within125: null } },
      { label: '0.03 ≤ x < 0.1', end: { n: 1, median: 1.2, within125: 1 }, phase1: { n: 1, median: 1.3, within125: 0 } },
      { label: 'x ≥ 0.3', end: { n: 1, median: 3, within125: 0 }, phase1: { n: 0, median: null, within125: null } },
    ]);
  });

  it('says so in one sentence', () => {
    expect(noiseBandSentence(noiseBands(rows))).toBe(
      '(i) by noise ratio x = (d − 1)ησ̄²/(2B√d‖θ*‖), where the end point is stable for small x only: median measured/predicted ' +
        '(b) 1.01 over 2 runs with x < 0.01 (100% within [0.8, 1.25]), 1.2 over 1 run with 0.03 ≤ x < 0.1 (100% within [0.8, 1.25]), ' +
        '3 over 1 run with x ≥ 0.3 (0% within [0.8, 1.25]); (c) 1.3 over 1 run with 0.03 ≤ x < 0.1 (0% within [0.8, 1.25]).',
    );
    expect(noiseBandSentence([])).toMatch(/: no scored run\.$/);
  });
});
