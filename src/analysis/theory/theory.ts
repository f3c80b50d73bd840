/**
 * Theory against measurement: the predicted Phase I rate, the Phase I model's end state and times, and the lazy-escape
 * estimate (summary columns `pred_*`, written by src/core/theory.ts and phase-model.ts) set against what each run
 * measured, as log-log scatter panels with the y = x line and a factor-2 band, and one sentence per panel saying how
 * far apart they are. Runs with a rich start (σ/α² ≥ 8, `rich_start`: the Phase I picture does not apply) are drawn
 * hollow and left out of every figure the sentences give. Pure: rows in, specs and sentences out; the report
 * assembles them (theory-section.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SummaryRow } from '../../io/index.js';
import { quantile } from '../base/cells.js';
import type { Palette } from '../base/palette.js';
import { fmt } from '../base/render.js';
import { niceTicks, tickProps } from '../base/ticks.js';
import { zValue } from '../base/sweep-data.js';

/**
 * Axis titles are kept under ~25 characters: vega sizes a panel by estimated text widths, and a y title longer than the
 * panel's height pushes that panel's title up, out of line with its neighbours'.
 */
export interface TheoryPanel {
  id: string;
  title: string;
  /** summary column measured in the run */
  measured: string;
  /** summary column theory predicts it by */
  predicted: string;
  measuredTitle: string;
  predictedTitle: string;
  /** a column drawn above each point as the upper bound it is (Theorem 2's T₁ over t_esc), grey */
  upper?: { column: string; name: string };
  /** why a run has no measured value */
  noMeasurement: string;
  /** why a prediction can be ≤ 0 (a log axis cannot show it) */
  nonPositivePrediction: string;
  /** what a null prediction means (the model never reaches the event) */
  never?: string;
  /** the measured column is a step marker: a run without it never reached it by its last step */
  marker: boolean;
}

/**
 * The panels, in the report's order. Lazy escape is measured by `lazy_escape_step` (every neuron has left its lazy
 * ball): t_esc is when the shrinking norms carry every neuron out of its ball, and Theorem 2's T₁ bounds that time.
 */
export const THEORY_PANELS: readonly TheoryPanel[] = [
  {
    id: 'decay',
    title: '(a) Phase I decay rate of mean ‖wᵢ‖²',
    measured: 'norm_decay_rate',
    predicted: 'pred_norm_decay_rate',
    measuredTitle: 'measured (1/step)',
    predictedTitle: 'predicted η²(σ̄² + 2L̄)/B (1/step)',
    noMeasurement: 'run shorter than the fit window',
    nonPositivePrediction: 'no label noise in effect',
    marker: false,
  },
  {
    id: 'wend',
    title: '(b) mean ‖wᵢ‖² at the last step',
    measured: 'final_w_norm2_mean',
    predicted: 'pred_w_norm2_end',
    measuredTitle: 'measured',
    predictedTitle: 'Phase I model',
    noMeasurement: 'diverged',
    nonPositivePrediction: 'model at zero',
    marker: false,
  },
  {
    id: 'phase1',
    title: '(c) end of Phase I: 50% in Phase II',
    measured: 'phase2_step_50',
    predicted: 'pred_phase1_steps',
    measuredTitle: 'measured (step)',
    predictedTitle: 'Phase I model (steps)',
    noMeasurement: 'Phase II fraction never reached 0.5',
    nonPositivePrediction: 'half the neurons start in the Phase II ball',
    never: 'the model never puts half the neurons below α⁴η',
    marker: true,
  },
  {
    id: 'align',
    title: '(d) alignment: mean |cos(wᵢ, θ*)| ≥ 0.5',
    measured: 'align_step_50',
    predicted: 'pred_align_steps',
    measuredTitle: 'measured (step)',
    predictedTitle: 'Phase I model (steps)',
    noMeasurement: 'alignment never reached 0.5',
    nonPositivePrediction: 'aligned at the start',
    never: 'the model never reaches 0.5',
    marker: true,
  },
  {
    id: 'lazy',
    title: '(e) lazy escape: scaling check',
    measured: 'lazy_escape_step',
    predicted: 'pred_lazy_escape_steps',
    measuredTitle: 'measured: all escaped',
    predictedTitle: 't_esc (steps)',
    upper: { column: 't1_bound', name: "Theorem 2's T₁" },
    noMeasurement: 'some neuron never left its lazy ball',
    nonPositivePrediction: 'no label noise in effect',
    marker: true,
  },
];

