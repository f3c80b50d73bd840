import { describe, expect, it } from 'vitest';
import { paramPalette } from '../../src/analysis/base/palette.js';
import { renderSvg } from '../../src/analysis/base/render.js';
import { panelData, panelSentence, ratioStats, theorySpec, THEORY_PANELS } from '../../src/analysis/theory/theory.js';
import { near, row } from './fixtures.js';

const panel = (id: string) => THEORY_PANELS.find((p) => p.id === id)!;
const [DECAY, PHASE1, LAZY] = [panel('decay'), panel('phase1'), panel('lazy')];

describe('ratio statistics', () => {
  it('gives the median, the 10–90% range and the shares within 2x and within [0.8, 1.25], by hand', () => {
    // ratios 2, 1, 0.25, 1.5 → sorted 0.25, 1, 1.5, 2
    const s = ratioStats([2, 1, 0.25, 1.5].map((measured) => ({ measured, predicted: 1 })));
    expect(s).toEqual({ n: 4, median: 1.25, p10: near(0.475, 12), p90: near(1.85, 12), within2: 0.75, within125: 0.25 });
  });

  it('divides measured by predicted, not the other way round', () => {
    expect(ratioStats([{ measured: 3, predicted: 12 }])!.median).toBe(0.25);
  });

  it('is null with no point', () => expect(ratioStats([])).toBeNull());
});

