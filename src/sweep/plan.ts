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
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { estimateRunCost, resolveKernel } from '../core/kernel-choice.js';
import { defaultParams } from '../core/params.js';
import { noiseRate } from '../core/noise-variance.js';
import type { Engine, RunParams } from '../core/types.js';
import { checkRun, type Origins } from './checks.js';
import { ResultsVersionError, SweepSpecError, type SweepProblem } from './errors.js';
import { canonicalJson, runIdOf, runIdOfParamsJson, type RunId } from './ids.js';
import { readPlanJson } from './plan-json.js';
import type { RefineRequest } from './refine/request.js';
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
  /** set by `run --add` (src/run/ownership.ts): the sweep the run came from, when it is not the folder's own */
  added_sweep?: { name: string; seed: number; source: string };
}

/**
 * What a run's numbers mean, beyond its id: bumped whenever the same parameters, seed and replicate would give other
 * results, so that an output folder never mixes runs computed both ways (run ids do not change with it).
 *   1  θ* drawn first from the data stream, which hashed n and teacher_norm
 *   2  θ* from its own stream, seeded from d and teacher_sparsity alone (src/sweep/seeds.ts); the real-data
 *      linearised baseline trained by gd on the clean labels (src/engines/realdata/model.ts)
 *   3  the Phase II thresholds in the run's units (‖w_i‖² ≤ α⁴η, |a_i| ≤ α²√η: phase2_frac and its markers; mean
 *      ‖w_i‖² ≤ α³√η: phase2_mean_step), a diverged row's final_* null, and the Phase I model's predictions
 *      (src/core/theory.ts, phase-model.ts); steps_rule's noise time counts σ̄²/B
 *   4  past the gate d·x ≥ 0.75 the model's terminal state is the limit equation's noise-sustained state, not the end
 *      point (pred_w_norm2_final, pred_a_norm2_final, and through it pred_w_norm2_end, pred_phase1_steps and
 *      pred_align_steps; src/core/terminal-state.ts)
 *   5  past the gate (not in rich starts) the model relaxes to that state along the limit equation's paths from a
 *      hand-off (src/core/relaxation.ts), not at the end point's e^{−τ}: pred_w_norm2_end, pred_phase1_steps and
 *      pred_align_steps of those runs differ; new column pred_w_norm2_late
 */
export const RESULTS_VERSION = 5;

/** What changed at each version, for the message that refuses a folder of another one. */
const VERSION_CHANGES: Record<number, string> = {
  2: 'θ* has its own random stream',
  3: "phase2_frac and the Phase II markers use thresholds in the run's units (α⁴η, α²√η, α³√η), so the metric rows differ at α ≠ 1",
  4: "the model's terminal state past d·x = 0.75 is the limit equation's noise-sustained state, so the pred_* columns of those runs differ",
  5: "past d·x = 0.75 the model relaxes to that state along the limit equation's paths, so pred_w_norm2_end and the model's step times of those runs differ",
};

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

/** The sweep a run of `plan` belongs to: its own sweep's name and seed when `run --add` put it there, else the plan's. */
export function sweepOfRun(plan: Pick<Plan, 'name' | 'seed'>, run: PlannedRun): { name: string; seed: number } {
  return run.added_sweep ? { name: run.added_sweep.name, seed: run.added_sweep.seed } : { name: plan.name, seed: plan.seed };
}

export interface PlanOptions {
  /** run every run on this engine instead of the file's (the CLI's --engine); the ids change with it */
  engine?: Engine;
}

/** A sweep may not expand to more runs than this (orchestration alone would take hours). */
const MAX_RUNS = 1_000_000;

/** The sweep seed a run's streams derive from: its own sweep's when `run --add` put it there, else the folder's. */
export const sweepSeedOf = (plan: Pick<Plan, 'name' | 'seed'>, run: PlannedRun): number => sweepOfRun(plan, run).seed;

/** A run from its resolved parameters (kernel resolved here if still 'auto'). */
export function planRun(params: RunParams, sweepSeed: number, replicate: number): PlannedRun {
  const resolved: RunParams = { ...params, snapshot_steps: [...params.snapshot_steps], kernel: resolveKernel(params) };
  return { run_id: runIdOf(resolved, sweepSeed, replicate), replicate, params: resolved, cost: estimateRunCost(resolved) };
}

