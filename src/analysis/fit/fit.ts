/**
 * Scaling-law fits (`lnsweep fit`, README "Scaling fits"): log M = c + Σ_p β_p·log p over the finished runs, by
 * least squares (least-squares.ts), with 95% intervals from a bootstrap that resamples the replicates within each
 * cell (a cell: runs with the same parameters) and keeps the design, and R² on the log scale.
 *
 * Runs left out, and counted: not finished (diverged or failed), filtered out by --where, a marker never reached
 * (null), a value that is not finite or not positive (no logarithm), a fitted parameter ≤ 0 (σ = 0, the noiseless
 * control). Default parameters: the numeric ones that vary among the runs kept, the paper's control parameters first,
 * skipping any that is a function of those already taken (lr under an lr_rule, steps under a steps_rule).
 *
 * Deterministic: cells in parameter order and runs in id order, the resamples' stream seeded from `seed`, the metric
 * and the parameters, so the same command gives the same interval.
 */
import { quantile } from '../../core/quantile.js';
import { Xoshiro128 } from '../../core/rng.js';
import type { SummaryRow } from '../../io/index.js';
import { deriveSeed } from '../../sweep/seeds.js';
import { determinedBy, isMarkerColumn, isNumericParam, varyingParams, zColumns, zValue, type ParamKey } from '../base/sweep-data.js';
import { FitRequestError } from './errors.js';
import { leastSquares } from './least-squares.js';
import { THEORY_LAWS } from './theory-laws.js';
import type { Condition } from './where.js';

const DEFAULT_RESAMPLES = 1000;
const DEFAULT_FIT_SEED = 1;

/** The order default parameters are taken in: the paper's control parameters first. */
const PREFERENCE: readonly ParamKey[] = ['sigma', 'lr', 'width', 'alpha', 'rho', 'teacher_norm', 'batch', 'n', 'd'];

export interface FitRequest {
  metric: string;
  params?: readonly string[];
  where?: readonly Condition[];
  resamples?: number;
  seed?: number;
}

interface FitPoint {
  run_id: string;
  params: SummaryRow['params'];
  measured: number;
  /** exp(c + Σ β log p) */
  fitted: number;
  /** the theory's law with its best constant (least squares in log), where there is one */
  theory: number | null;
}

export interface FitResult {
  metric: string;
  params: ParamKey[];
  exponents: number[];
  intercept: number;
  /** 95% bootstrap intervals, per parameter */
  intervals: [number, number][];
  r2: number;
  nRuns: number;
  cells: number;
  /** cells with one run: the bootstrap knows nothing of their noise */
  singleRunCells: number;
  resamples: number;
  seed: number;
  /** runs left out, by reason (see the module comment) */
  excluded: Record<string, number>;
  /** the paper's exponents, and the law's own exponents over these runs (√ln m makes width's differ) */
  theory: { statement: string; exponents: (number | null)[]; effective: (number | null)[] } | null;
  points: FitPoint[];
}

