/**
 * Which parameters of a set of runs vary, which of them are numeric, and how their values are spaced: what the phase
 * diagrams, refinement and the fits all need to choose their axes. Works on anything with `params` (planned runs and
 * summary rows alike). Pure.
 */
import { PARAM_KEYS, PARAM_SPECS } from '../core/params.js';
import type { RunParams } from '../core/types.js';
import type { ParamKey } from './values.js';

type WithParams = { readonly params: RunParams };

export function isNumericParam(key: string): key is ParamKey {
  // an own key only: a user's `__proto__` or `constructor` would otherwise find Object.prototype's
  if (!Object.hasOwn(PARAM_SPECS, key)) return false;
  const kind = PARAM_SPECS[key as ParamKey].kind.kind;
  return kind === 'int' || kind === 'float';
}

/** Parameters taking more than one value across the rows, in PARAM_KEYS order. */
export function varyingParams(rows: readonly WithParams[]): ParamKey[] {
  return PARAM_KEYS.filter((key) => new Set(rows.map((r) => JSON.stringify(r.params[key]))).size > 1);
}

/**
 * True when `key`'s value is a function of the `given` parameters across the rows (as `lr` is of `alpha` and `width`
 * under an lr_rule): such a parameter adds no cells and would only repeat another axis.
 */
export function determinedBy(rows: readonly WithParams[], key: ParamKey, given: readonly ParamKey[]): boolean {
  const seen = new Map<string, string>();
  for (const r of rows) {
    const k = JSON.stringify(given.map((g) => r.params[g]));
    const v = JSON.stringify(r.params[key]);
    const prev = seen.get(k);
    if (prev !== undefined && prev !== v) return false;
    seen.set(k, v);
  }
  return true;
}

/** The order in which axes are picked: the paper's control parameters first. */
const AXIS_PREFERENCE: readonly ParamKey[] = ['sigma', 'rho', 'alpha', 'width', 'lr', 'n', 'd', 'batch', 'noise_period'];

/**
 * Axes for the phase diagrams (and refinement's default): x, y and an optional facet among the varying numeric
 * parameters, skipping any determined by those already chosen. Null when fewer than two independent numeric
 * parameters vary.
 */
export function chooseAxes(rows: readonly WithParams[]): { x: ParamKey; y: ParamKey; facet: ParamKey | null } | null {
  const varying = varyingParams(rows).filter(isNumericParam);
  const ordered = [...AXIS_PREFERENCE.filter((k) => varying.includes(k)), ...varying.filter((k) => !AXIS_PREFERENCE.includes(k))];
  const chosen: ParamKey[] = [];
  for (const key of ordered) {
    if (chosen.length === 3) break;
    if (chosen.length > 0 && determinedBy(rows, key, chosen)) continue;
    chosen.push(key);
  }
  if (chosen.length < 2) return null;
  return { x: chosen[0], y: chosen[1], facet: chosen[2] ?? null };
}

export type AxisKind = 'log' | 'linear' | 'band';

/**
 * How an axis's values are spaced, from its distinct values: `log` when they are positive and geometrically spaced
 * (constant ratio, ≥ 3 values), `linear` when evenly spaced (≥ 3 values), else `band` (even columns in value order:
 * two values, or an irregular list such as σ ∈ {0, 0.5, 1, 2, 4, 8}).
 */
export function axisKind(values: readonly number[]): AxisKind {
  const v = [...new Set(values)].sort((a, b) => a - b);
  if (v.length < 3) return 'band';
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
  if (v[0] > 0 && v.every((x, i) => i < 2 || close(x / v[i - 1], v[1] / v[0]))) return 'log';
  if (v.every((x, i) => i < 2 || close(x - v[i - 1], v[1] - v[0]))) return 'linear';
  return 'band';
}
