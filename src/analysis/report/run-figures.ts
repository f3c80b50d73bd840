/**
 * The paper's Fig. 2-style panels for a few chosen runs (arXiv 2603.10397, Fig. 2): (a) test loss, (b) mean neuron
 * norm and (c) mean alignment against step, (d) the per-neuron (‖wᵢ‖², ⟨wᵢ, θ*⟩) scatter at the snapshot steps,
 * coloured by step; and, for a periodic noise schedule, the on/off panel (norms against step over shaded noise-on
 * windows). Specs only; the report renders them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { neuronsFilePath, readArrowFile, readRunFile, runFilePath, type SummaryRow } from '../../io/index.js';
import { paramShort } from '../base/labels.js';
import { darker, paramPalette, sweepPalette } from '../base/palette.js';
import { fmt } from '../base/render.js';
import { determinedBy, varyingParams, type ParamKey } from '../base/sweep-data.js';
import { withModelCurve } from '../theory/model-curves.js';
import { niceTicks, tickLabel, tickProps } from '../base/ticks.js';

/** Lines are thinned to about this many points per run, scatters to this many neurons per snapshot. */
const MAX_POINTS = 300;
const MAX_NEURONS = 250;
const MAX_RUNS = 6;
/** at most this many lines, evenly spread over the first parameter's values */
const MAX_LINES = 8;

export interface ChosenRun {
  row: SummaryRow;
  label: string;
  /** the line's colour: the first varying parameter's palette colour (base/palette.ts), the same as in every figure */
  colour: string;
}

/**
 * Runs to draw: replicate 0 (the lowest present) of every combination of the varying parameters when there are at
 * most six; otherwise the values of the first varying parameter (σ or ρ first; at most eight, evenly spread) with
 * each other parameter held at the middle of the values left, so the combination exists. In a refined folder the
 * choice is among the sweep's own grid (round 0), which spans the axes evenly, not the points refinement bunched along
 * a boundary. Parameters fixed by others (lr under an lr_rule) do not count as varying.
 */
export function chooseRuns(rows: readonly SummaryRow[]): ChosenRun[] {
  const ok = rows.filter((r) => r.status !== 'failed');
  const grid = ok.filter((r) => (r.extra?.refine_round ?? 0) === 0);
  const pool = grid.length > 0 ? grid : ok;
  const all = varyingParams(pool).filter((k) => k !== 'snapshot_steps');
  const keys: ParamKey[] = [];
  for (const k of [...all].sort((a, b) => rank(a) - rank(b))) if (!keys.length || !determinedBy(pool, k, keys)) keys.push(k);
  const groups = new Map<string, SummaryRow>();
  for (const r of pool) {
    const key = JSON.stringify(keys.map((k) => r.params[k]));
    const prev = groups.get(key);
    if (!prev || r.replicate < prev.replicate) groups.set(key, r);
  }
  let picked = [...groups.values()];
  if (picked.length > MAX_RUNS && keys.length > 1) {
    for (const k of keys.slice(1)) {
      const middle = middleValue(picked.map((r) => r.params[k]));
      picked = picked.filter((r) => JSON.stringify(r.params[k]) === middle);
    }
  }
  picked = spread(
    picked.sort((a, b) => compareBy(keys, a, b)),
    MAX_LINES,
  );
  const palette = keys.length > 0 ? sweepPalette(rows, keys[0]) : null;
  // runs that share the first parameter's value share its colour: the later ones a shade darker each, to tell apart
  const seen = new Map<string, number>();
  return picked.map((row) => {
    const base = palette ? palette.colour(row.params[keys[0]] as number | string) : '#4c78a8';
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return {
      row,
      label: [...keys.map((key) => `${paramShort(key)}=${fmtParam(row.params[key])}`), `rep ${row.replicate}`].join(', '),
      colour: darker(base, Math.min(0.6, SHADE_STEP * k)),
    };
  });
}

/** How much darker each further run of one colour is drawn (palette.ts's `darker`). */
const SHADE_STEP = 0.3;

/** At most n of the list, evenly spaced, the first and the last kept. */
function spread<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  return Array.from({ length: n }, (_, i) => list[Math.round((i * (list.length - 1)) / (n - 1))]);
}

const rank = (k: string): number => {
  const i = ['sigma', 'rho', 'optimizer', 'noise_schedule', 'alpha', 'width'].indexOf(k);
  return i < 0 ? 99 : i;
};
const fmtParam = (v: unknown): string => (typeof v === 'number' ? fmt(v) : String(v));