describe('a theory panel', () => {
  const rows = [
    ...[2, 1, 0.25, 1.5].map((m, i) =>
      row({ params: { sigma: 1 + i, width: i < 2 ? 100 : 400 }, extra: { norm_decay_rate: m * 1e-4, pred_norm_decay_rate: 1e-4, rich_start: 0 } }),
    ),
    row({ params: { sigma: 0 }, extra: { norm_decay_rate: 1e-6, pred_norm_decay_rate: NaN } }),
    row({ params: { sigma: 1 }, extra: { norm_decay_rate: null, pred_norm_decay_rate: 1e-4 } }),
    row({ params: { sigma: 1 }, extra: { norm_decay_rate: -1e-6, pred_norm_decay_rate: 1e-4 } }),
    row({ params: { sigma: 8 }, status: 'diverged', extra: { norm_decay_rate: 1, pred_norm_decay_rate: 1e-4 } }),
    // a rich start: drawn hollow, not in the figures
    row({ params: { sigma: 9 }, extra: { norm_decay_rate: 9e-4, pred_norm_decay_rate: 1e-4, rich_start: 1 } }),
  ];
  const d = panelData(rows, DECAY);

  it('keeps the finished runs with both values and counts the others by reason', () => {
    expect(d.points.map((p) => [p.sigma, p.width, p.measured / p.predicted, p.rich])).toEqual([
      [1, 100, near(2, 12), false],
      [2, 100, near(1, 12), false],
      [3, 400, near(0.25, 12), false],
      [4, 400, near(1.5, 12), false],
      [9, 1000, near(9, 12), true],
    ]);
    expect(d).toMatchObject({ considered: 8, noPrediction: 1, nonPositivePrediction: 0, noMeasurement: 1, nonPositive: 1, richLeftOut: 0 });
  });

  it('says how far apart they are over the scored runs and what it left out, in one sentence', () => {
    expect(panelSentence(d)).toBe(
      '(a) Phase I decay rate of mean ‖wᵢ‖²: median ratio measured/predicted 1.25 (middle 80% 0.475–1.85); 25% of runs within [0.8, 1.25], ' +
        '75% within 2x; n = 4 runs with both values, of 8 finished. Not scored: 1 run with a rich start (σ/α² ≥ 8; 1 drawn hollow); ' +
        '1 run with no prediction (σ = 0, SAM, GD or real data); 1 run with no measurement (run shorter than the fit window); 1 run with a measured value ≤ 0.',
    );
  });

  it('checks lazy escape against t_esc, with T₁ as the upper line and its ratio to t_esc stated', () => {
    const lazy = [
      ...[10, 50, 300].map((step) => row({ markers: { lazy_escape_step: step }, extra: { pred_lazy_escape_steps: 100, t1_bound: 1e5 } })),
      row({ markers: { lazy_escape_step: 2e5 }, extra: { pred_lazy_escape_steps: 200, t1_bound: 1e5 } }),
      row({ markers: { lazy_escape_step: null }, extra: { pred_lazy_escape_steps: 5000, t1_bound: 1e6 } }),
      row({ markers: { lazy_escape_step: null }, extra: { pred_lazy_escape_steps: 100, t1_bound: 1e5 } }),
    ];
    // ratios 0.1, 0.5, 3, 1000 → median 1.75; T₁/t_esc 1000, 1000, 1000, 500
    expect(panelSentence(panelData(lazy, LAZY))).toBe(
      '(e) lazy escape: scaling check: median ratio measured/predicted 1.75 (middle 80% 0.22–700.9); 0% of runs within [0.8, 1.25], 25% within 2x; ' +
        "n = 4 runs with both values, of 6 finished. Theorem 2's T₁ (grey, above) is 1000x t_esc (median; 500–1000), and the measured escape lies " +
        'below it in 3 of 4 runs: a bound loose by design, not the time scale. Not scored: 2 runs with no measurement (some neuron never left its ' +
        "lazy ball; theory places 1 of them after the run's last step too).",
    );
  });

  it("counts the model's 'never' (a null prediction) apart from a missing one, and a prediction ≤ 0 apart from both", () => {
    const early = panelData(
      [
        row({ extra: { pred_phase1_steps: -20 } }),
        row({ extra: { pred_phase1_steps: 0 } }),
        row({ extra: { pred_phase1_steps: NaN } }),
        row({ extra: { pred_phase1_steps: null } }),
        row({ markers: { phase2_step_50: 500 }, extra: { pred_phase1_steps: null } }),
      ],
      PHASE1,
    );
    expect(early).toMatchObject({ noPrediction: 1, nonPositivePrediction: 2, noMeasurement: 0, predictedNever: 2, predictedNeverAgreed: 1 });
    expect(panelSentence(early)).toContain(
      'Not scored: 1 run with no prediction (σ = 0, SAM, GD or real data); 2 runs where the model never puts half the neurons below α⁴η, ' +
        '1 of which never reached it either; 2 runs with a prediction ≤ 0 (half the neurons start in the Phase II ball).',
    );
  });

  it('is replaced by a sentence saying why when no run has both values', () => {
    const none = panelData(
      [row({ params: { sigma: 0 }, extra: { pred_phase1_steps: NaN } }), row({ params: { sigma: 0 }, extra: { pred_phase1_steps: NaN } })],
      PHASE1,
    );
    expect(none.points).toEqual([]);
    expect(panelSentence(none)).toBe(
      '(c) end of Phase I: 50% in Phase II: not drawn, no finished run with a scored start has both values (of 2 finished). ' +
        'Not scored: 2 runs with no prediction (σ = 0, SAM, GD or real data).',
    );
  });

  it('draws log-log panels over one square domain with y = x, the factor-2 band, colour by σ, shape by width, rich hollow', async () => {
    const sigmas = paramPalette('sigma', [1, 2, 3, 4, 9]);
    const spec = theorySpec([d], sigmas) as unknown as {
      hconcat: {
        layer: {
          data: { values: Record<string, number>[] };
          mark: { filled?: boolean };
          encoding: Record<string, { field?: string; scale?: { domain?: unknown; type?: string } }>;
        }[];
      }[];
    };
    expect(spec.hconcat).toHaveLength(1);
    const [band, diagonal, points, hollow] = spec.hconcat[0].layer;
    // values span 0.25e-4 … 9e-4; the domain is padded by 2.5 either side
    const [lo, hi] = [0.25e-4 / 2.5, 9e-4 * 2.5];
    expect(band.data.values).toEqual([
      { x: near(lo, 18), y: near(lo, 18), y2: near(2 * lo, 18) },
      { x: near(2 * lo, 18), y: near(lo, 18), y2: near(4 * lo, 18) },
      { x: near(hi / 2, 15), y: near(hi / 4, 15), y2: near(hi, 15) },
      { x: near(hi, 15), y: near(hi / 2, 15), y2: near(hi, 15) },
    ]);
    expect(diagonal.data.values).toEqual([
      { x: band.data.values[0].x, y: band.data.values[0].x },
      { x: band.data.values[3].x, y: band.data.values[3].x },
    ]);
    expect(points.encoding.x.scale).toEqual({ type: 'log', domain: [band.data.values[0].x, band.data.values[3].x], nice: false });
    expect(points.encoding.y.scale).toEqual(points.encoding.x.scale);
    expect(points.encoding.color).toMatchObject({ field: 'sigma', scale: { domain: [1, 2, 3, 4, 9] } });
    expect(points.encoding.shape).toMatchObject({ field: 'width', scale: { domain: [100, 400, 1000] } });
    expect([points.mark.filled, points.data.values.length, hollow.mark.filled, hollow.data.values.length]).toEqual([true, 4, false, 1]);
    const svg = await renderSvg(theorySpec([d], sigmas));
    expect(svg.match(/<title>σ = /g)).toHaveLength(5); // one tooltip per point
    expect(svg.match(/>label noise σ</g)).toHaveLength(1); // one legend
  });
});