export interface TheoryPoint {
  run_id: string;
  measured: number;
  predicted: number;
  /** the panel's upper-bound column, when it has one */
  upper: number | null;
  sigma: number;
  width: number;
  /** a rich start (σ/α² ≥ 8): drawn hollow, not scored */
  rich: boolean;
  tip: string;
}

export interface PanelData {
  panel: TheoryPanel;
  /** finished runs considered (status `done`) */
  considered: number;
  /** drawn points, scored and rich */
  points: TheoryPoint[];
  /** runs left out because the prediction does not apply (NaN: σ = 0, SAM, GD, real data) */
  noPrediction: number;
  /** runs the model says never reach the event (null prediction), and of them those that never did */
  predictedNever: number;
  predictedNeverAgreed: number;
  /** runs left out because the prediction is ≤ 0 */
  nonPositivePrediction: number;
  /** runs left out because the measurement is missing (null) */
  noMeasurement: number;
  /** runs left out because the measured value is ≤ 0, which a log axis cannot show */
  nonPositive: number;
  /** among the marker runs without a measurement, those theory also places after the run's last step */
  missingPredictedLate: number;
  /** runs with a rich start left out without being drawn (those with both values are hollow points) */
  richLeftOut: number;
}

/** True when some run carries the model's columns (folders written before they existed do not). */
export const hasPredictions = (rows: readonly SummaryRow[]): boolean => rows.some((r) => r.extra !== undefined && 'pred_w_norm2_end' in r.extra);

/** A run with a rich start (theory.ts rich_start): flagged, not scored. */
export const isRichStart = (r: SummaryRow): boolean => r.extra?.rich_start === 1;

const usable = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** The points of one panel and the runs it leaves out, by reason. Only runs that finished (`done`) count. */
export function panelData(rows: readonly SummaryRow[], panel: TheoryPanel): PanelData {
  const done = rows.filter((r) => r.status === 'done');
  const out: PanelData = {
    panel,
    considered: done.length,
    points: [],
    noPrediction: 0,
    predictedNever: 0,
    predictedNeverAgreed: 0,
    nonPositivePrediction: 0,
    noMeasurement: 0,
    nonPositive: 0,
    missingPredictedLate: 0,
    richLeftOut: 0,
  };
  for (const r of done) {
    const predicted = zValue(r, panel.predicted);
    const measured = zValue(r, panel.measured);
    const rich = isRichStart(r);
    if (rich && !(usable(predicted) && predicted > 0 && usable(measured) && measured > 0)) out.richLeftOut++;
    else if (predicted === null && panel.never) {
      out.predictedNever++;
      if (measured === null) out.predictedNeverAgreed++;
    } else if (!usable(predicted)) out.noPrediction++;
    else if (predicted <= 0) out.nonPositivePrediction++;
    else if (!usable(measured)) {
      out.noMeasurement++;
      if (panel.marker && predicted > r.params.steps) out.missingPredictedLate++;
    } else if (measured <= 0) out.nonPositive++;
    else {
      const upper = panel.upper ? zValue(r, panel.upper.column) : null;
      const tip = `σ = ${fmt(r.params.sigma)}, α = ${fmt(r.params.alpha)}, m = ${r.params.width}, η = ${fmt(r.params.lr)}, rep ${r.replicate} · measured ${fmt(measured)}, predicted ${fmt(predicted)}, ratio ${fmt(measured / predicted)}${rich ? ' · rich start (σ/α² ≥ 8): not scored' : ''} · ${r.run_id}`;
      out.points.push({ run_id: r.run_id, measured, predicted, upper, sigma: r.params.sigma, width: r.params.width, rich, tip });
    }
  }
  return out;
}

