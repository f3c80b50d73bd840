/**
 * From a sweep file to the frozen plan: every run's id, replicate, fully resolved parameters and estimated cost.
 *
 * Expansion is pure and deterministic. A run's parameters are defaults ← base ← grid point ← zip values, then
 * lr = lr_rule / (alpha²·width) (rounded to 12 significant digits), then steps (and log_every) from steps_rule
 * (stepsFromRule), then `kernel` resolved by resolveKernel, so 'auto' never reaches a plan. The runs come in this order: grid keys sorted, their product taken with the first key
 * outermost; then the zip groups in file order; then the lr_rule values; the replicate index (0-based) innermost.
 * A run whose id was already produced is dropped (the first stays). Example:
 *
 *     grid: { sigma: [0, 4], alpha: [1, 2] }
 *     zip:  [{ width: [100, 1000], log_every: [10, 100] }]
 *     replicates: 2
 *
 *   → 2 × 2 × 2 points × 2 replicates = 16 runs:
 *     alpha=1 sigma=0 width=100  log_every=10  r=0, r=1
 *     alpha=1 sigma=0 width=1000 log_every=100 r=0, r=1
 *     alpha=1 sigma=4 width=100  …
 *     …
 *     alpha=2 sigma=4 width=1000 log_every=100 r=1
 *
 *   and with `grid: { kernel: [auto, dense] }` at width 10, d 20 both values resolve to 'dense': one run, not two.
 *
 * Checks on each resolved run (checks.ts) run during expansion; loadSweep runs them once so that a spec it returns
 * always expands.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateRunCost, resolveKernel } from '../core/kernel-choice.js';
import { defaultParams, PARAM_KEYS } from '../core/params.js';
import { meanNoiseVariance } from '../core/theory.js';
import type { Engine, RunParams } from '../core/types.js';
import { checkRun, type Origins } from './checks.js';
import { ResultsVersionError, SweepSpecError, type SweepProblem } from './errors.js';
import { runIdOf, type RunId } from './ids.js';
import type { RefineRequest } from './refine-request.js';
import { parseSweepShape, type ParamLists, type StepsRule, type SweepSpec } from './spec.js';
import { round12, type ParamKey, type ParamValue } from './values.js';

export interface PlannedRun {
  run_id: RunId;
  /** 0-based replicate index */
  replicate: number;
  /** fully resolved: every key of RunParams, kernel 'dense' or 'subspace' */
  params: RunParams;
  /** estimateRunCost(params): multiply-adds, for ETA weighting and shard balancing */
  cost: number;
  /** the `lnsweep refine` round that added the run (src/sweep/refine.ts); absent for the sweep's own grid (round 0) */
  refine_round?: number;
}

/**
 * What a run's numbers mean, beyond its id: bumped whenever the same parameters, seed and replicate would give other
 * results, so that an output folder never mixes runs computed both ways (run ids do not change with it).
 *   1  θ* drawn first from the data stream, which hashed n and teacher_norm
 *   2  θ* from its own stream, seeded from d and teacher_sparsity alone (src/sweep/seeds.ts); the real-data
 *      linearised baseline trained by gd on the clean labels (src/engines/realdata/model.ts)
 */
export const RESULTS_VERSION = 2;

/** plan.json */
export interface Plan {
  format: 1;
  /** RESULTS_VERSION of the tool that froze the plan; absent in folders written before it existed (version 1) */
  results_version: number;
  name: string;
  seed: number;
  /** the sweep file as the user named it */
  source: string;
  /** the sweep file's `description`, when it has one */
  description?: string;
  runs: PlannedRun[];
  /** the sweep file's `refine:` request, if any: `run` refines after the grid (src/cli/commands/refine.ts) */
  refine?: RefineRequest;
  /** the sweep file's `steps_rule`, if any: refinement gives each new point its steps by the same rule */
  steps_rule?: StepsRule;
}

export interface PlanOptions {
  /** run every run on this engine instead of the file's (the CLI's --engine); the ids change with it */
  engine?: Engine;
}

/** A sweep may not expand to more runs than this (orchestration alone would take hours). */
const MAX_RUNS = 1_000_000;

/** A run from its resolved parameters (kernel resolved here if still 'auto'). */
export function planRun(params: RunParams, sweepSeed: number, replicate: number): PlannedRun {
  const resolved: RunParams = { ...params, snapshot_steps: [...params.snapshot_steps], kernel: resolveKernel(params) };
  return { run_id: runIdOf(resolved, sweepSeed, replicate), replicate, params: resolved, cost: estimateRunCost(resolved) };
}

