/**
 * Issue 11's physics checks of the summary columns at the paper's full setting (n=200, d=20, m=1000, η=1e-3, ±σ
 * noise): about 4 s in all on the subspace kernel. The digest and the predictions are the ones the summary writes
 * (digestRun, theoryColumns). Measured on three seed sets: decay_rate_ratio 0.95–1.00 at σ ∈ {2, 4, 8};
 * phase2_mean_step 65k–67k at σ = 8, 231k–242k at σ = 4.
 */
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { predictRun } from '../../src/core/phase-model.js';
import { digestRun } from '../../src/core/summarize.js';
import { theoryColumns } from '../../src/core/theory.js';
import { train } from '../../src/core/train.js';
import type { RunParams, RunSeeds } from '../../src/core/types.js';

const SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };

function paperRun(sigma: number, steps: number) {
  const p: RunParams = { ...defaultParams(), n: 200, d: 20, width: 1000, lr: 1e-3, sigma, steps, log_every: 1000 };
  const res = train(p, SEEDS);
  expect(res.status).toBe('done');
  const digest = digestRun(res.metrics, p);
  return { digest, theory: theoryColumns(p, digest, predictRun(p, SEEDS)) };
}

describe("the summary's Phase I columns at the paper's setting", () => {
  it('norm_decay_rate of the same run at 150k and at 300k steps agrees within 2%', () => {
    const short = paperRun(4, 150_000).digest;
    const long = paperRun(4, 300_000).digest;
    expect(short.norm_decay_rate).not.toBeNull();
    expect(Math.abs(short.norm_decay_rate! / long.norm_decay_rate! - 1)).toBeLessThan(0.02);
    expect(short.norm_decay_window_end).toBe(long.norm_decay_window_end);
  });

  it('measures a decay rate within a factor 2 of η²(σ² + 2L̄) at σ = 2, 4 and 8', () => {
    for (const sigma of [2, 4, 8]) {
      const { digest, theory } = paperRun(sigma, 300_000);
      expect(digest.norm_decay_rate, `σ=${sigma}`).not.toBeNull();
      expect(theory.decay_rate_ratio!, `σ=${sigma}`).toBeGreaterThan(0.5);
      expect(theory.decay_rate_ratio!, `σ=${sigma}`).toBeLessThan(2);
    }
  });

  it('reaches phase2_mean_step (mean ‖wᵢ‖² ≤ √η) within 150k steps at σ = 8, and never at σ = 0', () => {
    const noisy = paperRun(8, 150_000).digest;
    expect(noisy.phase2_mean_step).not.toBeNull();
    expect(noisy.phase2_mean_step!).toBeLessThanOrEqual(150_000);
    const clean = paperRun(0, 150_000);
    expect(clean.digest.phase2_mean_step).toBeNull();
    expect(clean.digest.norm_decay_rate).toBeNull();
    expect(clean.theory.pred_norm_decay_rate).toBeNaN();
  });
});