export interface RatioStats {
  n: number;
  /** median of measured / predicted */
  median: number;
  /** 10% and 90% quantiles of the ratio */
  p10: number;
  p90: number;
  /** fraction of ratios within [1/2, 2] */
  within2: number;
  /** fraction of ratios within [0.8, 1.25] */
  within125: number;
}

/** Statistics of measured / predicted over some points; null when there are none. */
export function ratioStats(points: readonly Pick<TheoryPoint, 'measured' | 'predicted'>[]): RatioStats | null {
  if (points.length === 0) return null;
  const r = points.map((p) => p.measured / p.predicted);
  const share = (pred: (x: number) => boolean) => r.filter(pred).length / r.length;
  return {
    n: r.length,
    median: quantile(r, 0.5),
    p10: quantile(r, 0.1),
    p90: quantile(r, 0.9),
    within2: share((x) => x >= 0.5 && x <= 2),
    within125: share((x) => x >= 0.8 && x <= 1.25),
  };
}

const pct = (f: number): string => `${Math.round(100 * f)}%`;
export const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

/**
 * The panel's sentence, computed from its scored points: how far measurement and theory are apart, how many runs that
 * rests on, and which runs were left out and why. With no point at all it says why the panel is not drawn.
 */
export function panelSentence(d: PanelData): string {
  const scored = d.points.filter((p) => !p.rich);
  const hollow = d.points.length - scored.length;
  const s = ratioStats(scored);
  const left: string[] = [];
  if (hollow + d.richLeftOut) left.push(`${runs(hollow + d.richLeftOut)} with a rich start (σ/α² ≥ 8; ${hollow} drawn hollow)`);
  if (d.noPrediction) left.push(`${runs(d.noPrediction)} with no prediction (σ = 0, SAM, GD or real data)`);
  if (d.predictedNever) left.push(`${runs(d.predictedNever)} where ${d.panel.never}, ${d.predictedNeverAgreed} of which never reached it either`);
  if (d.nonPositivePrediction) left.push(`${runs(d.nonPositivePrediction)} with a prediction ≤ 0 (${d.panel.nonPositivePrediction})`);
  if (d.noMeasurement) {
    const late = d.panel.marker ? `; theory places ${d.missingPredictedLate} of them after the run's last step too` : '';
    left.push(`${runs(d.noMeasurement)} with no measurement (${d.panel.noMeasurement}${late})`);
  }
  if (d.nonPositive) left.push(`${runs(d.nonPositive)} with a measured value ≤ 0`);
  const leftOut = left.length ? ` Not scored: ${left.join('; ')}.` : '';
  if (!s) {
    const why = d.considered === 0 ? 'no run has finished' : 'no finished run with a scored start has both values';
    return `${d.panel.title}: ${d.points.length > 0 ? 'nothing to score' : 'not drawn'}, ${why} (of ${d.considered} finished).${leftOut}`;
  }
  const head = `median ratio measured/predicted ${fmt(s.median)} (middle 80% ${fmt(s.p10)}–${fmt(s.p90)}); ${pct(s.within125)} of runs within [0.8, 1.25], ${pct(s.within2)} within 2x`;
  const upper = d.panel.upper ? upperSentence(scored, d.panel.upper.name) : '';
  return `${d.panel.title}: ${head}; n = ${runs(s.n)} with both values, of ${d.considered} finished.${upper}${leftOut}`;
}

/** How far the upper line sits above the prediction, and whether the measurements stay below it. */
function upperSentence(points: readonly TheoryPoint[], name: string): string {
  const withUpper = points.filter((p) => usable(p.upper) && p.upper > 0);
  if (withUpper.length === 0) return '';
  const ratio = withUpper.map((p) => p.upper! / p.predicted);
  const below = withUpper.filter((p) => p.measured <= p.upper!).length;
  return ` ${name} (grey, above) is ${fmt(quantile(ratio, 0.5))}x t_esc (median; ${fmt(Math.min(...ratio))}–${fmt(Math.max(...ratio))}), and the measured escape lies below it in ${below} of ${withUpper.length} runs: a bound loose by design, not the time scale.`;
}

