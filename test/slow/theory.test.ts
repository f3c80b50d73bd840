/**
 * Issue 11's physics checks of the summary columns at the paper's full setting (n=200, d=20, m=1000, η=1e-3, ±σ
 * noise): about 4 s in all on the subspace kernel. The digest and the predictions are the ones the summary writes
 * (digestRun, theoryColumns). Measured on three seed sets: decay_rate_ratio 0.95–1.00 at σ ∈ {2, 4, 8};
 * phase2_mean_step 65k–67k at σ = 8, 231k–242k at σ = 4.
 */
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import { buildPhaseModel, predictRun } from '../../src/core/phase-model.js';
import { digestRun, MARKER_NAMES } from '../../src/core/summarize.js';
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

describe('issue 18 at the paper’s scale: units, the end point and the Phase I model', () => {
  const run = (over: Partial<RunParams>) => {
    const p: RunParams = { ...defaultParams(), n: 200, d: 20, width: 1000, steps: 600_000, log_every: 2000, ...over };
    const res = train(p, SEEDS);
    const digest = digestRun(res.metrics, p);
    return { p, res, digest, theory: theoryColumns(p, digest, predictRun(p, SEEDS)) };
  };

  it("gives the issue's symmetry pair (α = 0.5, η = 4e-3, σ = 1, ‖θ*‖ = 1 | α = 1, η = 1e-3, σ = 4, ‖θ*‖ = 4) equal markers and predictions", () => {
    const a = run({ alpha: 0.5, lr: 4e-3, sigma: 1, teacher_norm: 1 });
    const b = run({ alpha: 1, lr: 1e-3, sigma: 4, teacher_norm: 4 });
    for (const name of MARKER_NAMES) expect(a.digest[name], name).toBe(b.digest[name]);
    expect(a.digest.final.phase2_frac).toBe(b.digest.final.phase2_frac);
    for (const name of ['pred_phase1_steps', 'pred_align_steps', 'pred_phase2_frac_final', 'pred_lazy_escape_steps', 't1_bound'] as const) {
      const [x, y] = [a.theory[name], b.theory[name]];
      if (y === null) expect(x, name).toBeNull();
      else expect(Math.abs(x! - y) / Math.abs(y), name).toBeLessThanOrEqual(1e-12);
    }
    expect(a.digest.align_step_50).not.toBeNull(); // the pair aligns within the run: the equality is about something
  });

  it("tracks the measured mean ‖wᵢ‖² within 20% from 50k to 600k steps at the paper's cell (σ = 4), where exp(−rate·t) is 4x off at 200k", () => {
    const { p, res } = run({ sigma: 4, lr: 1e-3 });
    const model = buildPhaseModel(p, SEEDS);
    const m = res.metrics;
    for (let r = 0; r < m.rows; r++) {
      if (m.step[r] < 50_000 || m.step[r] % 50_000 !== 0) continue;
      const ratio = m.values.w_norm2_mean[r] / model.meanW2(model.tauAt(m.step[r]));
      expect(Math.abs(ratio - 1), `step ${m.step[r]}: measured/model ${ratio}`).toBeLessThan(0.2);
    }
  });

  it('at a reachable cell (α = 4, m = 250, η = 1/(α²m), σ/α² = 1) stays under F∞ + 0.05 and ends Phase I near the model', () => {
    const { digest, theory } = run({ alpha: 4, width: 250, lr: 1 / (16 * 250), sigma: 16 });
    expect(theory.phase2_reachable).toBe(1);
    expect(digest.final.phase2_frac!).toBeLessThanOrEqual(theory.pred_phase2_frac_final! + 0.05);
    expect(digest.phase2_step_50).not.toBeNull();
    const ratio = digest.phase2_step_50! / theory.pred_phase1_steps!;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.5);
  });
});
