/**
 * Reading a sweep file into a `SweepSpec`: YAML → shape (shape.ts) → every parameter value checked against PARAM_SPECS,
 * ranges materialised, keys given twice and `lr` beside `lr_rule` rejected. All problems are collected and thrown
 * together as one SweepSpecError. Checks that need a resolved run (batch ≤ n, stability, …) live in checks.ts and are
 * applied by plan.ts while expanding; `loadSweep` in plan.ts runs both, so a spec it returns expands without error.
 *
 * The file (docs/formats.md#sweep-files; every key but name and seed optional):
 *
 *     name: paper-fig2             # [A-Za-z0-9._-]+, names the output folder
 *     seed: 7                      # integer ≥ 0
 *     description: "…"
 *     base: { n: 200, width: 1000 } # shared by every run; defaults (core/params.ts) fill the rest
 *     grid:                         # cross product; each value a list or a range
 *       sigma: [0, 2, 4]
 *       alpha: { logspace: [0.1, 10, 5] }
 *     zip:                          # groups of equal-length lists that vary together
 *       - { width: [100, 1000], log_every: [10, 100] }
 *     replicates: 2                 # ≥ 1, default 1
 *     lr_rule: { eta_alpha2_width: 1.0 }   # lr = value / (alpha²·width); a list or range makes it an axis
 *     steps_rule: { noise_time: 10, max_steps: 600000, log_rows: 300 }   # steps = ⌈T·B/(η²σ̄²)⌉ ≤ max_steps
 *     allow_unstable: false
 *     refine: { metric: collapsed, rounds: 4, budget: 200 }   # `lnsweep run` then refines (README "Refining …")
 */
import { PARAM_KEYS, PARAM_SPECS } from '../core/params.js';
import type { RunParams } from '../core/types.js';
import { SweepSpecError, type SweepProblem } from './errors.js';
import { isBinaryRefineMetric, REFINE_METRICS, type RefineRequest } from './refine/request.js';
import { boolean, describe, int, isMapping, keys, list, mapping, number, present, string, text, type Check } from './shape.js';
import { checkParam, isParamKey, materialiseList, unknownKeyReason, type ParamKey, type ParamValue } from './values.js';
import { loadYamlParser } from './yaml-parser.js';

/** Per parameter, the values it takes, ranges already materialised. */
export type ParamLists = Partial<Record<ParamKey, ParamValue[]>>;

/** A validated sweep file. Plain data; `expandSweep` (plan.ts) turns it into runs. */
export interface SweepSpec {
  /** the file as the user named it (messages and plan.json) */
  source: string;
  name: string;
  seed: number;
  description?: string;
  base: Partial<RunParams>;
  grid: ParamLists;
  /** each group's lists have one common length */
  zip: ParamLists[];
  replicates: number;
  /** lr = value / (alpha²·width) for every run, one value per entry (several make an axis) */
  lrRule?: { eta_alpha2_width: number[] };
  /** steps = ⌈noise_time·batch/(η²σ̄²)⌉, at most max_steps (max_steps when σ̄² = 0); log_every = ⌈steps/log_rows⌉ if given */
  stepsRule?: StepsRule;
  allowUnstable: boolean;
  /** refine the grid's results after running it (`lnsweep refine`) */
  refine?: RefineRequest;
}

export interface StepsRule {
  noise_time: number;
  max_steps: number;
  log_rows?: number;
}

/** `description` is free text about the sweep, copied into plan.json: a page or two, not a data file. */
const MAX_DESCRIPTION_CHARS = 10_000;

const TOP_KEYS = ['name', 'seed', 'description', 'base', 'grid', 'zip', 'replicates', 'lr_rule', 'steps_rule', 'allow_unstable', 'refine'];
const STEPS_RULE_KEYS = ['noise_time', 'max_steps', 'log_rows'];

/** The name of the output folder: letters, digits, '.', '_' and '-', and not only dots. */
const folderName: Check = (v, path, problems) => {
  if (typeof v !== 'string') return string(v, path, problems);
  const why = !/^[A-Za-z0-9._-]+$/.test(v)
    ? "must use only letters, digits, '.', '_' and '-'"
    : /^\.+$/.test(v)
      ? 'must not be only dots'
      : undefined;
  if (why) problems.push({ path, reason: `${why}, as it names the output folder (got ${describe(v)})` });
};