function middleValue(values: unknown[]): string {
  const distinct = [...new Set(values.map((v) => JSON.stringify(v)))].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1));
  return distinct[Math.floor((distinct.length - 1) / 2)];
}

function compareBy(keys: ParamKey[], a: SummaryRow, b: SummaryRow): number {
  for (const k of keys) {
    const x = a.params[k];
    const y = b.params[k];
    if (x !== y) return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
  }
  return a.replicate - b.replicate;
}

/** Long-format metric rows of the chosen runs, thinned evenly (the first and last rows always kept). */
export function trajectoryRows(dir: string, runs: readonly ChosenRun[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const { row, label } of runs) {
    const m = readRunFile(runFilePath(dir, row.run_id)).metrics;
    const every = Math.max(1, Math.ceil(m.rows / MAX_POINTS));
    for (let i = 0; i < m.rows; i++) {
      if (i % every !== 0 && i !== m.rows - 1) continue;
      const v = m.values;
      out.push({
        run: label,
        step: m.step[i],
        test_loss: positive(v.test_loss[i]),
        w_norm2_mean: positive(v.w_norm2_mean[i]),
        align_cos_mean: finite(v.align_cos_mean[i]),
        // the paper's own axes (paper-fig2.ts)
        w_norm_mean: positive(v.w_norm_mean[i]),
        align_ip_mean: finite(v.align_ip_mean[i]),
      });
    }
  }
  return out;
}

const positive = (v: number): number | null => (Number.isFinite(v) && v > 0 ? v : null);
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Log panels show about this many decades below their largest value; a line that falls further leaves through the bottom. */
const LOG_DECADES = 1e6;

/** The runs' colours as one scale: the legend lists the runs in their order, each in its parameter's colour. */
export const runColour = (runs: readonly ChosenRun[], legend: object | null) => ({
  field: 'run',
  type: 'nominal',
  title: 'run',
  scale: { domain: runs.map((r) => r.label), range: runs.map((r) => r.colour) },
  legend,
});

/** A step axis `length` px long: round ticks labelled 0, 200k, 400k. */
export function stepAxis(maxStep: number, length = 300) {
  const room = { length, domain: [0, maxStep] as const, scale: 'linear' as const, horizontal: true };
  return {
    field: 'step',
    type: 'quantitative',
    title: 'step',
    scale: { domain: [0, maxStep], nice: false },
    axis: tickProps(niceTicks(0, maxStep, 'linear', 4), room),
  };
}

/** A log axis over [lo, hi], `length` px long: decade (or 1-2-5) ticks, light grid lines at them only. */
export function logAxis(lo: number, hi: number, length = 200, horizontal = false) {
  const room = { length, domain: [lo, hi] as const, scale: 'log' as const, horizontal };
  return { scale: { type: 'log', domain: [lo, hi], nice: false }, axis: tickProps(niceTicks(lo, hi, 'log'), room) };
}

/**
 * The step axis's end: the longest run with label noise. Under a steps_rule the noiseless control runs to max_steps
 * (its noise time never comes), often 10x the others, which would squeeze every other line against the axis; it is
 * flat by then, and its line is clipped at the end.
 */
export function stepExtent(runs: readonly ChosenRun[], rows: readonly Record<string, unknown>[]): number {
  const noisy = new Set(runs.filter((r) => r.row.params.sigma > 0).map((r) => r.label));
  const kept = rows.filter((r) => noisy.has(r.run as string));
  return Math.max(1, ...(kept.length > 0 ? kept : rows).map((r) => r.step as number));
}

/**
 * The range of `field`'s positive values over the rows of the chosen runs that did not diverge (of all, when every one
 * did): a diverged run's loss reaches 1e40 and more, and a scale stretched to it would flatten every other line. Its
 * line leaves through the top (the marks are clipped).
 */
export function positiveRange(runs: readonly ChosenRun[], rows: readonly Record<string, unknown>[], field: string): [number, number] {
  const diverged = new Set(runs.filter((r) => r.row.status === 'diverged').map((r) => r.label));
  const kept = rows.filter((r) => !diverged.has(r.run as string));
  const v = (kept.length > 0 ? kept : rows).map((r) => r[field]).filter((x): x is number => typeof x === 'number' && x > 0 && Number.isFinite(x));
  return v.length ? [Math.min(...v), Math.max(...v)] : [1e-3, 1];
}

