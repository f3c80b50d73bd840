/**
 * `lnsweep fit DIR --metric M`: the fit of a folder's runs (fit.ts), written as `DIR/fit-<M>.arrow` and printed as
 * a table with the theory's exponents beside the fitted ones.
 */
import { collectProvenance, fitPath, writeFitFile } from '../../io/index.js';
import { fmt } from '../base/render.js';
import { loadSweepData } from '../base/sweep-data.js';
import { describe, fitScaling, type FitRequest, type FitResult } from './fit.js';

export function fitFolder(dir: string, q: FitRequest, whereText?: string): { path: string; result: FitResult; table: string } {
  const result = fitScaling(loadSweepData(dir).rows, q);
  const path = fitPath(dir, result.metric);
  writeFitFile(path, {
    rows: result.params.map((param, j) => ({
      param,
      exponent: result.exponents[j],
      ci_lo: result.intervals[j][0],
      ci_hi: result.intervals[j][1],
      theory_exponent: result.theory?.exponents[j] ?? null,
    })),
    meta: {
      metric: result.metric,
      n_runs: String(result.nRuns),
      cells: String(result.cells),
      r2: String(result.r2),
      intercept: String(result.intercept),
      resamples: String(result.resamples),
      seed: String(result.seed),
      where: whereText ?? '',
      excluded: JSON.stringify(result.excluded),
      theory: result.theory?.statement ?? '',
    },
    provenance: collectProvenance(),
  });
  return { path, result, table: fitTable(result) };
}

/** The printed table: one line per parameter, exponent, interval, and the theory's exponent where the paper has one. */
function fitTable(r: FitResult): string {
  const head =
    `log ${r.metric} = c + Σ β·log p over ${r.nRuns} runs in ${r.cells} cells (${describe(r.excluded)}); R² = ${r.r2.toFixed(4)}; ` +
    `95% intervals from ${r.resamples} resamples of the replicates within cells, seed ${r.seed}` +
    (r.singleRunCells > 0 ? `; ${r.singleRunCells} cell(s) have one run, whose noise the interval cannot see` : '');
  const rows = r.params.map((p, j) => {
    const [lo, hi] = r.intervals[j];
    const t = r.theory?.exponents[j];
    const eff = r.theory?.effective[j];
    const theory =
      t === null || t === undefined
        ? '–'
        : `${t}${eff !== null && eff !== undefined && Math.abs(eff - t) > 5e-4 ? ` (${eff.toFixed(3)} over these runs)` : ''}`;
    return [p, r.exponents[j].toFixed(4), `[${lo.toFixed(4)}, ${hi.toFixed(4)}]`, theory];
  });
  const table = [['param', 'exponent', '95% interval', r.theory ? `theory: ${r.theory.statement}` : 'theory'], ...rows];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const lines = table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
  return [head, ...lines, `intercept c = ${fmt(r.intercept)}`].join('\n');
}
