import { describe, expect, it } from 'vitest';
import { paramPalette } from '../../src/analysis/base/palette.js';
import { renderSvg } from '../../src/analysis/base/render.js';
import { panelData, panelSentence, ratioStats, theorySpec, THEORY_PANELS } from '../../src/analysis/theory/theory.js';
import { near, row } from './fixtures.js';

const [DECAY, PHASE1, LAZY] = THEORY_PANELS;

describe('ratio statistics', () => {
  it('gives the median, the 10–90% range and the shares within 2x and at most 1, by hand', () => {
    // ratios 2, 1, 0.25, 1.5 → sorted 0.25, 1, 1.5, 2
    const s = ratioStats([2, 1, 0.25, 1.5].map((measured) => ({ measured, predicted: 1 })));
    expect(s).toEqual({ n: 4, median: 1.25, p10: near(0.475, 12), p90: near(1.85, 12), within2: 0.75, atMost1: 0.5 });
  });

  it('divides measured by predicted, not the other way round', () => {
    expect(ratioStats([{ measured: 3, predicted: 12 }])!.median).toBe(0.25);
  });

  it('is null with no point', () => expect(ratioStats([])).toBeNull());
});

describe('a theory panel', () => {
  const rows = [
    ...[2, 1, 0.25, 1.5].map((m, i) =>
      row({ params: { sigma: 1 + i, width: i < 2 ? 100 : 400 }, extra: { norm_decay_rate: m * 1e-4, pred_norm_decay_rate: 1e-4 } }),
    ),
    row({ params: { sigma: 0 }, extra: { norm_decay_rate: 1e-6, pred_norm_decay_rate: NaN } }),
    row({ params: { sigma: 1 }, extra: { norm_decay_rate: null, pred_norm_decay_rate: 1e-4 } }),
    row({ params: { sigma: 1 }, extra: { norm_decay_rate: -1e-6, pred_norm_decay_rate: 1e-4 } }),
    row({ params: { sigma: 8 }, status: 'diverged', extra: { norm_decay_rate: 1, pred_norm_decay_rate: 1e-4 } }),
  ];
  const d = panelData(rows, DECAY);

  it('keeps the finished runs with both values and counts the others by reason', () => {
    expect(d.points.map((p) => [p.sigma, p.width, p.measured / p.predicted])).toEqual([
      [1, 100, near(2, 12)],
      [2, 100, near(1, 12)],
      [3, 400, near(0.25, 12)],
      [4, 400, near(1.5, 12)],
    ]);
    expect(d).toMatchObject({ considered: 7, noPrediction: 1, nonPositivePrediction: 0, noMeasurement: 1, nonPositive: 1 });
  });

  it('says how far apart they are and what it left out, in one sentence', () => {
    expect(panelSentence(d)).toBe(
      '(a) Phase I decay rate of mean ‖wᵢ‖²: median ratio measured/predicted 1.25 (middle 80% 0.475–1.85); 75% of runs within 2x; ' +
        'n = 4 runs with both values, of 7 finished. Left out: 1 run with no prediction (σ = 0, SAM, GD or real data); ' +
        '1 run with no measurement (run shorter than the fit window); 1 run with a measured value ≤ 0.',
    );
  });

  it('reads a bound as "below the bound", and counts never-reached markers the bound also puts after the run', () => {
    const lazy = [
      ...[10, 50, 300].map((step) => row({ markers: { lazy_escape_step: step }, extra: { t1_bound: 100 } })),
      row({ markers: { lazy_escape_step: null }, extra: { t1_bound: 5000 } }),
      row({ markers: { lazy_escape_step: null }, extra: { t1_bound: 100 } }),
    ];
    expect(panelSentence(panelData(lazy, LAZY))).toBe(
      '(c) lazy escape against Theorem 2: measured below the bound in 67% of runs; median measured/bound 0.5 (middle 80% 0.18–2.5); ' +
        'n = 3 runs with both values, of 5 finished. Left out: 2 runs with no measurement (some neuron never left its lazy ball; ' +
        "the bound lies beyond the run's last step for 1 of them).",
    );
  });

  it("counts a prediction ≤ 0 apart from a missing one, with the panel's reason", () => {
    const early = panelData(
      [row({ extra: { pred_phase1_steps: -20 } }), row({ extra: { pred_phase1_steps: 0 } }), row({ extra: { pred_phase1_steps: null } })],
      PHASE1,
    );
    expect(early).toMatchObject({ noPrediction: 1, nonPositivePrediction: 2, noMeasurement: 0 });
    expect(panelSentence(early)).toContain(
      'Left out: 1 run with no prediction (σ = 0, SAM, GD or real data); 2 runs with a prediction ≤ 0 (mean ‖wᵢ(0)‖² already ≤ η).',
    );
  });

  it('is replaced by a sentence saying why when no run has both values', () => {
    const none = panelData(
      [row({ params: { sigma: 0 }, extra: { pred_phase1_steps: NaN } }), row({ params: { sigma: 0 }, extra: { pred_phase1_steps: NaN } })],
      PHASE1,
    );
    expect(none.points).toEqual([]);
    expect(panelSentence(none)).toBe(
      '(b) end of Phase I: not drawn, no finished run has both values (of 2 finished). Left out: 2 runs with no prediction (σ = 0, SAM, GD or real data).',
    );
  });

  it('draws log-log panels over one square domain with y = x, the factor-2 band, colour by σ and shape by width', async () => {
    const sigmas = paramPalette('sigma', [1, 2, 3, 4]);
    const spec = theorySpec([d], sigmas) as unknown as {
      hconcat: {
        layer: {
          data: { values: Record<string, number>[] };
          encoding: Record<string, { field?: string; scale?: { domain?: unknown; type?: string } }>;
        }[];
      }[];
    };
    expect(spec.hconcat).toHaveLength(1);
    const [band, diagonal, points] = spec.hconcat[0].layer;
    // values span 0.25e-4 … 2e-4; the domain is padded by 2.5 either side
    const [lo, hi] = [0.25e-4 / 2.5, 2e-4 * 2.5];
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
    expect(points.encoding.color).toMatchObject({ field: 'sigma', scale: { domain: [1, 2, 3, 4] } });
    expect(points.encoding.shape).toMatchObject({ field: 'width', scale: { domain: [100, 400] } });
    const svg = await renderSvg(theorySpec([d], sigmas));
    expect(svg.match(/<title>σ = /g)).toHaveLength(4); // one tooltip per point
    expect(svg.match(/>label noise σ</g)).toHaveLength(1); // one legend
  });
});
