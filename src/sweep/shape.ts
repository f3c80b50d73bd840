/**
 * Shape checks for a sweep file's values: numbers, integers, one-of choices, lists, fixed-length ranges and mappings
 * with a closed set of keys, each reporting problems as every validation message does ("must be ≥ 0 (got -1)",
 * "is required", "unknown key"). Written out here instead of taken from a schema library because the sweep layer
 * sits on the path of `lnsweep plan` and of every refused sweep file: a schema library took longer to load than all the
 * rest of that path together (scripts/startup-times.mjs measures it), and these few checks are all a sweep file needs.
 *
 * A check never stops at the first problem of a container: every element and key is checked, so that one pass
 * reports everything wrong with a file.
 */
import type { SweepProblem } from './errors.js';

/** Appends to `problems` what is wrong with `value` at `path` (nothing when it is valid). */
export type Check = (value: unknown, path: string, problems: SweepProblem[]) => void;

/** How a value looks in a message: numbers and strings as written, containers by kind. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    // a message quotes a value, never pages of it
    const shown = value.length > 80 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
    return `the string ${shown}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value; // nothing a YAML file gives
}

/** `grid` + ['sigma', 2] → `grid.sigma[2]`. */
export function joinPath(base: string, segments: readonly PropertyKey[]): string {
  let out = base;
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${String(s)}` : String(s);
  return out;
}

export const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** "is required" for a missing value, else "must be <what> (got …)". */
function wrongType(what: string, value: unknown, path: string, problems: SweepProblem[]): void {
  problems.push({ path, reason: value === undefined ? 'is required' : `must be ${what} (got ${describe(value)})` });
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A finite number, ≥ min or > gt when given (NaN and ±Infinity are not numbers here). */
export function number(bounds: { min?: number; gt?: number } = {}): Check {
  return (v, path, problems) => {
    if (!isFiniteNumber(v)) return wrongType('a number', v, path, problems);
    if (bounds.min !== undefined && v < bounds.min) problems.push({ path, reason: `must be ≥ ${bounds.min} (got ${v})` });
    if (bounds.gt !== undefined && !(v > bounds.gt)) problems.push({ path, reason: `must be > ${bounds.gt} (got ${v})` });
  };
}

/** A whole number within ±(2^53 − 1), where every integer is exact, and within [min, max] when given. */
export function int(bounds: { min?: number; max?: number } = {}): Check {
  return (v, path, problems) => {
    if (!isFiniteNumber(v)) return wrongType('a number', v, path, problems);
    if (!Number.isInteger(v)) return void problems.push({ path, reason: `must be an integer (got ${v})` });
    if (v > Number.MAX_SAFE_INTEGER) problems.push({ path, reason: `must be ≤ ${Number.MAX_SAFE_INTEGER} (got ${v})` });
    if (v < -Number.MAX_SAFE_INTEGER) problems.push({ path, reason: `must be ≥ ${-Number.MAX_SAFE_INTEGER} (got ${v})` });
    if (bounds.min !== undefined && v < bounds.min) problems.push({ path, reason: `must be ≥ ${bounds.min} (got ${v})` });
    if (bounds.max !== undefined && v > bounds.max) problems.push({ path, reason: `must be ≤ ${bounds.max} (got ${v})` });
  };
}

/** One of a few strings. */
export function oneOf(values: readonly string[]): Check {
  return (v, path, problems) => {
    if (typeof v === 'string' && values.includes(v)) return;
    problems.push({ path, reason: `must be one of ${values.map((s) => `'${s}'`).join(', ')} (got ${describe(v)})` });
  };
}

export const string: Check = (v, path, problems) => {
  if (typeof v !== 'string') wrongType('a string', v, path, problems);
};

/** A string of at most `max` characters. */
export function text(max: number): Check {
  return (v, path, problems) => {
    if (typeof v !== 'string') return wrongType('a string', v, path, problems);
    if (v.length > max) problems.push({ path, reason: `must be at most ${max} characters (got ${v.length})` });
  };
}

export const boolean: Check = (v, path, problems) => {
  if (typeof v !== 'boolean') wrongType('true or false', v, path, problems);
};

/** Any mapping; its keys and values are checked elsewhere. */
export const mapping: Check = (v, path, problems) => {
  if (!isMapping(v)) wrongType('a mapping', v, path, problems);
};

/** Present, whatever it is (its value is checked elsewhere). */
export const present: Check = (v, path, problems) => {
  if (v === undefined) problems.push({ path, reason: 'is required' });
};

/** A list whose items each pass `item`; a list longer than `max` is refused without looking at its items. */
export function list(item: Check, length: { min?: number; max?: number } = {}): Check {
  return (v, path, problems) => {
    if (!Array.isArray(v)) return wrongType('a list', v, path, problems);
    if (length.max !== undefined && v.length > length.max) {
      return void problems.push({ path, reason: `must have at most ${length.max} item(s) (got ${v.length})` });
    }
    v.forEach((x, i) => item(x, `${path}[${i}]`, problems));
    if (length.min !== undefined && v.length < length.min) {
      problems.push({ path, reason: `must have at least ${length.min} item(s) (got ${v.length})` });
    }
  };
}

/** A list of exactly `items.length` values, the i-th passing items[i]. */
export function tuple(items: readonly Check[]): Check {
  return (v, path, problems) => {
    if (!Array.isArray(v)) return wrongType('a list', v, path, problems);
    const n = items.length;
    if (v.length < n) return void problems.push({ path, reason: `must have at least ${n} item(s) (got ${v.length})` });
    if (v.length > n) problems.push({ path, reason: `must have at most ${n} item(s) (got ${v.length})` });
    items.forEach((check, i) => check(v[i], `${path}[${i}]`, problems));
  };
}

/**
 * A mapping with only the keys of `fields`, each checked in the order given (a key in `optional` may be left out).
 * Keys not in `fields` come last, each reported as `unknownKey(key)` says (default "unknown key").
 */
export function keys(
  fields: Readonly<Record<string, Check>>,
  options: { optional?: readonly string[]; unknownKey?: (key: string) => string } = {},
): Check {
  return (v, path, problems) => {
    if (!isMapping(v)) return wrongType('a mapping', v, path, problems);
    for (const [key, check] of Object.entries(fields)) {
      if (v[key] === undefined && options.optional?.includes(key)) continue;
      check(v[key], joinPath(path, [key]), problems);
    }
    for (const key of Object.keys(v)) {
      if (!Object.hasOwn(fields, key)) problems.push({ path: joinPath(path, [key]), reason: options.unknownKey?.(key) ?? 'unknown key' });
    }
  };
}