const TOP = keys(
  {
    name: folderName,
    seed: int({ min: 0 }),
    description: text(MAX_DESCRIPTION_CHARS),
    base: mapping,
    grid: mapping,
    zip: list(mapping),
    replicates: int({ min: 1, max: 100_000 }),
    lr_rule: keys(
      { eta_alpha2_width: present },
      { unknownKey: (k) => unknownKeyReason('key', k, ['eta_alpha2_width'], '; the rule is lr = eta_alpha2_width / (alpha²·width)') },
    ),
    steps_rule: keys(
      { noise_time: present, max_steps: present, log_rows: present },
      {
        optional: ['log_rows'],
        unknownKey: (k) => unknownKeyReason('key', k, STEPS_RULE_KEYS, '; the rule is steps = ⌈noise_time·batch/(lr²·σ̄²)⌉ ≤ max_steps'),
      },
    ),
    allow_unstable: boolean,
    refine: keys(
      {
        metric: string,
        level: number(),
        rounds: int({ min: 1, max: 100 }),
        budget: int({ min: 1 }),
        axes: list(string, { min: 1, max: 2 }),
        replicates: int({ min: 1, max: 100 }),
      },
      { optional: ['level', 'rounds', 'budget', 'axes', 'replicates'] },
    ),
  },
  {
    optional: ['description', 'base', 'grid', 'zip', 'replicates', 'lr_rule', 'steps_rule', 'allow_unstable', 'refine'],
    unknownKey: (k) => unknownKeyReason('key', k, TOP_KEYS, isParamKey(k) ? '; parameters go under base, grid or zip' : ''),
  },
);