const line = (runs: readonly ChosenRun[], field: string, title: string, y: object, legend: boolean, maxStep: number) => ({
  width: 300,
  height: 200,
  mark: { type: 'line', strokeWidth: 1.6, clip: true },
  encoding: {
    x: stepAxis(maxStep),
    y: { field, type: 'quantitative', title, ...y },
    color: runColour(runs, legend ? { orient: 'bottom', columns: 2, labelLimit: 260 } : null),
  },
});

/**
 * Points below `floor` are left out after the first one, so a line that keeps falling (the noiseless control's test
 * loss, down to 10⁻³⁰) runs out through the bottom of its panel instead of lying along the axis.
 */
function cutBelow(rows: Record<string, unknown>[], field: string, floor: number): Record<string, unknown>[] {
  const below = new Set<string>();
  return rows.map((r) => {
    const v = r[field] as number | null;
    if (v === null || v >= floor) return r;
    if (below.has(r.run as string)) return { ...r, [field]: null };
    below.add(r.run as string);
    return r;
  });
}

/** Each run's first point below `floor`, where its test-loss line leaves the panel. */
function exitRows(rows: readonly Record<string, unknown>[], floor: number): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const v = r.test_loss as number | null;
    if (v !== null && v < floor && !out.has(r.run as string)) {
      out.set(r.run as string, {
        run: r.run,
        step: r.step,
        floor,
        tip: `${String(r.run)}: test loss ${fmt(v)} at step ${String(r.step)}, below ${tickLabel(floor)}`,
      });
    }
  }
  return [...out.values()];
}

export function fig2Spec(runs: readonly ChosenRun[], rows: Record<string, unknown>[]): TopLevelSpec {
  const maxStep = stepExtent(runs, rows);
  const [lossLo, lossHi] = positiveRange(runs, rows, 'test_loss');
  const floor = Math.max(lossLo, 10 ** Math.floor(Math.log10(lossHi / LOG_DECADES)));
  const [normLo, normHi] = positiveRange(runs, rows, 'w_norm2_mean');
  const cut = floor > lossLo;
  const loss = line(runs, 'test_loss', 'test loss ½‖θ−θ*‖² (log)', logAxis(floor, lossHi), true, maxStep);
  // where a line leaves through the bottom, a ▼ at the floor in its colour: the noiseless control does so within the
  // first percent of the run, too close to the axis to see as a line
  const exits = cut ? exitRows(rows, floor) : [];
  const exitMark = {
    data: { values: exits },
    mark: { type: 'point', shape: 'triangle-down', filled: true, size: 70, opacity: 1, clip: false },
    encoding: {
      x: loss.encoding.x,
      y: { ...loss.encoding.y, field: 'floor' },
      color: { ...loss.encoding.color, legend: null },
      description: { field: 'tip' },
    },
  };
  const { mark, encoding, ...sized } = loss;
  return {
    data: { values: cut ? cutBelow(rows, 'test_loss', floor) : rows },
    title: {
      text: 'Training dynamics (paper Fig. 2a-b)',
      subtitle: rows.some((r) => 'model_w_norm2_mean' in r)
        ? 'one line per chosen run; dashed: the Phase I model of the same run'
        : 'one line per chosen run',
    },
    hconcat: [
      {
        ...sized,
        // the rows also hold the model's points (no test loss): without the filter each would break the line
        layer: [{ transform: [{ filter: "isValid(datum['test_loss'])" }], mark, encoding }, ...(exits.length > 0 ? [exitMark] : [])],
        title: `(a) test loss${cut ? ` (▼: the line leaves below ${tickLabel(floor)})` : ''}`,
      },
      // dashed: the Phase I model beside each run, where the rows carry it (theory/model-curves.ts)
      {
        ...withModelCurve(
          line(runs, 'w_norm2_mean', 'mean ‖wᵢ‖² (log)', logAxis(normLo, normHi), false, maxStep),
          'w_norm2_mean',
          'model_w_norm2_mean',
          rows,
        ),
        title: '(b) neuron norm: Phase I shrinks it',
      },
      {
        ...withModelCurve(
          line(
            runs,
            'align_cos_mean',
            'mean |cos(wᵢ, θ*)|',
            { scale: { domain: [0, 1] }, axis: tickProps([0, 0.2, 0.4, 0.6, 0.8, 1]) },
            false,
            maxStep,
          ),
          'align_cos_mean',
          'model_align_cos_mean',
          rows,
        ),
        title: '(c) alignment with θ*',
      },
    ],
  } as unknown as TopLevelSpec;
}

