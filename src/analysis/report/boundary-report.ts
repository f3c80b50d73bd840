/**
 * The report's "Boundaries" section: for each boundary file `lnsweep refine` wrote, its curves (one colour per facet
 * value) or, on one axis, the crossing values; and how many runs each refinement round added.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { readBoundaries } from '../boundary/boundary-cells.js';
import { axisKind } from '../base/cells.js';
import { columnLabel, paramLabel, paramShort } from '../base/labels.js';
import { esc, fmt, renderSvg } from '../base/render.js';
import type { SweepData } from '../base/sweep-data.js';

export async function boundariesSection(d: SweepData, files: ReturnType<typeof readBoundaries>): Promise<string | null> {
  const perRound = new Map<number, number>();
  for (const r of d.plan.runs) perRound.set(r.refine_round ?? 0, (perRound.get(r.refine_round ?? 0) ?? 0) + 1);
  if (files.length === 0 && perRound.size <= 1) return null;
  // log scales where the sweep's own grid is log-spaced, as in the phase diagrams
  const grid = d.rows.filter((r) => (r.extra?.refine_round ?? 0) === 0);
  const logAxis = (key: string) => axisKind(grid.map((r) => Number(r.params[key as keyof (typeof r)['params']]))) === 'log';
  const rounds = [...perRound.keys()].sort((a, b) => a - b);
  const table = `<table><tr><th>round</th><th>runs</th></tr>${rounds
    .map((k) => `<tr><td>${k === 0 ? "0 (the sweep's grid)" : k}</td><td>${perRound.get(k)}</td></tr>`)
    .join('')}</table>`;
  const parts: string[] = [];
  for (const { name, file: whole } of files) {
    const file = { ...whole, curves: whole.curves.filter((c) => c.kind === 'median') };
    const band = whole.curves.flatMap((c, segment) => (c.kind === 'band' ? [{ c, segment }] : []));
    const facetLabel = (values: unknown[]) => file.facets.map((k, i) => `${paramShort(k)} = ${String(values[i])}`).join(', ') || 'all';
    const title = `${columnLabel(file.metric)} = ${fmt(file.level)} over ${file.axes.map(paramShort).join(' × ')}`;
    if (file.axes.length === 1) {
      const rows = file.curves.map((c) => `<tr><td>${esc(facetLabel(c.facetValues))}</td><td>${fmt(c.points[0].x)}</td></tr>`).join('');
      const intervals = band.map(({ c }) => `${esc(facetLabel(c.facetValues))}: ${fmt(c.points[0].x)} … ${fmt(c.points[1].x)}`).join('; ');
      parts.push(`<h3>${esc(title)}</h3><p class="note"><code>${esc(name)}</code>: ${file.curves.length} crossing(s).${intervals ? ` 95% band: ${intervals}.` : ''}</p>
<table><tr><th>facet</th><th>${esc(paramShort(file.axes[0]))} at the crossing</th></tr>${rows}</table>`);
      continue;
    }
    const points = [
      ...file.curves.flatMap((c, segment) => c.points.map((p, order) => ({ x: p.x, y: p.y, segment, order, facet: facetLabel(c.facetValues) }))),
      ...band.flatMap(({ c, segment }) =>
        c.points.map((p, order) => ({ x: p.x, y: p.y, segment: `band ${segment}`, order, facet: facetLabel(c.facetValues), band: true })),
      ),
    ];
    const counts = new Map<string, number>();
    for (const c of file.curves) counts.set(facetLabel(c.facetValues), (counts.get(facetLabel(c.facetValues)) ?? 0) + 1);
    const summary =
      ([...counts].map(([f, n]) => `${f}: ${n} curve(s)`).join('; ') || 'no crossing') +
      (band.length > 0 ? `; shaded: the 95% band (${whole.replicates ?? '?'} replicates per point)` : '');
    const svg = points.length > 0 ? await renderSvg(curvesSpec(points, file.axes[0], file.axes[1], title, logAxis)) : '';
    parts.push(`<h3>${esc(title)}</h3><p class="note"><code>${esc(name)}</code>: ${esc(summary)}.</p>${svg ? `<figure>${svg}</figure>` : ''}`);
  }
  return `<section><h2>Boundaries</h2><p class="note">Found by <code>lnsweep refine</code>: each round added runs only in the cells the level crosses. The phase diagrams above draw these curves in black over cells of their true size. The shaded band is where the 95% bootstrap interval of a point's median (over its replicates) contains the level: the boundary's place is uncertain by that much.</p>
${table}
${parts.join('\n')}</section>`;
}

function curvesSpec(points: object[], x: string, y: string, title: string, log: (key: string) => boolean): TopLevelSpec {
  const encoding = {
    x: { field: 'x', type: 'quantitative', title: paramLabel(x), scale: { type: log(x) ? 'log' : 'linear', zero: false } },
    y: { field: 'y', type: 'quantitative', title: paramLabel(y), scale: { type: log(y) ? 'log' : 'linear', zero: false } },
    color: { field: 'facet', type: 'nominal', title: 'facet' },
    detail: { field: 'segment' },
    order: { field: 'order' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 320,
    height: 240,
    data: { values: points },
    layer: [
      // the band: polygons filled in the facet's colour, under the curves
      {
        transform: [{ filter: 'datum.band === true' }],
        mark: { type: 'line', interpolate: 'linear-closed', fillOpacity: 0.25, strokeWidth: 0, aria: false },
        encoding: { ...encoding, fill: { field: 'facet', type: 'nominal', title: 'facet' } },
      },
      { transform: [{ filter: 'datum.band !== true' }], mark: { type: 'line', point: { size: 12 } }, encoding },
    ],
  } as unknown as TopLevelSpec;
}