/** Parses and checks a sweep file's text (shape and single values only; see the module comment). */
export function parseSweepShape(text: string, source: string): SweepSpec {
  const raw = parseYaml(text, source);
  const problems: SweepProblem[] = [];

  TOP(raw, '', problems);
  const topOk = problems.length === 0;

  // Parameter sections are checked even when the top level has problems elsewhere, so that one pass reports all.
  const where = new Map<ParamKey, string>(); // parameter → the section that gave it first
  const claim = (key: ParamKey, section: string): boolean => {
    const first = where.get(key);
    if (first === undefined) {
      where.set(key, section);
      return true;
    }
    problems.push({
      path: `${section}.${key}`,
      reason: `also given in ${first}; a parameter may appear in only one of base, grid and zip`,
    });
    return false;
  };
  const knownKey = (key: string, path: string): key is ParamKey => {
    if (isParamKey(key)) return true;
    problems.push({ path, reason: unknownKeyReason('parameter', key, PARAM_KEYS) });
    return false;
  };

  const base: Partial<RunParams> = {};
  if (isMapping(raw.base)) {
    for (const [key, value] of Object.entries(raw.base)) {
      if (!knownKey(key, `base.${key}`) || !claim(key, 'base')) continue;
      const r = checkParam(key, value, `base.${key}`);
      if (r.ok) (base as Record<string, unknown>)[key] = r.value;
      else problems.push(...r.problems);
    }
  }

  /** A section's lists (grid or one zip group), each value checked. */
  const lists = (section: string, rawLists: Record<string, unknown>): ParamLists => {
    const out: ParamLists = {};
    for (const [key, value] of Object.entries(rawLists)) {
      const path = `${section}.${key}`;
      if (!knownKey(key, path) || !claim(key, section)) continue;
      const m = materialiseList(value, path);
      if (!m.ok) {
        problems.push(...m.problems);
        continue;
      }
      const values: ParamValue[] = [];
      m.values.forEach((v, i) => {
        const r = checkParam(key, v, `${path}[${i}]`);
        if (r.ok) values.push(r.value);
        else problems.push(...r.problems);
      });
      if (values.length === m.values.length) out[key] = values;
    }
    return out;
  };

  const grid = isMapping(raw.grid) ? lists('grid', raw.grid) : {};

  const zip: ParamLists[] = [];
  if (Array.isArray(raw.zip)) {
    raw.zip.forEach((group, g) => {
      if (!isMapping(group)) return; // reported by TOP
      if (Object.keys(group).length === 0) {
        problems.push({ path: `zip[${g}]`, reason: 'empty group: give at least one parameter list' });
        return;
      }
      const before = problems.length;
      const checked = lists(`zip[${g}]`, group);
      const lengths = Object.entries(checked).map(([k, v]) => `${k} has ${v.length}`);
      if (new Set(Object.values(checked).map((v) => v.length)).size > 1) {
        problems.push({ path: `zip[${g}]`, reason: `lists must have the same length (${lengths.join(', ')})` });
      }
      if (problems.length === before) zip.push(checked);
    });
  }

  let lrRule: SweepSpec['lrRule'];
  if (isMapping(raw.lr_rule)) {
    const path = 'lr_rule.eta_alpha2_width';
    const value = raw.lr_rule.eta_alpha2_width;
    if (value === undefined) {
      problems.push({ path, reason: 'is required (lr = eta_alpha2_width / (alpha²·width))' });
    } else {
      const scalar = typeof value === 'number';
      const m = scalar ? { ok: true as const, values: [value] } : materialiseList(value, path);
      if (!m.ok) problems.push(...m.problems);
      else {
        const values: number[] = [];
        m.values.forEach((v, i) => {
          const at = scalar ? path : `${path}[${i}]`;
          if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path: at, reason: `must be a number (got ${describe(v)})` });
          else if (v <= 0) problems.push({ path: at, reason: `must be > 0 (got ${v})` });
          else values.push(v);
        });
        lrRule = { eta_alpha2_width: values };
      }
    }
    const lrAt = where.get('lr');
    if (lrAt !== undefined) {
      problems.push({
        path: `${lrAt}.lr`,
        reason: 'lr is also set by lr_rule (lr = eta_alpha2_width / (alpha²·width) for every run); give one or the other',
      });
    }
  }

  const refine = topOk && isMapping(raw.refine) ? refineRequest(raw.refine) : undefined;
  if (refine) problems.push(...refineProblems(refine, grid, zip, lrRule !== undefined));
  const stepsRule = isMapping(raw.steps_rule) ? parseStepsRule(raw.steps_rule, where, problems) : undefined;

  if (problems.length > 0) throw new SweepSpecError(source, problems);
  // TOP passed, so every top-level value has the type it names.
  return {
    source,
    name: raw.name as string,
    seed: raw.seed as number,
    ...(raw.description !== undefined ? { description: raw.description as string } : {}),
    base,
    grid,
    zip,
    replicates: (raw.replicates as number | undefined) ?? 1,
    ...(lrRule ? { lrRule } : {}),
    ...(stepsRule ? { stepsRule } : {}),
    allowUnstable: (raw.allow_unstable as boolean | undefined) ?? false,
    ...(refine ? { refine } : {}),
  };
}

/** A `refine:` mapping that passed TOP, with its keys in one order (plan.json shows it as written here). */
function refineRequest(r: Record<string, unknown>): RefineRequest {
  const out: Record<string, unknown> = { metric: r.metric };
  for (const key of ['level', 'rounds', 'budget', 'axes', 'replicates']) if (r[key] !== undefined) out[key] = r[key];
  return out as unknown as RefineRequest;
}

/** The `refine:` request against the sweep: a known metric, a level it can have, axes that vary and are numeric. */
function refineProblems(r: RefineRequest, grid: ParamLists, zip: ParamLists[], lrRule: boolean): SweepProblem[] {
  const problems: SweepProblem[] = [];
  if (!REFINE_METRICS.includes(r.metric)) {
    problems.push({ path: 'refine.metric', reason: `unknown metric '${r.metric}'; valid: ${REFINE_METRICS.join(', ')}` });
  } else if (isBinaryRefineMetric(r.metric)) {
    if (r.level !== undefined && !(r.level > 0 && r.level < 1)) {
      problems.push({
        path: 'refine.level',
        reason: `${r.metric} is 0 or 1 per run: the level must lie strictly between (got ${r.level}; default 0.5)`,
      });
    }
  } else if (r.level === undefined) {
    problems.push({ path: 'refine.level', reason: `is required for ${r.metric} (the value whose crossing is the boundary)` });
  }
  const varying = new Set<string>([
    ...Object.entries(grid)
      .filter(([, v]) => v.length > 1)
      .map(([k]) => k),
    ...zip.flatMap((g) =>
      Object.entries(g)
        .filter(([, v]) => v.length > 1)
        .map(([k]) => k),
    ),
    ...(lrRule ? ['lr'] : []),
  ]);
  (r.axes ?? []).forEach((key, i) => {
    const path = `refine.axes[${i}]`;
    if (!isParamKey(key)) problems.push({ path, reason: unknownKeyReason('parameter', key, PARAM_KEYS) });
    else if (!['int', 'float'].includes(PARAM_SPECS[key].kind.kind)) problems.push({ path, reason: `${key} is not numeric: an axis needs numbers` });
    else if (!varying.has(key)) problems.push({ path, reason: `${key} does not vary in grid or zip: an axis must take several values` });
  });
  if (r.axes?.length === 2 && r.axes[0] === r.axes[1]) problems.push({ path: 'refine.axes', reason: `names ${r.axes[0]} twice` });
  return problems;
}