/**
 * The scatter panels side by side, one legend: colour by σ, shape by width m, hollow for a rich start. Each panel is
 * log-log over one square domain (the union of its values, padded by the factor-2 band), with y = x and the band
 * y ∈ [x/2, 2x] shaded. Panels without points must be left out by the caller.
 */
export function theorySpec(panels: readonly PanelData[], sigmaPalette: Palette): TopLevelSpec {
  const all = panels.flatMap((p) => p.points);
  const widths = [...new Set(all.map((p) => p.width))].sort((a, b) => a - b);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Measured against predicted',
      subtitle: 'one point per finished run (hollow: rich start σ/α² ≥ 8, not scored); line: y = x; band: within a factor 2',
    },
    hconcat: panels.map((p) => scatterPanel(p, sigmaPalette, widths)),
  } as unknown as TopLevelSpec;
}

function scatterPanel(d: PanelData, sigmaPalette: Palette, widths: number[]) {
  const values = d.points.flatMap((p) => [p.measured, p.predicted, ...(p.upper !== null && p.upper > 0 ? [p.upper] : [])]);
  const lo = Math.min(...values) / 2.5;
  const hi = Math.max(...values) * 2.5;
  const scale = { type: 'log', domain: [lo, hi], nice: false };
  const axis = (horizontal: boolean) => ({
    ...tickProps(niceTicks(lo, hi, 'log'), { length: 230, domain: [lo, hi], scale: 'log', horizontal }),
    labelFlush: true,
  });
  const x = { field: 'x', type: 'quantitative', scale, title: d.panel.predictedTitle, axis: axis(true) };
  const y = { field: 'y', type: 'quantitative', scale, title: d.panel.measuredTitle, axis: axis(false) };
  const point = (p: TheoryPoint) => ({ x: p.predicted, y: p.measured, sigma: p.sigma, width: p.width, tip: p.tip });
  const encoding = {
    x,
    y,
    color: sigmaPalette.channel('sigma', 'label noise σ'),
    shape: { field: 'width', type: 'ordinal', title: 'width m', scale: { domain: widths } },
    description: { field: 'tip' },
  };
  const upper = d.points.filter((p) => p.upper !== null && p.upper > 0);
  return {
    title: d.panel.title,
    width: 230,
    height: 230,
    layer: [
      {
        data: { values: factor2Band(lo, hi) },
        mark: { type: 'area', color: '#e6e6e6', opacity: 0.8, clip: true, aria: false },
        encoding: { x, y, y2: { field: 'y2' } },
      },
      {
        data: {
          values: [
            { x: lo, y: lo },
            { x: hi, y: hi },
          ],
        },
        mark: { type: 'line', color: '#666', strokeWidth: 1, clip: true, aria: false },
        encoding: { x, y },
      },
      ...(upper.length > 0
        ? [
            {
              data: { values: upper.map((p) => ({ x: p.predicted, y: p.upper })) },
              mark: { type: 'tick', color: '#999', thickness: 1.5, size: 8, aria: false },
              encoding: { x, y },
            },
          ]
        : []),
      { data: { values: d.points.filter((p) => !p.rich).map(point) }, mark: { type: 'point', filled: true, size: 40, opacity: 0.8 }, encoding },
      ...(d.points.some((p) => p.rich)
        ? [{ data: { values: d.points.filter((p) => p.rich).map(point) }, mark: { type: 'point', filled: false, size: 40, opacity: 0.6 }, encoding }]
        : []),
    ],
  };
}

/**
 * The band x/2 ≤ y ≤ 2x cut to the square [lo, hi]² (hi/lo > 4): its edges are straight on log-log axes between the
 * corners x = lo, 2·lo, hi/2, hi. Cut here rather than by clipping, since vega sizes a panel (and places its title) by
 * its marks' unclipped bounds.
 */
function factor2Band(lo: number, hi: number): { x: number; y: number; y2: number }[] {
  return [lo, 2 * lo, hi / 2, hi].map((x) => ({ x, y: Math.max(x / 2, lo), y2: Math.min(2 * x, hi) }));
}
