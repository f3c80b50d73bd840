/**
 * Theory against measurement: the paper's predicted Phase I rate and times (summary columns `pred_*`, `t1_bound`,
 * written by src/core/summarize.ts) set against what each run measured, as log-log scatter panels with the y = x line
 * and a factor-2 band, and one sentence per panel saying how far apart they are. Pure: rows in, specs and sentences
 * out; the report assembles them (theory-section.ts).
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
  /** the prediction is an upper bound (the measurement should lie below it), not an estimate */
  bound: boolean;
  /** why a run has no measured value */
  noMeasurement: string;
  /** why a prediction can be ≤ 0 (a log axis cannot show it) */
  nonPositivePrediction: string;
  /** the measured column is a step marker: a run without it never reached it by its last step */
  marker: boolean;
}

/**
 * The panels, in the report's order. Lazy escape is measured by `lazy_escape_step` (every neuron has left its lazy
 * ball), not `lazy_escape_step_50` (half of them): Theorem 2's T₁ bounds the time by which every neuron has escaped,
 * so the all-neurons marker is the quantity the bound is about; against the median neuron a bound would look looser
 * than it is.
 */
export const THEORY_PANELS: readonly TheoryPanel[] = [
  {
    id: 'decay',
    title: '(a) Phase I decay rate of mean ‖wᵢ‖²',
    measured: 'norm_decay_rate',
    predicted: 'pred_norm_decay_rate',
    measuredTitle: 'measured (1/step)',
    predictedTitle: 'predicted η²(σ̄² + 2L̄) (1/step)',
    bound: false,
    noMeasurement: 'run shorter than the fit window',
    nonPositivePrediction: 'no label noise in effect',
    marker: false,
  },
  {
    id: 'phase1',
    title: '(b) end of Phase I',
    measured: 'phase2_step_50',
    predicted: 'pred_phase1_steps',
    measuredTitle: 'measured: 50% in Phase II',
    predictedTitle: 'predicted ln(‖w(0)‖²/η) / rate (steps)',
    bound: false,
    noMeasurement: 'Phase II fraction never reached 0.5',
    nonPositivePrediction: 'mean ‖wᵢ(0)‖² already ≤ η',
    marker: true,
  },
  {
    id: 'lazy',
    title: '(c) lazy escape against Theorem 2',
    measured: 'lazy_escape_step',
    predicted: 't1_bound',
    measuredTitle: 'measured: all escaped',
    predictedTitle: 'bound T₁ (steps)',
    bound: true,
    noMeasurement: 'some neuron never left its lazy ball',
    nonPositivePrediction: 'no label noise in effect',
    marker: true,
  },
];

export interface TheoryPoint {
  run_id: string;
  measured: number;
  predicted: number;
  sigma: number;
  width: number;
  tip: string;
}

export interface PanelData {
  panel: TheoryPanel;
  /** finished runs considered (status `done`) */
  considered: number;
  points: TheoryPoint[];
  /** runs left out because the prediction does not apply (NaN: σ = 0, SAM, GD, real data) */
  noPrediction: number;
  /** runs left out because the prediction is ≤ 0 */
  nonPositivePrediction: number;
  /** runs left out because the measurement is missing (null) */
  noMeasurement: number;
  /** runs left out because the measured value is ≤ 0, which a log axis cannot show */
  nonPositive: number;
  /** among the marker runs without a measurement, those theory also places after the run's last step */
  missingPredictedLate: number;
}

/** True when some run carries the predicted columns (folders written before they existed do not). */
export const hasPredictions = (rows: readonly SummaryRow[]): boolean => rows.some((r) => r.extra !== undefined && 'pred_norm_decay_rate' in r.extra);

const usable = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** The points of one panel and the runs it leaves out, by reason. Only runs that finished (`done`) count. */
export function panelData(rows: readonly SummaryRow[], panel: TheoryPanel): PanelData {
  const done = rows.filter((r) => r.status === 'done');
  const out: PanelData = {
    panel,
    considered: done.length,
    points: [],
    noPrediction: 0,
    nonPositivePrediction: 0,
    noMeasurement: 0,
    nonPositive: 0,
    missingPredictedLate: 0,
  };
  for (const r of done) {
    const predicted = zValue(r, panel.predicted);
    const measured = zValue(r, panel.measured);
    if (!usable(predicted)) out.noPrediction++;
    else if (predicted <= 0) out.nonPositivePrediction++;
    else if (!usable(measured)) {
      out.noMeasurement++;
      if (panel.marker && predicted > r.params.steps) out.missingPredictedLate++;
    } else if (measured <= 0) out.nonPositive++;
    else {
      const tip = `σ = ${fmt(r.params.sigma)}, α = ${fmt(r.params.alpha)}, m = ${r.params.width}, η = ${fmt(r.params.lr)}, rep ${r.replicate} · measured ${fmt(measured)}, predicted ${fmt(predicted)}, ratio ${fmt(measured / predicted)} · ${r.run_id}`;
      out.points.push({ run_id: r.run_id, measured, predicted, sigma: r.params.sigma, width: r.params.width, tip });
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
  /** fraction of ratios ≤ 1 (measured no later / no larger than predicted) */
  atMost1: number;
}

/** Statistics of measured / predicted over a panel's points; null when it has none. */
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
    atMost1: share((x) => x <= 1),
  };
}

