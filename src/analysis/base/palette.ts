/**
 * One colour palette per parameter across the whole report: a parameter's value has the same colour in the run
 * panels, the theory panels and the boundary plots, because every figure asks this module with the sweep's full list
 * of that parameter's values. Numeric parameters get an ordered (sequential) scheme; up to MAX_DISCRETE values are
 * listed one by one, evenly spaced along the scheme; more get a continuous colour bar (log where the values are
 * geometrically spaced or span two decades). Other parameters (optimizer, noise) take tableau10.
 */
import * as vega from 'vega';
import type { SummaryRow } from '../../io/index.js';
import { axisKind } from './cells.js';
import { tickLabel, tickProps, niceTicks } from './ticks.js';

/** More distinct values than this get a continuous colour bar rather than one legend entry each. */
const MAX_DISCRETE = 8;

/** Sequential schemes by parameter, cut where they turn too light to read as a line on white. */
const SCHEMES: Record<string, { name: string; extent: [number, number] }> = {
  sigma: { name: 'viridis', extent: [0, 0.85] },
  rho: { name: 'plasma', extent: [0, 0.8] },
  alpha: { name: 'cividis', extent: [0, 0.85] },
};
const DEFAULT_SCHEME = { name: 'tealblues', extent: [0.35, 1] as [number, number] };
const CATEGORIES = 'tableau10';

export interface Palette {
  /** the colour of one value */
  colour: (v: number | string) => string;
  /** the colour channel's vega-lite definition for `field` (type, scale and legend) */
  channel: (field: string, title: string) => Record<string, unknown>;
  /** whether the legend lists the values (else a colour bar) */
  discrete: boolean;
}

export function paramPalette(key: string, values: readonly (number | string)[]): Palette {
  const distinct = [...new Set(values)];
  if (!distinct.every((v) => typeof v === 'number')) return categoryPalette(distinct.map(String).sort());
  const nums = distinct.sort((a, b) => a - b);
  const scheme = SCHEMES[key] ?? DEFAULT_SCHEME;
  const interpolate = vega.scheme(scheme.name) as (t: number) => string;
  const at = (t: number) => hex(interpolate(scheme.extent[0] + t * (scheme.extent[1] - scheme.extent[0])));
  if (nums.length <= MAX_DISCRETE) {
    const range = nums.map((_, i) => at(nums.length === 1 ? 0.5 : i / (nums.length - 1)));
    return {
      discrete: true,
      colour: (v) => range[nums.indexOf(Number(v))] ?? '#999999',
      channel: (field, title) => ({
        field,
        type: 'ordinal',
        title,
        scale: { domain: nums, range },
        legend: { labelExpr: `${JSON.stringify(Object.fromEntries(nums.map((n) => [String(n), tickLabel(n)])))}[datum.label] || datum.label` },
      }),
    };
  }
  const [lo, hi] = [nums[0], nums[nums.length - 1]];
  const log = lo > 0 && (axisKind(nums) === 'log' || hi / lo >= 100);
  const f = log ? Math.log : (x: number) => x;
  const t = (v: number) => (f(v) - f(lo)) / (f(hi) - f(lo));
  return {
    discrete: false,
    colour: (v) => at(Math.min(1, Math.max(0, t(Number(v))))),
    channel: (field, title) => ({
      field,
      type: 'quantitative',
      title: log ? `${title} (log)` : title,
      scale: { type: log ? 'log' : 'linear', domain: [lo, hi], scheme: { name: scheme.name, extent: scheme.extent }, nice: false, zero: false },
      legend: { ...tickProps(niceTicks(lo, hi, log ? 'log' : 'linear')), gradientLength: 120 },
    }),
  };
}

/** The palette of a parameter over a sweep: its values in every run that has a result (what every figure passes). */
export function sweepPalette(rows: readonly SummaryRow[], key: keyof SummaryRow['params']): Palette {
  return paramPalette(
    key,
    rows.filter((r) => r.status !== 'failed').map((r) => r.params[key] as number | string),
  );
}

function categoryPalette(values: readonly string[]): Palette {
  const scheme = vega.scheme(CATEGORIES) as string[];
  const range = values.map((_, i) => scheme[i % scheme.length]);
  return {
    discrete: true,
    colour: (v) => range[values.indexOf(String(v))] ?? '#999999',
    channel: (field, title) => ({ field, type: 'nominal', title, scale: { domain: values, range } }),
  };
}

/** `rgb(r, g, b)` (as vega's interpolators give) → `#rrggbb`. */
function hex(colour: string): string {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour);
  if (!m) return colour;
  return `#${[m[1], m[2], m[3]].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * `#rrggbb` moved towards black by `t` ∈ [0, 1]: the same hue a shade darker, for lines that share a parameter's
 * colour (two runs of one σ and different ‖θ*‖) and must still be told apart.
 */
export function darker(colour: string, t: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!m) return colour;
  return `#${[m[1], m[2], m[3]]
    .map((c) =>
      Math.round(parseInt(c, 16) * (1 - t))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