/** Parses and fully validates a sweep file's text; `source` names it in messages. */
export function parseSweep(text: string, source: string): SweepSpec {
  const spec = parseSweepShape(text, source);
  resolve(spec, {});
  return spec;
}

/** Reads and fully validates a sweep file. Throws SweepSpecError. */
export function loadSweep(path: string): SweepSpec {
  return parseSweep(readSweepText(path), path);
}

/** The runs of a spec, in the order of the module comment. Pure. Throws SweepSpecError if a run is invalid. */
export function expandSweep(spec: SweepSpec, options: PlanOptions = {}): PlannedRun[] {
  return resolve(spec, options);
}

/** Reads, validates and expands a sweep file into the plan that `run` freezes as plan.json. */
export function planSweep(path: string, options: PlanOptions = {}): Plan {
  const spec = parseSweepShape(readSweepText(path), path);
  const description = spec.description !== undefined ? { description: spec.description } : {};
  const runs = resolve(spec, options);
  return {
    format: 1,
    results_version: RESULTS_VERSION,
    name: spec.name,
    seed: spec.seed,
    source: path,
    ...description,
    runs,
    ...(spec.refine ? { refine: spec.refine } : {}),
    ...(spec.stepsRule ? { steps_rule: spec.stepsRule } : {}),
  };
}

/**
 * Refuses to resume into an output folder whose plan.json was frozen under another RESULTS_VERSION: its finished runs
 * would be kept (same ids) beside runs computed differently. Nothing to check when the folder has no plan yet; the
 * caller skips the check under --fresh, which deletes the old results. Throws ResultsVersionError naming the folder.
 */
export function checkResultsVersion(planJsonPath: string, outDir: string): void {
  let text: string;
  try {
    text = readFileSync(planJsonPath, 'utf8');
  } catch {
    return;
  }
  let version: unknown = 1;
  try {
    const found = (JSON.parse(text) as { results_version?: unknown }).results_version;
    if (found !== undefined) version = found;
  } catch {
    return; // an unreadable plan holds no results to protect; it is rewritten
  }
  if (version === RESULTS_VERSION) return;
  const reason =
    `holds results of lnsweep results version ${JSON.stringify(version)}, and this lnsweep computes version ` +
    `${RESULTS_VERSION} (θ* has its own random stream), so runs would mix; use --fresh to delete them, or another --out`;
  throw new ResultsVersionError(outDir, reason);
}

/**
 * steps_rule, after lr is resolved: the run lasts `noise_time` units of the Phase I time scale 1/(η²σ̄²) (σ̄² the
 * noise variance averaged over the schedule, src/core/theory.ts), so every cell of a σ × α × width sweep sees the same
 * number of e-folds of its norm decay, capped at max_steps (and max_steps when σ̄² = 0). `log_rows` gives each run
 * about that many metric rows whatever its length, so short runs keep a resolved trajectory. Rounded to 12
 * significant digits before the ceiling, so that 10/(1e-3²·10) is 1e6 steps on every platform, not 1e6 + 1.
 */
function stepsFromRule(rule: StepsRule, p: Pick<RunParams, 'lr' | 'sigma' | 'noise' | 'noise_schedule'>): number {
  const rate = p.lr * p.lr * meanNoiseVariance(p);
  if (!(rate > 0)) return rule.max_steps;
  return Math.min(rule.max_steps, Math.max(1, Math.ceil(round12(rule.noise_time / rate))));
}

function applyStepsRule(rule: StepsRule, draft: RunParams, origins: Origins): void {
  withStepsRule(rule, draft);
  origins.steps = 'steps_rule.noise_time';
  if (rule.log_rows !== undefined) origins.log_every = 'steps_rule.log_rows';
}

/** Sets `steps` (and `log_every` when the rule has log_rows) on `p` from the rule; for expansion and refinement alike. */
export function withStepsRule(rule: StepsRule, p: RunParams): void {
  p.steps = stepsFromRule(rule, p);
  if (rule.log_rows !== undefined) p.log_every = Math.ceil(p.steps / rule.log_rows);
}

function readSweepText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new SweepSpecError(path, [{ path: '', reason: folderGivenReason(path) }], { cause: e });
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new SweepSpecError(path, [{ path: '', reason: `cannot read the sweep file: ${why}${code ? ` (${code})` : ''}` }], { cause: e });
  }
}

