/**
 * The paper's Fig. 2-style panels for a few chosen runs (arXiv 2603.10397, Fig. 2): (a) test loss, (b) mean neuron
 * norm and (c) mean alignment against step, (d) the per-neuron (‖wᵢ‖², ⟨wᵢ, θ*⟩) scatter at the snapshot steps,
 * coloured by step; and, for a periodic noise schedule, the on/off panel (norms against step over shaded noise-on
 * windows). Specs only; the report renders them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { neuronsFilePath, readArrowFile, readRunFile, runFilePath, type SummaryRow } from '../../io/index.js';
import { paramShort } from '../base/labels.js';
import { fmt } from '../base/render.js';
import { determinedBy, varyingParams, type ParamKey } from '../base/sweep-data.js';
import { withModelCurve } from '../theory/model-curves.js';

/** Lines are thinned to about this many points per run, scatters to this many neurons per snapshot. */
const MAX_POINTS = 300;
const MAX_NEURONS = 250;
const MAX_RUNS = 6;
/** tableau10 has ten colours; a wider first parameter is cut here */
const MAX_LINES = 10;

export interface ChosenRun {
  row: SummaryRow;
  label: string;
}

/**
 * Runs to draw: replicate 0 (the lowest present) of every combination of the varying parameters when there are at
 * most six; otherwise every value of the first varying parameter (σ or ρ first) with the others at their middle
 * grid value. Parameters fixed by others (lr under an lr_rule) do not count as varying.
 */
export function chooseRuns(rows: readonly SummaryRow[]): ChosenRun[] {
  const ok = rows.filter((r) => r.status !== 'failed');
  const all = varyingParams(ok).filter((k) => k !== 'snapshot_steps');
  const keys: ParamKey[] = [];
  for (const k of [...all].sort((a, b) => rank(a) - rank(b))) if (!keys.length || !determinedBy(ok, k, keys)) keys.push(k);
  const groups = new Map<string, SummaryRow>();
  for (const r of ok) {
    const key = JSON.stringify(keys.map((k) => r.params[k]));
    const prev = groups.get(key);
    if (!prev || r.replicate < prev.replicate) groups.set(key, r);
  }
  let picked = [...groups.values()];
  if (picked.length > MAX_RUNS && keys.length > 1) {
    const middle = new Map(keys.slice(1).map((k) => [k, middleValue(ok.map((r) => r.params[k]))]));
    picked = picked.filter((r) => keys.slice(1).every((k) => JSON.stringify(r.params[k]) === middle.get(k)));
  }
  picked = picked.sort((a, b) => compareBy(keys, a, b)).slice(0, MAX_LINES);
  return picked.map((row) => ({
    row,
    label: [...keys.map((k) => `${paramShort(k)}=${fmtParam(row.params[k])}`), `rep ${row.replicate}`].join(', '),
  }));
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

/** Log panels show this many decades below their largest value; lower values are drawn at the floor. */
const LOG_DECADES = 1e8;

const line = (field: string, title: string, logY: boolean, legend: boolean, floor?: number) => ({
  width: 300,
  height: 200,
  mark: { type: 'line', strokeWidth: 1.6, clip: true },
  encoding: {
    x: { field: 'step', type: 'quantitative', title: 'step', axis: { format: '~s', tickCount: 5 } },
    y: {
      field,
      type: 'quantitative',
      title,
      scale: logY ? { type: 'log', ...(floor ? { domainMin: floor, clamp: true } : {}) } : { domain: [0, 1] },
      axis: { format: logY ? '.0e' : '.1f' },
    },
    color: {
      field: 'run',
      type: 'nominal',
      title: 'run',
      scale: { scheme: 'tableau10' },
      legend: legend ? { orient: 'bottom', columns: 2, labelLimit: 260 } : null,
    },
  },
});

export function fig2Spec(rows: Record<string, unknown>[]): TopLevelSpec {
  const maxLoss = Math.max(...rows.map((r) => (r.test_loss as number | null) ?? 0));
  const floor = maxLoss > 0 ? maxLoss / LOG_DECADES : undefined;
  return {
    data: { values: rows },
    title: {
      text: 'Training dynamics (paper Fig. 2a-b)',
      subtitle: rows.some((r) => 'model_w_norm2_mean' in r)
        ? 'one line per chosen run; dashed: the Phase I model of the same run'
        : 'one line per chosen run',
    },
    transform: [],
    hconcat: [
      {
        ...line('test_loss', 'test loss ½‖θ−θ*‖² (log)', true, true, floor),
        title: `(a) test loss${floor ? ` (below ${fmt(floor)} drawn at it)` : ''}`,
      },
      // dashed: the Phase I model beside each run, where the rows carry it (theory/model-curves.ts)
      {
        ...withModelCurve(line('w_norm2_mean', 'mean ‖wᵢ‖² (log)', true, false), 'w_norm2_mean', 'model_w_norm2_mean', rows),
        title: '(b) neuron norm: Phase I shrinks it',
      },
      {
        ...withModelCurve(line('align_cos_mean', 'mean |cos(wᵢ, θ*)|', false, false), 'align_cos_mean', 'model_align_cos_mean', rows),
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
        x: { field: 'w_norm2', type: 'quantitative', title: '‖wᵢ‖² (log)', scale: { type: 'log' }, axis: { format: '.0e' } },
        y: { field: 'w_theta_ip', type: 'quantitative', title: '⟨wᵢ, θ*⟩ (symlog)', scale: { type: 'symlog', constant: 0.01 } },
        color: { field: 'step', type: 'ordinal', title: 'step', scale: { scheme: 'viridis' }, legend: { format: '~s' } },
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

export function onOffSpec(rows: Record<string, unknown>[], period: number, steps: number): TopLevelSpec {
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
        encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step', axis: { format: '~s' } },
          y: { field: 'w_norm2_mean', type: 'quantitative', title: 'mean ‖wᵢ‖² (log)', scale: { type: 'log' } },
          color: { field: 'run', type: 'nominal', title: 'run', scale: { scheme: 'tableau10' }, legend: { orient: 'bottom', labelLimit: 300 } },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}