/** planRun of replicates 0 … count − 1, the parameters resolved and encoded once; each run has its own params. */
function planReplicates(params: RunParams, sweepSeed: number, count: number): PlannedRun[] {
  const resolved: RunParams = { ...params, snapshot_steps: [...params.snapshot_steps], kernel: resolveKernel(params) };
  const paramsJson = canonicalJson({ params: resolved }).slice('{"params":'.length, -1);
  const cost = estimateRunCost(resolved);
  return Array.from({ length: count }, (_, replicate) => ({
    run_id: runIdOfParamsJson(paramsJson, sweepSeed, replicate),
    replicate,
    params: { ...resolved, snapshot_steps: [...resolved.snapshot_steps] },
    cost,
  }));
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
  let version: unknown = 1;
  try {
    // the plan's fields without its runs: a million of them need not be parsed to read one number
    const found = (readPlanJson(planJsonPath, { runs: 'head' }) as { results_version?: unknown } | null)?.results_version;
    if (found !== undefined) version = found;
  } catch {
    return; // no plan, or an unreadable one: it holds no results to protect; it is rewritten
  }
  if (version === RESULTS_VERSION) return;
  const since = Object.entries(VERSION_CHANGES)
    .filter(([v]) => typeof version !== 'number' || Number(v) > version)
    .map(([v, what]) => `${v}: ${what}`);
  const reason =
    `holds results of lnsweep results version ${JSON.stringify(version)}, and this lnsweep computes version ` +
    `${RESULTS_VERSION} (${since.join('; ')}), so runs would mix; use --fresh to delete them, or another --out`;
  throw new ResultsVersionError(outDir, reason);
}

/**
 * steps_rule, after lr is resolved: the run lasts `noise_time` units of the Phase I time scale B/(η²σ̄²) (σ̄² the
 * noise variance averaged over the schedule, B the batch, whose B samples average B noises: src/core/theory.ts
 * noiseRate), so every cell of a σ × α × width sweep sees the same
 * number of e-folds of its norm decay, capped at max_steps (and max_steps when σ̄² = 0). `log_rows` gives each run
 * about that many metric rows whatever its length, so short runs keep a resolved trajectory. Rounded to 12
 * significant digits before the ceiling, so that 10/(1e-3²·10) is 1e6 steps on every platform, not 1e6 + 1.
 */
function stepsFromRule(rule: StepsRule, p: Pick<RunParams, 'lr' | 'sigma' | 'noise' | 'noise_schedule' | 'batch'>): number {
  const rate = noiseRate(p);
  if (!(rate > 0)) return rule.max_steps;
  return Math.min(rule.max_steps, Math.max(1, Math.ceil(round12(rule.noise_time / rate))));
}

/** Sets `steps` (and `log_every` when the rule has log_rows) on `p` from the rule; for expansion and refinement alike. */
export function withStepsRule(rule: StepsRule, p: RunParams): void {
  p.steps = stepsFromRule(rule, p);
  if (rule.log_rows !== undefined) p.log_every = Math.ceil(p.steps / rule.log_rows);
}

/**
 * A sweep file may be at most this large. The YAML parser holds about 200 bytes per byte of a long list (a megabyte
 * of numbers: 0.2 GB and a second; 24 MB of them took 4.4 GB and killed `plan`), so the size is checked while reading,
 * before any parsing; lists longer than a file this size can hold are written as ranges (linspace, logspace, range).
 */
export const MAX_SWEEP_FILE_BYTES = 2 ** 20;

/**
 * The sweep file's text, read up to MAX_SWEEP_FILE_BYTES + 1 bytes: a larger file is refused having read no more,
 * and so is an endless one (`/dev/zero`, a FIFO that keeps writing), whose size stat does not tell.
 */