/** A folder where a sweep file was expected: most often an output folder given to `plan` or `run` by mistake. */
function folderGivenReason(path: string): string {
  const planFile = join(path, 'plan.json');
  if (!existsSync(planFile)) return 'a folder, not a sweep file (sweep files are YAML, e.g. sweeps/smoke.yaml)';
  let source = '';
  try {
    const named = (JSON.parse(readFileSync(planFile, 'utf8')) as { source?: unknown }).source;
    if (typeof named === 'string') source = named;
  } catch {
    // its sweep file is only a hint
  }
  return (
    `a folder, not a sweep file: the output folder of a sweep${source ? ` (its sweep file: ${source})` : ''}; ` +
    `\`lnsweep status ${path}\`, \`lnsweep report ${path}\` or \`lnsweep serve ${path}\` look at it`
  );
}

/** One choice along one axis of the product: parameter values to set, or an lr_rule value. */
interface Choice {
  set: [ParamKey, ParamValue, string][];
  rule?: [number, string];
}

function factorsOf(spec: SweepSpec): Choice[][] {
  const factors: Choice[][] = [];
  for (const key of (Object.keys(spec.grid) as ParamKey[]).sort()) {
    factors.push(spec.grid[key]!.map((v, i) => ({ set: [[key, v, `grid.${key}[${i}]`]] })));
  }
  spec.zip.forEach((group: ParamLists, g) => {
    const keys = (Object.keys(group) as ParamKey[]).sort();
    const length = group[keys[0]]!.length;
    factors.push(Array.from({ length }, (_, i) => ({ set: keys.map((k): Choice['set'][number] => [k, group[k]![i], `zip[${g}].${k}[${i}]`]) })));
  });
  if (spec.lrRule) {
    const values = spec.lrRule.eta_alpha2_width;
    const path = 'lr_rule.eta_alpha2_width';
    factors.push(values.map((v, i) => ({ set: [], rule: [v, values.length > 1 ? `${path}[${i}]` : path] })));
  }
  return factors;
}

function resolve(spec: SweepSpec, options: PlanOptions): PlannedRun[] {
  const factors = factorsOf(spec);
  const points = factors.reduce((acc, f) => acc * f.length, 1);
  if (points * spec.replicates > MAX_RUNS) {
    throw new SweepSpecError(spec.source, [
      { path: '', reason: `expands to ${points * spec.replicates} runs (grid × zip × lr_rule × replicates); at most ${MAX_RUNS} are allowed` },
    ]);
  }

  const start = { ...defaultParams(), ...spec.base } as Record<string, unknown>;
  const baseOrigins: Origins = {};
  for (const key of Object.keys(spec.base) as ParamKey[]) baseOrigins[key] = `base.${key}`;

  const runs: PlannedRun[] = [];
  const seen = new Set<RunId>();
  const problems = new Map<string, SweepProblem>();
  const index = new Array<number>(factors.length).fill(0);
  for (let point = 0; point < points; point++) {
    const draft = { ...start };
    const origins: Origins = { ...baseOrigins };
    factors.forEach((f, j) => {
      const choice = f[index[j]];
      for (const [key, value, origin] of choice.set) {
        draft[key] = value;
        origins[key] = origin;
      }
      if (choice.rule) {
        const [value, origin] = choice.rule;
        draft.lr = round12(value / ((draft.alpha as number) ** 2 * (draft.width as number)));
        origins.lr = origin;
      }
    });
    if (spec.stepsRule) applyStepsRule(spec.stepsRule, draft as unknown as RunParams, origins);
    if (options.engine) draft.engine = options.engine;

    // a fresh object in PARAM_KEYS order, so plan.json reads the same way for every run
    const params = Object.fromEntries(PARAM_KEYS.map((k) => [k, draft[k]])) as unknown as RunParams;
    const found = checkRun(params, origins, spec.allowUnstable);
    if (found.length > 0) {
      for (const p of found) if (!problems.has(`${p.path}\n${p.reason}`)) problems.set(`${p.path}\n${p.reason}`, p);
    } else {
      for (let r = 0; r < spec.replicates; r++) {
        const run = planRun(params, spec.seed, r);
        if (seen.has(run.run_id)) continue;
        seen.add(run.run_id);
        runs.push(run);
      }
    }

    for (let j = factors.length - 1; j >= 0; j--) {
      if (++index[j] < factors[j].length) break;
      index[j] = 0;
    }
  }
  if (problems.size > 0) throw new SweepSpecError(spec.source, [...problems.values()]);
  return runs;
}
