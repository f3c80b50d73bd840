import { describe, expect, it } from 'vitest';
import { EDGE_LABEL, edgeAgreement, edgeGrids, phase1EdgeOverlay } from '../../src/analysis/theory/theory-edge.js';
import { edgeSentence } from '../../src/analysis/theory/theory-section.js';
import { near, row } from './fixtures.js';

describe("theory's edge as a level set", () => {
  it('gives, per facet, ln(median pred_phase1_steps / steps) at each grid point, null where there is no prediction', () => {
    const rows = [
      ...[250, 1000].flatMap((width) => [
        row({ params: { sigma: 1, alpha: 0.5, width, steps: 1000 }, extra: { pred_phase1_steps: 1000 * Math.E } }),
        row({ params: { sigma: 1, alpha: 2, width, steps: 2000 }, extra: { pred_phase1_steps: width } }),
        row({ params: { sigma: 0, alpha: 0.5, width, steps: 1000 }, extra: { pred_phase1_steps: NaN } }),
      ]),
      row({ params: { sigma: 0, alpha: 2, width: 250, steps: 1000 }, replicate: 0, extra: { pred_phase1_steps: 100 } }),
      row({ params: { sigma: 0, alpha: 2, width: 250, steps: 1000 }, replicate: 1, extra: { pred_phase1_steps: 300 } }),
    ];
    const grids = edgeGrids(rows, { x: 'sigma', y: 'alpha', facet: 'width' });
    expect(grids.map((g) => ({ ...g, values: g.values.map((r) => r.map((v) => (v === null ? null : Number(v.toFixed(12))))) }))).toEqual([
      {
        facet: 250,
        xs: [0, 1],
        ys: [0.5, 2],
        xKind: 'band',
        yKind: 'band',
        values: [
          [null, 1],
          [Number(Math.log(0.2).toFixed(12)), Number(Math.log(250 / 2000).toFixed(12))],
        ],
      },
      {
        facet: 1000,
        xs: [0, 1],
        ys: [0.5, 2],
        xKind: 'band',
        yKind: 'band',
        values: [
          [null, 1],
          [null, Number(Math.log(0.5).toFixed(12))],
        ],
      },
    ]);
  });
});

describe("theory's edge where the model says never", () => {
  it('gives a cell whose runs all have a null prediction the level 5 (past every run), and caps the others there', () => {
    const rows = [
      row({ params: { sigma: 1, alpha: 1, steps: 1000 }, extra: { pred_phase1_steps: null } }),
      row({ params: { sigma: 2, alpha: 1, steps: 1000 }, extra: { pred_phase1_steps: 1e9 } }),
      row({ params: { sigma: 1, alpha: 2, steps: 1000 }, extra: { pred_phase1_steps: 500 } }),
      row({ params: { sigma: 2, alpha: 2, steps: 1000 }, extra: { pred_phase1_steps: NaN } }),
    ];
    const [g] = edgeGrids(rows, { x: 'sigma', y: 'alpha', facet: null });
    expect(g.values).toEqual([
      [5, 5],
      [near(Math.log(0.5), 12), null],
    ]);
  });
});

describe("theory's edge as a curve", () => {
  // ln(pred / steps) = −1 at α = 0.5 and +1 at α = 1 and 2, at both σ: level 0 halfway between 0.5 and 1 in log space
  const rows = [1, 2].flatMap((sigma) =>
    [
      [0.5, -1],
      [1, 1],
      [2, 1],
    ].map(([alpha, l]) => row({ params: { sigma, alpha, steps: 1000, n: 7 }, extra: { pred_phase1_steps: 1000 * Math.exp(l) } })),
  );

  it('runs where pred_phase1_steps equals the run length, interpolated in log space on a log axis', () => {
    const o = phase1EdgeOverlay(rows, { x: 'sigma', y: 'alpha', facet: null });
    expect(o.label).toBe(EDGE_LABEL);
    expect(o.points).toEqual([
      { facet: null, segment: 0, x: 1, y: near(Math.SQRT1_2, 12) },
      { facet: null, segment: 0, x: 2, y: near(Math.SQRT1_2, 12) },
    ]);
  });

  it('is empty on a diagram whose axes theory does not speak of', () => {
    expect(phase1EdgeOverlay(rows, { x: 'sigma', y: 'n', facet: null }).points).toEqual([]);
  });
});
describe("theory's edge on the phase diagram", () => {
  const cell = (sigma: number, alpha: number, pred: number, reached: number | null) =>
    [0, 1].map((replicate) =>
      row({ replicate, params: { sigma, alpha, steps: 1000 }, markers: { phase2_step_50: reached }, extra: { pred_phase1_steps: pred } }),
    );
  const rows = [
    ...cell(1, 1, 500, 400), // both: within the run
    ...cell(1, 2, 5000, null), // both: beyond it
    ...cell(2, 1, 500, null), // predicted within, not reached
    ...cell(2, 2, 20000, 800), // predicted far beyond, reached
    ...cell(0, 1, NaN, null), // no prediction: not counted
    // predicted within, reached by one replicate of two: the censored median is past the run, so not reached
    ...[400, null].map((reached, replicate) =>
      row({ replicate, params: { sigma: 3, alpha: 1, steps: 1000 }, markers: { phase2_step_50: reached }, extra: { pred_phase1_steps: 500 } }),
    ),
  ];
  const a = edgeAgreement(rows, { x: 'sigma', y: 'alpha', facet: null });

  it('counts agreeing and disagreeing cells and finds the furthest disagreement', () => {
    expect(a).toEqual({ cells: 5, agree: 2, earlyMiss: 2, lateHit: 1, rich: 0, worst: { where: 'σ = 2, α = 2', predicted: 20000, steps: 1000 } });
  });

  it("counts the model's 'never' (a null prediction) as after the run, and leaves rich starts out", () => {
    const never = (sigma: number, reached: number | null, rich = 0) =>
      [0, 1].map((replicate) =>
        row({
          replicate,
          params: { sigma, alpha: 1, steps: 1000 },
          markers: { phase2_step_50: reached },
          extra: { pred_phase1_steps: null, rich_start: rich },
        }),
      );
    const b = edgeAgreement([...never(1, null), ...never(2, 700), ...never(8, 300, 1)], { x: 'sigma', y: 'alpha', facet: null });
    expect(b).toEqual({ cells: 2, agree: 1, earlyMiss: 0, lateHit: 1, rich: 1, worst: { where: 'σ = 2, α = 1', predicted: Infinity, steps: 1000 } });
  });

  it('says so in a sentence', () => {
    expect(edgeSentence(a)).toBe(
      "(h) theory's edge on the phase diagrams (dashed: the model's Phase I end = the run's last step): theory and measurement agree on whether Phase I ends within the run " +
        '(Phase II fraction ≥ 0.5) in 2 of 5 scored cells (40%); 2 predicted to end within the run did not; 1 predicted to end after the run ended within it; ' +
        'furthest apart at σ = 2, α = 2 (predicted 20000 steps, run length 1000).',
    );
  });
});