const pct = (f: number): string => `${Math.round(100 * f)}%`;
const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

/**
 * The panel's sentence, computed from its data: how far measurement and theory are apart, how many runs that rests
 * on, and which runs were left out and why. With no point at all it says why the panel is not drawn.
 */
export function panelSentence(d: PanelData): string {
  const s = ratioStats(d.points);
  const left: string[] = [];
  if (d.noPrediction) left.push(`${runs(d.noPrediction)} with no prediction (σ = 0, SAM, GD or real data)`);
  if (d.nonPositivePrediction) left.push(`${runs(d.nonPositivePrediction)} with a prediction ≤ 0 (${d.panel.nonPositivePrediction})`);
  if (d.noMeasurement) {
    const late = !d.panel.marker
      ? ''
      : d.panel.bound
        ? `; the bound lies beyond the run's last step for ${d.missingPredictedLate} of them`
        : `; theory places ${d.missingPredictedLate} of them after the run's last step too`;
    left.push(`${runs(d.noMeasurement)} with no measurement (${d.panel.noMeasurement}${late})`);
  }
  if (d.nonPositive) left.push(`${runs(d.nonPositive)} with a measured value ≤ 0`);
  const leftOut = left.length ? ` Left out: ${left.join('; ')}.` : '';
  if (!s) {
    const why = d.considered === 0 ? 'no run has finished' : 'no finished run has both values';
    return `${d.panel.title}: not drawn, ${why} (of ${d.considered} finished).${leftOut}`;
  }
  const spread = `middle 80% ${fmt(s.p10)}–${fmt(s.p90)}`;
  const head = d.panel.bound
    ? `measured below the bound in ${pct(s.atMost1)} of runs; median measured/bound ${fmt(s.median)} (${spread})`
    : `median ratio measured/predicted ${fmt(s.median)} (${spread}); ${pct(s.within2)} of runs within 2x`;
  return `${d.panel.title}: ${head}; n = ${runs(s.n)} with both values, of ${d.considered} finished.${leftOut}`;
}

/**
 * The scatter panels side by side, one legend: colour by σ, shape by width m. Each panel is log-log over one square
 * domain (the union of its values, padded by the factor-2 band), with y = x and the band y ∈ [x/2, 2x] shaded.
 * Panels without points must be left out by the caller.
 */
export function theorySpec(panels: readonly PanelData[], sigmaPalette: Palette): TopLevelSpec {
  const all = panels.flatMap((p) => p.points);
  const widths = [...new Set(all.map((p) => p.width))].sort((a, b) => a - b);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Measured against predicted', subtitle: 'one point per finished run; line: y = x; band: within a factor 2' },
    hconcat: panels.map((p) => scatterPanel(p, sigmaPalette, widths)),
  } as unknown as TopLevelSpec;
}

function scatterPanel(d: PanelData, sigmaPalette: Palette, widths: number[]) {
  const values = d.points.flatMap((p) => [p.measured, p.predicted]);
  const lo = Math.min(...values) / 2.5;
  const hi = Math.max(...values) * 2.5;
  const scale = { type: 'log', domain: [lo, hi], nice: false };
  const axis = (horizontal: boolean) => ({
    ...tickProps(niceTicks(lo, hi, 'log'), { length: 280, domain: [lo, hi], scale: 'log', horizontal }),
    labelFlush: true,
  });
  const x = { field: 'x', type: 'quantitative', scale, title: d.panel.predictedTitle, axis: axis(true) };
  const y = { field: 'y', type: 'quantitative', scale, title: d.panel.measuredTitle, axis: axis(false) };
  return {
    title: d.panel.title,
    width: 280,
    height: 280,
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
      {
        data: { values: d.points.map((p) => ({ x: p.predicted, y: p.measured, sigma: p.sigma, width: p.width, tip: p.tip })) },
        mark: { type: 'point', filled: true, size: 40, opacity: 0.8 },
        encoding: {
          x,
          y,
          color: sigmaPalette.channel('sigma', 'label noise σ'),
          shape: { field: 'width', type: 'ordinal', title: 'width m', scale: { domain: widths } },
          description: { field: 'tip' },
        },
      },
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
