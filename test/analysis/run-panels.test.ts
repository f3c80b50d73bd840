/**
 * The report's run panels with a diverged run among the chosen ones (as in phase-diagram.yaml, where σ = 64 and 128
 * diverge at α = 1): the scales are those of the runs that did not diverge, the test-loss line is not broken by the
 * model's rows that share its data, and the paper-axes sentences do not read a blow-up as the paper's rise.
 */
import { describe, expect, it } from 'vitest';
import { paperAxesNotes, paperAxesSpec } from '../../src/analysis/report/paper-fig2.js';
import { sweepPalette } from '../../src/analysis/base/palette.js';
import { chooseRuns, fig2Spec, type ChosenRun } from '../../src/analysis/report/run-figures.js';
import { defaultParams } from '../../src/core/params.js';
import type { SummaryRow } from '../../src/io/index.js';

const chosen = (label: string, sigma: number, status: 'done' | 'diverged'): ChosenRun =>
  ({ label, colour: '#000000', row: { run_id: label, status, params: { sigma, teacher_norm: 1 } } }) as unknown as ChosenRun;

const runs = [chosen('calm', 1, 'done'), chosen('blown', 64, 'diverged')];
// the calm run: losses 2 … 0.02, norms 1 … 0.1, alignment 0.2 → 0.25 → 0.6; the diverged one grows to 1e40
const rows: Record<string, unknown>[] = [
  ...[0, 1000, 2000, 3000].map((step, i) => ({
    run: 'calm',
    step,
    test_loss: 2 / 10 ** i,
    w_norm2_mean: 1 / 2 ** i,
    w_norm_mean: 1 / 2 ** i,
    align_ip_mean: [0.2, 0.18, 0.25, 0.6][i],
    align_cos_mean: [0.2, 0.18, 0.25, 0.6][i],
  })),
  ...[0, 10, 20].map((step, i) => ({
    run: 'blown',
    step,
    test_loss: 10 ** (20 * i),
    w_norm2_mean: 10 ** (10 * i),
    w_norm_mean: 10 ** (5 * i),
    align_ip_mean: 0.2 + 10 * i,
    align_cos_mean: 0.2,
  })),
  // the Phase I model's rows, which carry no test loss
  ...[500, 1500].map((step) => ({ run: 'calm', step, model_w_norm2_mean: 0.7, model_align_cos_mean: 0.2 })),
];

type Panel = { layer?: { transform?: { filter: string }[]; encoding: { y: { field: string; scale?: { domain: number[] } } } }[] };

describe('run panels with a diverged run among the chosen', () => {
  it('scale test loss, mean ‖wᵢ‖², Avg‖wᵢ‖ and Avg|⟨wᵢ, θ*⟩| to the run that did not diverge', () => {
    const [loss, norm] = (fig2Spec(runs, rows) as unknown as { hconcat: Panel[] }).hconcat;
    expect(loss.layer![0].encoding.y.scale!.domain).toEqual([0.002, 2]);
    expect(norm.layer![0].encoding.y.scale!.domain).toEqual([0.125, 1]);
    const [avgNorm, avgIp] = (paperAxesSpec(runs, rows) as unknown as { hconcat: { encoding: { y: { scale: { domain: number[] } } } }[] }).hconcat;
    expect(avgNorm.encoding.y.scale.domain).toEqual([0.125, 1]);
    expect(avgIp.encoding.y.scale.domain).toEqual([0, 0.6]);
  });

  it('draws the test loss only through rows that have one (the model rows between them would break the line)', () => {
    const [loss] = (fig2Spec(runs, rows) as unknown as { hconcat: Panel[] }).hconcat;
    expect(loss.layer![0].encoding.y.field).toBe('test_loss');
    expect(loss.layer![0].transform).toEqual([{ filter: "isValid(datum['test_loss'])" }]);
  });

  it("says the diverged run is not compared with the paper, and reads the calm run's rise", () => {
    const notes = paperAxesNotes(runs, rows);
    expect(notes).toContain('<li>Not compared (diverged): blown.</li>');
    expect(notes).not.toContain('<b>blown</b>');
    expect(notes).toContain('<b>calm</b>');
    expect(notes).toContain('rises as the paper describes (to 0.6 by step 3,000)');
  });
});

describe('the chosen runs of a 2 × 2 sweep (paper-fig2: σ × ‖θ*‖)', () => {
  it("draw each run in its own colour: σ's colour, a shade darker for the second ‖θ*‖", () => {
    const rows = [0, 4].flatMap((sigma) =>
      [0.1778, 1].map(
        (teacher_norm) =>
          ({
            run_id: `${sigma}-${teacher_norm}`,
            replicate: 0,
            status: 'done',
            params: { ...defaultParams(), sigma, teacher_norm },
            final: {},
            extra: {},
          }) as unknown as SummaryRow,
      ),
    );
    const chosen = chooseRuns(rows);
    expect(chosen.map((c) => c.label)).toEqual([
      'σ=0, teacher_norm=0.1778, rep 0',
      'σ=0, teacher_norm=1, rep 0',
      'σ=4, teacher_norm=0.1778, rep 0',
      'σ=4, teacher_norm=1, rep 0',
    ]);
    const palette = sweepPalette(rows, 'sigma');
    const [s0, s4] = [palette.colour(0), palette.colour(4)];
    // #rrggbb scaled by 0.7 per channel, worked by hand from the palette's colour
    const shade = (hex: string) =>
      '#' +
      [1, 3, 5]
        .map((i) =>
          Math.round(parseInt(hex.slice(i, i + 2), 16) * 0.7)
            .toString(16)
            .padStart(2, '0'),
        )
        .join('');
    expect(chosen.map((c) => c.colour)).toEqual([s0, shade(s0), s4, shade(s4)]);
    expect(new Set(chosen.map((c) => c.colour)).size).toBe(4);
  });
});

describe('the step axis under a steps_rule', () => {
  it("ends at the longest noisy run, not at the noiseless control's max_steps", () => {
    const control = chosen('control', 0, 'done');
    const noisy = chosen('noisy', 1, 'done');
    const row = (run: string, step: number) => ({
      run,
      step,
      test_loss: 1,
      w_norm2_mean: 1,
      w_norm_mean: 1,
      align_ip_mean: 0.2,
      align_cos_mean: 0.2,
    });
    const rows = [...[0, 1e6, 2e6].map((step) => row('control', step)), ...[0, 1500, 3000].map((step) => row('noisy', step))];
    type XPanel = { layer?: { encoding: { x: { scale: { domain: number[] } } } }[]; encoding?: { x: { scale: { domain: number[] } } } };
    const x = (p: XPanel) => (p.layer ? p.layer[0].encoding.x : p.encoding!.x).scale.domain;
    for (const spec of [fig2Spec([control, noisy], rows), paperAxesSpec([control, noisy], rows)]) {
      for (const panel of (spec as unknown as { hconcat: XPanel[] }).hconcat) expect(x(panel)).toEqual([0, 3000]);
    }
    // only noiseless runs: their own length
    const [loss] = (fig2Spec([control], rows.slice(0, 3)) as unknown as { hconcat: XPanel[] }).hconcat;
    expect(x(loss)).toEqual([0, 2e6]);
  });
});
