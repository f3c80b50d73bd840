/**
 * The report's "Scaling" section: for each metric the paper gives a scaling law for (fit/theory-laws.ts), the fit of
 * the sweep's runs (fit/fit.ts, as `lnsweep fit` does it with its defaults), its exponents with 95% intervals beside
 * the theory's, and a collapse panel: the measured metric against the fitted law and against the theory's law (with
 * its best constant). On a law that holds, the points fall on y = x. Left out when no such metric can be fitted.
 */
import type { TopLevelSpec } from 'vega-lite';
import { figureHtml } from '../base/figure-html.js';
import { columnLabel, paramShort } from '../base/labels.js';
import { sweepPalette, type Palette } from '../base/palette.js';
import { esc, fmt } from '../base/render.js';
import { niceTicks, tickProps } from '../base/ticks.js';
import type { SweepData } from '../base/sweep-data.js';
import { FitRequestError } from '../fit/errors.js';
import { describe, fitScaling, type FitResult } from '../fit/fit.js';
import { THEORY_LAWS } from '../fit/theory-laws.js';

export async function scalingSection(d: SweepData): Promise<string | null> {
  const parts: string[] = [];
  for (const metric of ['lazy_escape_step', 'norm_decay_rate']) {
    let fit: FitResult;
    try {
      fit = fitScaling(d.rows, { metric });
    } catch (err) {
      if (err instanceof FitRequestError) continue; // nothing to fit here: not every sweep varies these parameters
      throw err;
    }
    const law = THEORY_LAWS[metric];
    if (!fit.params.some((p) => law.exponents[p] !== undefined)) continue;
    const collapse = await figureHtml(collapseSpec(fit, sweepPalette(d.rows, 'sigma')), { id: `scaling-${metric}` });
    parts.push(`<h3 id="scaling-${esc(metric)}-fit">${esc(columnLabel(metric))}</h3>${exponentTable(fit)}${collapse}`);
  }
  if (parts.length === 0) return null;
  return `<p class="note">Least-squares fits of log M = c + Σ β·log p over the finished runs (as <code>lnsweep fit DIR --metric M</code> does), with 95% intervals from 1000 bootstrap resamples of the replicates within each cell, set against the paper's exponents. The panels collapse the runs onto the fitted law (left) and onto the theory's law with its best constant (right): where a law holds, the points lie on the diagonal.</p>
${parts.join('\n')}`;
}

function exponentTable(f: FitResult): string {
  const rows = f.params
    .map((p, j) => {
      const t = f.theory?.exponents[j];
      const eff = f.theory?.effective[j];
      const theory =
        t === null || t === undefined
          ? '–'
          : `${fmt(t)}${eff !== null && eff !== undefined && Math.abs(eff - t) > 5e-4 ? ` (${fmt(eff)} with √ln m over these runs)` : ''}`;
      const td = (text: string) => `<td style="padding-right:16px">${text}</td>`;
      return `<tr>${td(esc(paramShort(p)))}${td(fmt(f.exponents[j]))}${td(`[${fmt(f.intervals[j][0])}, ${fmt(f.intervals[j][1])}]`)}${td(esc(theory))}</tr>`;
    })
    .join('');
  return `<p class="note">${f.nRuns} runs in ${f.cells} cells, R² = ${f.r2.toFixed(3)} (${esc(describe(f.excluded))}). Theory: ${esc(f.theory?.statement ?? '–')}.</p>
<table><tr><th>parameter</th><th>exponent</th><th>95% interval</th><th>theory</th></tr>${rows}</table>`;
}

function collapseSpec(f: FitResult, sigmaPalette: Palette): TopLevelSpec {
  const points = f.points.flatMap((p) => [
    { panel: 'fitted law', law: p.fitted, measured: p.measured, sigma: p.params.sigma, width: p.params.width },
    ...(p.theory !== null ? [{ panel: "theory's law", law: p.theory, measured: p.measured, sigma: p.params.sigma, width: p.params.width }] : []),
  ]);
  const all = points.flatMap((p) => [p.law, p.measured]);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  // the diagonal, as two rows per panel (a layer with its own data would not be faceted)
  const diagonal = [...new Set(points.map((p) => p.panel))].flatMap((panel) => [lo, hi].map((v) => ({ panel, law: v, measured: v, diagonal: true })));
  const domain: [number, number] = [lo / 1.2, hi * 1.2];
  const scale = { type: 'log', domain, nice: false };
  const axis = (horizontal: boolean) => tickProps(niceTicks(domain[0], domain[1], 'log'), { length: 300, domain, scale: 'log', horizontal });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: [...points, ...diagonal] },
    title: { text: `${columnLabel(f.metric)}: measured against the law`, subtitle: 'one point per run; colour σ, shape width; line y = x' },
    facet: { field: 'panel', type: 'nominal', title: null, sort: ['fitted law', "theory's law"] },
    columns: 2,
    spec: {
      width: 300,
      height: 260,
      layer: [
        {
          transform: [{ filter: 'datum.diagonal === true' }],
          mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
          encoding: { x: { field: 'law', type: 'quantitative', scale }, y: { field: 'measured', type: 'quantitative', scale } },
        },
        {
          transform: [{ filter: 'datum.diagonal !== true' }],
          mark: { type: 'point', filled: true, size: 30, opacity: 0.75 },
          encoding: {
            x: { field: 'law', type: 'quantitative', scale, title: `law (${columnLabel(f.metric)}, log)`, axis: axis(true) },
            y: { field: 'measured', type: 'quantitative', scale, title: 'measured (log)', axis: axis(false) },
            color: sigmaPalette.channel('sigma', 'label noise σ'),
            shape: { field: 'width', type: 'ordinal', title: 'width m' },
          },
        },
      ],
    },
  } as unknown as TopLevelSpec;
}