/**
 * steps_rule's values (unknown keys are TOP's to report), and the parameters it sets refused elsewhere: steps
 * always, log_every when log_rows is given. `where` says which section gave each parameter.
 */
function parseStepsRule(raw: Record<string, unknown>, where: ReadonlyMap<ParamKey, string>, problems: SweepProblem[]): StepsRule | undefined {
  const before = problems.length;
  const number = (key: string, integer: boolean, required: boolean): number | undefined => {
    const value = raw[key];
    const path = `steps_rule.${key}`;
    if (value === undefined) {
      if (required) problems.push({ path, reason: 'is required (steps = ⌈noise_time·batch/(lr²·σ̄²)⌉, at most max_steps)' });
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ path, reason: `must be a number (got ${describe(value)})` });
    } else if (integer && !Number.isSafeInteger(value)) {
      problems.push({ path, reason: `must be a whole number (got ${value})` });
    } else if (integer ? value < 1 : value <= 0) {
      problems.push({ path, reason: `must be ${integer ? '≥ 1' : '> 0'} (got ${value})` });
    } else return value;
    return undefined;
  };
  const noiseTime = number('noise_time', false, true);
  const maxSteps = number('max_steps', true, true);
  const logRows = number('log_rows', true, false);
  const stepsAt = where.get('steps');
  if (stepsAt !== undefined) {
    problems.push({
      path: `${stepsAt}.steps`,
      reason: 'steps is also set by steps_rule (steps = ⌈noise_time·batch/(lr²·σ̄²)⌉ for every run); give one or the other',
    });
  }
  const logAt = where.get('log_every');
  if (logAt !== undefined && raw.log_rows !== undefined) {
    problems.push({
      path: `${logAt}.log_every`,
      reason: 'log_every is also set by steps_rule.log_rows (log_every = ⌈steps/log_rows⌉); give one or the other',
    });
  }
  if (problems.length > before || noiseTime === undefined || maxSteps === undefined) return undefined;
  return { noise_time: noiseTime, max_steps: maxSteps, ...(logRows !== undefined ? { log_rows: logRows } : {}) };
}

/**
 * The YAML parser, loaded when the first sweep file is read (yaml-parser.ts): the sweep layer is imported by
 * commands that never read one (status, merge, worker) and by the pool's threads, and yaml is most of its load time.
 */
let yaml: typeof import('yaml') | undefined;
const loadYaml = (): typeof import('yaml') => (yaml ??= loadYamlParser());

/** YAML text → a plain mapping, or a SweepSpecError naming the line and column. */
function parseYaml(text: string, source: string): Record<string, unknown> {
  const doc = loadYaml().parseDocument(text);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, col ${e.linePos[0].col}` : '',
      // yaml appends " at line L, column C:" and a code frame; the position is already in the path
      reason: `malformed YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    }));
    throw new SweepSpecError(source, problems, { cause: doc.errors[0] });
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new SweepSpecError(source, [{ path: '', reason: `malformed YAML: ${(e as Error).message}` }], { cause: e });
  }
  if (!isMapping(raw)) {
    const got = raw === null || raw === undefined ? 'an empty file' : describe(raw);
    throw new SweepSpecError(source, [{ path: '', reason: `the top level must be a mapping with name, seed, base, grid, … (got ${got})` }]);
  }
  return raw;
}
