/**
 * Tick values and their labels, for axes and colour bars alike: round values (1-2-5 or decades on a log scale, d3's
 * nice steps on a linear one), each label at most 4 significant digits, with 100k / 2.5M forms for large numbers and
 * ×10ⁿ for small ones. vega-lite gets them as explicit `values` plus a `labelExpr`, so vega's own formats (which
 * print a log scale's grid values as 0.840896415254) are never used.
 */
import { ticks as d3Ticks } from 'd3-array';
import { textWidth } from './fonts.js';

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};
const superscript = (n: number): string => [...String(n)].map((c) => SUPERSCRIPT[c]).join('');

/** `v` rounded to `digits` significant digits, as the shortest decimal string (no exponent). */
const significant = (v: number, digits: number): string => String(Number(v.toPrecision(digits)));

/**
 * A tick label: at most 4 significant digits. 0.5, 1, 2.378; 12.5k, 600k, 2.5M, 3G from 10⁴ up; 5×10⁻⁴ below 10⁻³.
 * Negative values take a real minus sign.
 */
export function tickLabel(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '–' : v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  if (v < 0) return `−${tickLabel(-v)}`;
  const r = Number(v.toPrecision(4));
  if (r >= 1e4) {
    for (const [unit, size] of [
      ['G', 1e9],
      ['M', 1e6],
      ['k', 1e3],
    ] as const) {
      if (r >= size && r < size * 1e4) return `${significant(r / size, 4)}${unit}`;
    }
    return exponentLabel(r);
  }
  if (r >= 1e-3) return significant(r, 4);
  return exponentLabel(r);
}

function exponentLabel(v: number): string {
  const [m, e] = v.toExponential(3).split('e');
  const mantissa = String(Number(m));
  const power = `10${superscript(Number(e))}`;
  return mantissa === '1' ? power : `${mantissa}×${power}`;
}

export type TickScale = 'log' | 'linear' | 'symlog';

/**
 * Round tick values inside [lo, hi]. Log: the decades when the range spans three or more (every other one past
 * eight), else 1-2-5 steps, else 1…9 steps. Linear: d3's nice steps (about `count`). Symlog: 0 and decades, mirrored
 * for negative values.
 */
export function niceTicks(lo: number, hi: number, scale: TickScale, count = 5): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  if (scale === 'linear') return d3Ticks(lo, hi, count);
  if (scale === 'symlog') {
    const top = Math.max(Math.abs(lo), Math.abs(hi));
    const decades = logTicks(top / 1e4, top).filter((t) => Number.isInteger(Math.log10(t)) || t === top);
    const both = [...decades.filter((t) => -t >= lo).map((t) => -t), ...(lo <= 0 && hi >= 0 ? [0] : []), ...decades.filter((t) => t <= hi)];
    return [...new Set(both)].sort((a, b) => a - b);
  }
  return logTicks(lo, hi);
}

function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0)) return [];
  const eps = 1e-9;
  const within = (t: number) => t >= lo * (1 - eps) && t <= hi * (1 + eps);
  const steps = (mults: number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mults) {
        const t = Number((m * 10 ** e).toPrecision(12));
        if (within(t)) out.push(t);
      }
    }
    return out;
  };
  const decades = steps([1]);
  if (decades.length > 8) return decades.filter((_, i) => i % 2 === (decades.length % 2 === 0 ? 1 : 0));
  if (decades.length >= 3) return decades;
  const fives = steps([1, 2, 5]);
  if (fives.length >= 3) return fives;
  const all = steps([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  return all.length >= 2 ? all : niceTicks(lo, hi, 'linear', 3);
}

/**
 * A vega expression giving each tick its label: the label of the nearest listed value (a lookup by midpoints, so
 * floating-point noise in `datum.value` cannot miss).
 */
function labelExpr(values: readonly number[]): string {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return "''";
  let expr = JSON.stringify(tickLabel(v[v.length - 1]));
  for (let i = v.length - 2; i >= 0; i--) expr = `datum.value <= ${(v[i] + v[i + 1]) / 2} ? ${JSON.stringify(tickLabel(v[i]))} : ${expr}`;
  return expr;
}

/** The room an axis gives its labels: its length in px over its domain and scale, and whether they stand side by side. */
export interface TickRoom {
  length: number;
  domain: readonly [number, number];
  scale: 'log' | 'linear';
  /** an x axis: labels side by side (else stacked, one line each) */
  horizontal: boolean;
  fontSize?: number;
}

const isDecade = (v: number): boolean => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

/**
 * The ticks whose labels fit `room` without touching: all of them when they fit, else the decades alone (a log axis's
 * 1-2-5 steps), else every second, third… value.
 */
function fitTicks(values: readonly number[], room: TickRoom): number[] {
  const size = room.fontSize ?? 11;
  const f = room.scale === 'log' ? Math.log : (t: number) => t;
  const [lo, hi] = room.domain.map(f);
  const at = (t: number) => ((f(t) - lo) / (hi - lo)) * room.length;
  const need = (a: number, b: number) => (room.horizontal ? (textWidth(tickLabel(a), size) + textWidth(tickLabel(b), size)) / 2 + 6 : size + 2);
  const fits = (v: readonly number[]) => v.every((t, i) => i === 0 || Math.abs(at(t) - at(v[i - 1])) >= need(t, v[i - 1]));
  if (fits(values)) return [...values];
  const decades = room.scale === 'log' ? values.filter(isDecade) : [];
  if (decades.length >= 2 && fits(decades)) return decades;
  for (let k = 2; k < values.length; k++) {
    const thinned = values.filter((_, i) => i % k === 0);
    if (fits(thinned)) return thinned;
  }
  return values.slice(0, 1);
}

/**
 * An axis or legend showing `values`, labelled by tickLabel; a value whose label repeats its neighbour's (a range too
 * narrow for 4 digits to tell apart, 9750.2 and 9750.4) is left out, and with `room` those that would not fit.
 */
export function tickProps(values: readonly number[], room?: TickRoom): { values: number[]; labelExpr: string } {
  const distinct = [...values].sort((a, b) => a - b).filter((v, i, all) => i === 0 || tickLabel(v) !== tickLabel(all[i - 1]));
  const kept = room ? fitTicks(distinct, room) : distinct;
  return { values: kept, labelExpr: labelExpr(kept) };
}