function readSweepText(path: string): string {
  // yargs hands `-` on as ''; neither names a file, and a sweep is not read from standard input
  if (path === '' || path === '-') {
    throw new SweepSpecError('-', [{ path: '', reason: "give the sweep file's path (a sweep is not read from standard input)" }]);
  }
  const refuse = (reason: string, cause?: unknown): never => {
    throw new SweepSpecError(path, [{ path: '', reason }], cause === undefined ? undefined : { cause });
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return refuse(folderGivenReason(path), e);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return refuse(`cannot read the sweep file: ${why}${code ? ` (${code})` : ''}`, e);
  }
  try {
    const size = fstatSync(fd).size;
    const tooLarge = (bytes: string) =>
      refuse(
        `the file is ${bytes} bytes; a sweep file may be at most ${MAX_SWEEP_FILE_BYTES} bytes (1 MiB), nothing was parsed: write long lists as ` +
          `ranges ({ linspace: [start, stop, num] }, logspace, range), not value by value`,
      );
    if (size > MAX_SWEEP_FILE_BYTES) return tooLarge(String(size));
    const buffer = Buffer.alloc(MAX_SWEEP_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const got = readSync(fd, buffer, length, buffer.length - length, null);
      if (got === 0) break;
      length += got;
      if (length > MAX_SWEEP_FILE_BYTES) return tooLarge(`more than ${MAX_SWEEP_FILE_BYTES}`);
    }
    return buffer.toString('utf8', 0, length);
  } catch (e) {
    if (e instanceof SweepSpecError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return refuse(folderGivenReason(path), e);
    return refuse(`cannot read the sweep file: ${(e as Error).message}${code ? ` (${code})` : ''}`, e);
  } finally {
    closeSync(fd);
  }
}

/** A folder where a sweep file was expected: most often an output folder given to `plan` or `run` by mistake. */
function folderGivenReason(path: string): string {
  const planFile = join(path, 'plan.json');
  if (!existsSync(planFile)) return 'a folder, not a sweep file (sweep files are YAML, e.g. sweeps/smoke.yaml)';
  let source = '';
  try {
    // the head alone: a plan of a million runs is hundreds of megabytes
    const named = (readPlanJson(planFile, { runs: 'head' }) as { source?: unknown }).source;
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

  // Every key of PARAM_KEYS, in that order (the defaults are built in it, and base only overwrites): each point's
  // copy keeps the order, so plan.json reads the same way for every run.
  const start = { ...defaultParams(), ...spec.base } as Record<string, unknown>;
  const baseOrigins: Origins = {};
  for (const key of Object.keys(spec.base) as ParamKey[]) baseOrigins[key] = `base.${key}`;
  // Where a point's values came from, for checkRun's messages only: built again for a point that has a problem
  // (checkRun finds the same problems whatever the origins), so the million points of a clean sweep skip it.
  const originsOf = (index: readonly number[]): Origins => {
    const origins: Origins = { ...baseOrigins };
    factors.forEach((f, j) => {
      const choice = f[index[j]];
      for (const [key, , origin] of choice.set) origins[key] = origin;
      if (choice.rule) origins.lr = choice.rule[1];
    });
    if (spec.stepsRule) {
      origins.steps = 'steps_rule.noise_time';
      if (spec.stepsRule.log_rows !== undefined) origins.log_every = 'steps_rule.log_rows';
    }
    if (options.engine) origins.engine = '--engine';
    return origins;
  };

  const runs: PlannedRun[] = [];
  const seen = new Set<RunId>();
  const problems = new Map<string, SweepProblem>();
  const index = new Array<number>(factors.length).fill(0);
  for (let point = 0; point < points; point++) {
    const draft = { ...start };
    for (let j = 0; j < factors.length; j++) {
      const choice = factors[j][index[j]];
      for (const [key, value] of choice.set) draft[key] = value;
      if (choice.rule) draft.lr = round12(choice.rule[0] / ((draft.alpha as number) ** 2 * (draft.width as number)));
    }
    const params = draft as unknown as RunParams;
    if (spec.stepsRule) withStepsRule(spec.stepsRule, params);
    if (options.engine) params.engine = options.engine;

    if (checkRun(params, {}, spec.allowUnstable).length > 0) {
      for (const p of checkRun(params, originsOf(index), spec.allowUnstable)) {
        if (!problems.has(`${p.path}\n${p.reason}`)) problems.set(`${p.path}\n${p.reason}`, p);
      }
    } else {
      for (const run of planReplicates(params, spec.seed, spec.replicates)) {
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