/** Per-neuron snapshot points of the runs that have them (at most MAX_NEURONS evenly spaced neurons per step). */
export function snapshotRows(dir: string, runs: readonly ChosenRun[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const { row, label } of runs) {
    if (row.params.snapshot_steps.length === 0) continue;
    let table;
    try {
      table = readArrowFile(neuronsFilePath(dir, row.run_id));
    } catch {
      continue; // a run without its snapshot file (diverged before the first snapshot, or an older version)
    }
    const col = (name: string) => table.getChild(name)!.toArray() as ArrayLike<number | bigint>;
    const [step, neuron, w2, ip] = [col('step'), col('neuron'), col('w_norm2'), col('w_theta_ip')];
    const every = Math.max(1, Math.ceil(row.params.width / MAX_NEURONS));
    for (let i = 0; i < step.length; i++) {
      if (Number(neuron[i]) % every !== 0) continue;
      const x = Number(w2[i]);
      if (!(x > 0) || !Number.isFinite(Number(ip[i]))) continue;
      out.push({ run: label, step: Number(step[i]), w_norm2: x, w_theta_ip: Number(ip[i]) });
    }
  }
  return out;
}

export function scatterSpec(rows: Record<string, unknown>[]): TopLevelSpec {
  const steps = [...new Set(rows.map((r) => r.step as number))].sort((a, b) => a - b);
  const [lo, hi] = positiveRange([], rows, 'w_norm2');
  const ips = rows.map((r) => r.w_theta_ip as number);
  const [ipLo, ipHi] = [Math.min(0, ...ips), Math.max(0, ...ips)];
  const stepColours = paramPalette('steps', steps);
  return {
    data: { values: rows },
    title: {
      text: '(d) Neurons at the snapshot steps (paper Fig. 2c)',
      subtitle: `one point per neuron (≤ ${MAX_NEURONS} shown per step); colour: step`,
    },
    facet: { field: 'run', type: 'nominal', title: null, header: { labelFontSize: 12 } },
    columns: 2,
    spec: {
      width: 300,
      height: 240,
      mark: { type: 'point', filled: true, size: 14, opacity: 0.7 },
      encoding: {
        x: { field: 'w_norm2', type: 'quantitative', title: '‖wᵢ‖² (log)', ...logAxis(lo, hi, 300, true) },
        y: {
          field: 'w_theta_ip',
          type: 'quantitative',
          title: '⟨wᵢ, θ*⟩ (symlog)',
          scale: { type: 'symlog', constant: 0.01, domain: [ipLo, ipHi], nice: false },
          axis: tickProps(niceTicks(ipLo, ipHi, 'symlog').filter((t) => t === 0 || Math.abs(t) >= 0.01)),
        },
        color: stepColours.channel('step', 'step'),
      },
    },
  } as unknown as TopLevelSpec;
}

/** Noise-on windows of a periodic schedule: [2kP, (2k+1)P) up to `steps`. */
function noiseOnWindows(period: number, steps: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let s = 0; s < steps; s += 2 * period) out.push({ start: s, end: Math.min(s + period, steps) });
  return out;
}

export function onOffSpec(runs: readonly ChosenRun[], rows: Record<string, unknown>[], period: number, steps: number): TopLevelSpec {
  const [lo, hi] = positiveRange(runs, rows, 'w_norm2_mean');
  return {
    title: {
      text: 'Noise on/off: norms shrink only while the label noise is on',
      subtitle: `shaded: noise on (period ${period} steps on, ${period} off)`,
    },
    width: 760,
    height: 260,
    layer: [
      {
        data: { values: noiseOnWindows(period, steps) },
        mark: { type: 'rect', color: '#fdd9a0', opacity: 0.5, aria: false },
        encoding: { x: { ...stepAxis(steps), field: 'start' }, x2: { field: 'end' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: stepAxis(steps),
          y: { field: 'w_norm2_mean', type: 'quantitative', title: 'mean ‖wᵢ‖² (log)', ...logAxis(lo, hi) },
          color: runColour(runs, { orient: 'bottom', labelLimit: 300 }),
        },
      },
    ],
  } as unknown as TopLevelSpec;
}
