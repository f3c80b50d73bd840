/**
 * Checking single values against the parameter table, and the small vocabulary of a sweep file's lists: plain lists
 * and `{ linspace | logspace | range: [...] }` ranges. The checks are generated from PARAM_SPECS (core/params.ts), the
 * one table of kinds, ranges and defaults; nothing here restates a bound.
 */
import { PARAM_KEYS, PARAM_SPECS, type ParamKind } from '../core/params.js';
import type { RunParams } from '../core/types.js';
import type { SweepProblem } from './errors.js';
import { describe, int, joinPath, list, number, oneOf, tuple, type Check } from './shape.js';

export type ParamKey = keyof RunParams;
export type ParamValue = RunParams[ParamKey];

/** No single list may hold more values than this (nor a whole sweep more runs, see plan.ts): a typo in `num` should not eat the RAM. */
const MAX_VALUES = 1_000_000;

/** Computed floats (linspace, logspace, lr_rule) are rounded to 12 significant digits so ids agree across platforms. */
export function round12(x: number): number {
  return Number(x.toPrecision(12));
}

function kindCheck(kind: ParamKind): Check {
  switch (kind.kind) {
    case 'int':
      return int({ min: kind.min, max: kind.max });
    case 'float':
      return kind.exclusiveMin ? number({ gt: kind.min }) : number({ min: kind.min });
    case 'enum':
      return oneOf(kind.values);
    case 'int_list':
      return list(int({ min: kind.min }));
  }
}

const PARAM_CHECKS = Object.fromEntries(PARAM_KEYS.map((k) => [k, kindCheck(PARAM_SPECS[k].kind)])) as Record<ParamKey, Check>;

export function isParamKey(key: string): key is ParamKey {
  return Object.hasOwn(PARAM_SPECS, key);
}

/** Checks one parameter value; a valid value comes back in canonical form (snapshot_steps sorted, duplicates dropped). */
export function checkParam(key: ParamKey, value: unknown, path: string): { ok: true; value: ParamValue } | { ok: false; problems: SweepProblem[] } {
  const problems: SweepProblem[] = [];
  PARAM_CHECKS[key](value, path, problems);
  if (problems.length > 0) return { ok: false, problems };
  if (PARAM_SPECS[key].kind.kind === 'int_list') {
    const steps = [...new Set(value as number[])].sort((a, b) => a - b);
    return { ok: true, value: steps };
  }
  return { ok: true, value: value as ParamValue };
}

// ---- messages -----------------------------------------------------------------------------------------------------

/** The closest candidate within a small edit distance (transpositions count 1), for "did you mean 'width'?". */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDist = limit + 1;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDist) [best, bestDist] = [c, dist];
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). O(|a|·|b|), tiny strings only. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const dp = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) dp[i * cols] = i;
  for (let j = 0; j < cols; j++) dp[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(dp[(i - 1) * cols + j] + 1, dp[i * cols + j - 1] + 1, dp[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, dp[(i - 2) * cols + j - 2] + 1);
      dp[i * cols + j] = v;
    }
  }
  return dp[rows * cols - 1];
}

/** "unknown parameter (did you mean 'width'?)" */
export function unknownKeyReason(what: string, key: string, candidates: readonly string[], hint = ''): string {
  const guess = didYouMean(key, candidates);
  return `unknown ${what}${guess ? ` (did you mean '${guess}'?)` : ''}${hint}`;
}

// ---- lists and ranges ----------------------------------------------------------------------------------------------

const count = int({ min: 1, max: MAX_VALUES });
const RANGE_CHECKS = {
  /** num values evenly spaced from start to stop, both included */
  linspace: tuple([number(), number(), count]),
  /** num values geometrically spaced from start to stop, both included */
  logspace: tuple([number({ gt: 0 }), number({ gt: 0 }), count]),
  /** integers start, start+step, … up to stop included */
  range: tuple([int(), int(), int({ min: 1 })]),
} as const;
type RangeKind = keyof typeof RANGE_CHECKS;

const LIST_SYNTAX =
  'a list of values, or a range: { linspace: [start, stop, num] }, { logspace: [start, stop, num] } or { range: [start, stop, step] }';

/**
 * A list as written, or a range materialised into its values. Examples:
 *   { logspace: [0.1, 10, 5] } → [0.1, 0.316227766017, 1, 3.16227766017, 10]
 *   { linspace: [0, 1, 3] }    → [0, 0.5, 1]
 *   { range: [100, 1000, 300] } → [100, 400, 700, 1000]
 */
export function materialiseList(raw: unknown, path: string): { ok: true; values: unknown[] } | { ok: false; problems: SweepProblem[] } {
  const fail = (reason: string, at = path) => ({ ok: false as const, problems: [{ path: at, reason }] });
  if (Array.isArray(raw)) {
    if (raw.length === 0) return fail('empty list: give at least one value');
    if (raw.length > MAX_VALUES) return fail(`more than ${MAX_VALUES} values`);
    return { ok: true, values: raw };
  }
  if (raw === null || typeof raw !== 'object') return fail(`must be ${LIST_SYNTAX} (got ${describe(raw)})`);
  const keys = Object.keys(raw);
  const kind = keys[0];
  if (keys.length !== 1 || !Object.hasOwn(RANGE_CHECKS, kind)) {
    const bad = keys.find((k) => !Object.hasOwn(RANGE_CHECKS, k));
    if (keys.length === 1 && bad !== undefined) {
      return fail(unknownKeyReason('range kind', bad, Object.keys(RANGE_CHECKS), `; ${LIST_SYNTAX}`), joinPath(path, [bad]));
    }
    return fail(`must be ${LIST_SYNTAX} (got a mapping with keys ${keys.map((k) => `'${k}'`).join(', ') || 'none'})`);
  }
  const rangeKind = kind as RangeKind;
  const args = (raw as Record<string, unknown>)[rangeKind];
  const problems: SweepProblem[] = [];
  RANGE_CHECKS[rangeKind](args, joinPath(path, [rangeKind]), problems);
  if (problems.length > 0) return { ok: false, problems };
  const [start, stop, third] = args as [number, number, number];
  if (rangeKind === 'range') {
    if (stop < start) return fail(`stop must be ≥ start (got start ${start}, stop ${stop})`, joinPath(path, [rangeKind]));
    const n = Math.floor((stop - start) / third) + 1;
    if (n > MAX_VALUES) return fail(`more than ${MAX_VALUES} values`, joinPath(path, [rangeKind]));
    return { ok: true, values: Array.from({ length: n }, (_, i) => start + i * third) };
  }
  return { ok: true, values: spaced(rangeKind, start, stop, third) };
}

function spaced(kind: 'linspace' | 'logspace', start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const out = new Array<number>(num);
  const [a, b] = kind === 'logspace' ? [Math.log(start), Math.log(stop)] : [start, stop];
  for (let i = 0; i < num; i++) {
    const t = a + ((b - a) * i) / (num - 1);
    out[i] = round12(kind === 'logspace' ? Math.exp(t) : t);
  }
  out[0] = start; // the ends exactly as written
  out[num - 1] = stop;
  return out;
}