export function fitScaling(rows: readonly SummaryRow[], q: FitRequest): FitResult {
  if (!zColumns(rows).includes(q.metric)) throw new FitRequestError(`--metric ${q.metric}: not a summary column of this folder`);
  const excluded: Record<string, number> = {};
  const drop = (why: string) => void (excluded[why] = (excluded[why] ?? 0) + 1);
  let kept: { row: SummaryRow; value: number }[] = [];
  for (const row of rows) {
    const value = zValue(row, q.metric);
    if (row.status !== 'done') drop(`not finished (${row.status})`);
    else if (q.where && !q.where.every((c) => c(row.params))) drop('filtered out by --where');
    else if (value === null) drop(isMarkerColumn(q.metric) ? 'never reached' : 'no value');
    else if (!Number.isFinite(value)) drop('not finite');
    else if (!(value > 0)) drop('not positive (no logarithm)');
    else kept.push({ row, value });
  }
  const params = chooseParams(
    kept.map((k) => k.row),
    q.params,
  );
  kept = kept.filter(({ row }) => {
    const bad = params.find((p) => !(Number(row.params[p]) > 0));
    if (bad) drop(`${bad} ≤ 0 (no logarithm)`);
    return !bad;
  });
  if (kept.length <= params.length + 1) {
    throw new FitRequestError(`--metric ${q.metric}: ${kept.length} run(s) left to fit ${params.length + 1} coefficients (${describe(excluded)})`);
  }
  // cells in parameter order, runs in id order: the resamples do not depend on the order rows were read
  const cells = new Map<string, { row: SummaryRow; value: number }[]>();
  for (const k of [...kept].sort((a, b) => (a.row.run_id < b.row.run_id ? -1 : 1))) {
    const key = JSON.stringify(k.row.params);
    (cells.get(key) ?? cells.set(key, []).get(key)!).push(k);
  }
  const ordered = [...cells.keys()].sort().flatMap((key) => cells.get(key)!);
  const X = ordered.map(({ row }) => [1, ...params.map((p) => Math.log(Number(row.params[p])))]);
  const y = ordered.map(({ value }) => Math.log(value));
  const ls = leastSquares(X);
  if (!ls) throw new FitRequestError(`--params ${params.join(',')}: they do not vary independently among the ${kept.length} runs kept`);
  const beta = ls.solve(y);

  const resamples = q.resamples ?? DEFAULT_RESAMPLES;
  const seed = q.seed ?? DEFAULT_FIT_SEED;
  const rng = new Xoshiro128(deriveSeed('bootstrap', seed, 0, { what: 'fit', metric: q.metric, params }));
  const spans: [number, number][] = [];
  let start = 0;
  for (const key of [...cells.keys()].sort()) spans.push([start, (start += cells.get(key)!.length)]);
  const draws: number[][] = params.map(() => []);
  const yb = new Array<number>(y.length);
  for (let b = 0; b < resamples; b++) {
    for (const [from, to] of spans) for (let i = from; i < to; i++) yb[i] = y[from + rng.nextIndex(to - from)];
    const bb = ls.solve(yb);
    params.forEach((_, j) => draws[j].push(bb[j + 1]));
  }
  const intervals = draws.map((d) => [quantile(d, 0.025), quantile(d, 0.975)] as [number, number]);

  const law = THEORY_LAWS[q.metric];
  const logLaw = law ? ordered.map(({ row }) => law.logLaw(row.params)) : null;
  const lawOk = logLaw !== null && logLaw.every((v): v is number => v !== null && Number.isFinite(v));
  const lawConstant = lawOk ? y.reduce((s, v, i) => s + v - logLaw[i], 0) / y.length : 0;
  const fitted = ls.predict(beta);
  return {
    metric: q.metric,
    params,
    exponents: beta.slice(1),
    intercept: beta[0],
    intervals,
    r2: ls.r2(y, beta),
    nRuns: kept.length,
    cells: cells.size,
    singleRunCells: [...cells.values()].filter((c) => c.length === 1).length,
    resamples,
    seed,
    excluded,
    // a law that says nothing about any of these runs (SAM, GD, no noise) has no exponents to set beside the fit
    theory:
      law && logLaw!.some((v) => v !== null)
        ? {
            statement: law.statement,
            exponents: params.map((p) => law.exponents[p] ?? null),
            effective: lawOk ? ls.solve(logLaw).slice(1) : params.map(() => null),
          }
        : null,
    points: ordered.map(({ row, value }, i) => ({
      run_id: row.run_id,
      params: row.params,
      measured: value,
      fitted: Math.exp(fitted[i]),
      theory: lawOk ? Math.exp(lawConstant + logLaw[i]) : null,
    })),
  };
}

/** The given parameters, checked, or the default ones (module comment). */
function chooseParams(rows: readonly SummaryRow[], given: readonly string[] | undefined): ParamKey[] {
  const varying = varyingParams(rows).filter(isNumericParam);
  if (given && given.length > 0) {
    for (const p of given) {
      if (!isNumericParam(p)) throw new FitRequestError(`--params: '${p}' is not a numeric parameter`);
      if (!varying.includes(p))
        throw new FitRequestError(`--params: '${p}' does not vary among the runs to fit; varying: ${varying.join(', ') || 'none'}`);
    }
    if (new Set(given).size !== given.length) throw new FitRequestError(`--params: a parameter is given twice`);
    return given as ParamKey[];
  }
  const ordered = [...PREFERENCE.filter((k) => varying.includes(k)), ...varying.filter((k) => !PREFERENCE.includes(k))];
  const chosen: ParamKey[] = [];
  for (const key of ordered) if (chosen.length === 0 || !determinedBy(rows, key, chosen)) chosen.push(key);
  if (chosen.length === 0) throw new FitRequestError('no numeric parameter varies among the runs to fit; nothing to fit against');
  return chosen;
}

export function describe(excluded: Record<string, number>): string {
  const parts = Object.entries(excluded).map(([why, n]) => `${n} ${why}`);
  return parts.length > 0 ? `left out: ${parts.join(', ')}` : 'none left out';
}
