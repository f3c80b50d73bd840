/**
 * The report's "Boundaries" section: for each boundary file `lnsweep refine` wrote, its curves (one colour per facet
 * value, in that parameter's palette) or, on one axis, the crossing values; and how many runs each refinement round
 * added. The curves take the phase diagrams' axes (σ on x there, σ on x here), whichever order refine was given. A
 * file's band (the median's 95% bootstrap interval containing the level) is shaded under its curves.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { readBoundaries } from '../boundary/boundary-cells.js';
import { axisKind } from '../base/cells.js';
import { figureHtml } from '../base/figure-html.js';
import { columnLabel, paramLabel, paramShort } from '../base/labels.js';
import { paramPalette, sweepPalette } from '../base/palette.js';
import { esc, fmt } from '../base/render.js';
import type { ParamKey, SweepData } from '../base/sweep-data.js';
import { niceTicks, tickProps } from '../base/ticks.js';

export interface BoundaryFigure {
  /** the boundary file's name and metric */
  name: string;
  metric: string;
  title: string;
  /** its curves per facet, as a sentence */
  summary: string;
  /** null when the file has no point */
  spec: TopLevelSpec | null;
}

/**
 * The curves of each two-axis boundary file, on the phase diagrams' axes (`axes`; refine may have been given them the
 * other way round), one colour per facet value in that parameter's palette, over the sweep's own grid extent.
 */
export function boundaryFigures(d: SweepData, files: ReturnType<typeof readBoundaries>, axes: { x: ParamKey; y: ParamKey } | null): BoundaryFigure[] {
  // the sweep's own grid: its axis kinds (log where log-spaced, as in the phase diagrams) and its extent
  const grid = d.rows.filter((r) => (r.extra?.refine_round ?? 0) === 0);
  const gridValues = (key: string) => grid.map((r) => Number(r.params[key as ParamKey]));
  const out: BoundaryFigure[] = [];
  for (const { name, file: whole } of files) {
    if (whole.axes.length !== 2) continue;
    const file = { ...whole, curves: whole.curves.filter((c) => c.kind === 'median') };
    const band = whole.curves.filter((c) => c.kind === 'band');
    const facetLabel = (values: unknown[]) => file.facets.map((k, i) => `${paramShort(k)} = ${fmtValue(values[i])}`).join(', ') || 'all';
    const swap = axes !== null && file.axes[0] === axes.y && file.axes[1] === axes.x;
    const [xKey, yKey] = swap ? [file.axes[1], file.axes[0]] : [file.axes[0], file.axes[1]];
    const title = `${columnLabel(file.metric)} = ${fmt(file.level)} over ${paramShort(xKey)} × ${paramShort(yKey)}`;
    const pointsOf = (curves: typeof file.curves, kind: 'curve' | 'band') =>
      curves.flatMap((c, segment) =>
        c.points.map((p, order) => ({
          x: swap ? p.y : p.x,
          y: swap ? p.x : p.y,
          segment: `${kind} ${segment}`,
          order,
          band: kind === 'band',
          facet: facetLabel(c.facetValues),
          facetValue: file.facets.length === 1 ? c.facetValues[0] : facetLabel(c.facetValues),
        })),
      );
    const points = [...pointsOf(band, 'band'), ...pointsOf(file.curves, 'curve')];
    const counts = new Map<string, number>();
    for (const c of file.curves) counts.set(facetLabel(c.facetValues), (counts.get(facetLabel(c.facetValues)) ?? 0) + 1);
    const summary =
      ([...counts].map(([f, n]) => `${f}: ${n} curve(s)`).join('; ') || 'no crossing') +
      (band.length > 0 ? `; shaded: the 95% band (${whole.replicates ?? '?'} replicates per point)` : '');
    // one curve colour per facet value; with no facet, one colour and no legend
    const colour =
      file.facets.length === 0
        ? { value: '#222222' }
        : file.facets.length === 1
          ? sweepPalette(d.rows, file.facets[0]).channel('facetValue', paramLabel(file.facets[0]))
          : paramPalette('facet', [...counts.keys()]).channel('facetValue', 'facet');
    const spec =
      points.length > 0 ? curvesSpec(points, { key: xKey, values: gridValues(xKey) }, { key: yKey, values: gridValues(yKey) }, colour, title) : null;
    out.push({ name, metric: file.metric, title, summary, spec });
  }
  return out;
}

export async function boundariesSection(
  d: SweepData,
  files: ReturnType<typeof readBoundaries>,
  axes: { x: ParamKey; y: ParamKey } | null,
): Promise<string | null> {
  const perRound = new Map<number, number>();
  for (const r of d.plan.runs) perRound.set(r.refine_round ?? 0, (perRound.get(r.refine_round ?? 0) ?? 0) + 1);
  if (files.length === 0 && perRound.size <= 1) return null;
  const rounds = [...perRound.keys()].sort((a, b) => a - b);
  let total = 0;
  const table = `<table class="grid"><tr><th>round</th><th class="num">runs added</th><th class="num">runs in all</th></tr>${rounds
    .map((k) => {
      total += perRound.get(k)!;
      return `<tr><td>${k === 0 ? "0: the sweep's grid" : `${k}: refinement`}</td><td class="num">${perRound.get(k)}</td><td class="num">${total}</td></tr>`;
    })
    .join('')}</table>`;
  const parts: string[] = [];
  for (const { name, file: whole } of files) {
    if (whole.axes.length !== 1) continue;
    const file = { ...whole, curves: whole.curves.filter((c) => c.kind === 'median') };
    const band = whole.curves.filter((c) => c.kind === 'band');
    const facetLabel = (values: unknown[]) => file.facets.map((k, i) => `${paramShort(k)} = ${fmtValue(values[i])}`).join(', ') || 'all';
    const title = `${columnLabel(file.metric)} = ${fmt(file.level)} over ${paramShort(file.axes[0])}`;
    const rows = file.curves.map((c) => `<tr><td>${esc(facetLabel(c.facetValues))}</td><td class="num">${fmt(c.points[0].x)}</td></tr>`).join('');
    const intervals = band.map((c) => `${esc(facetLabel(c.facetValues))}: ${fmt(c.points[0].x)} … ${fmt(c.points[1].x)}`).join('; ');
    parts.push(`<h3 id="boundary-${esc(file.metric)}">${esc(title)}</h3><p class="note"><code>${esc(name)}</code>: ${file.curves.length} crossing(s).${
      intervals ? ` 95% band: ${intervals}.` : ''
    }</p>
<table class="grid"><tr><th>facet</th><th class="num">${esc(paramShort(file.axes[0]))} at the crossing</th></tr>${rows}</table>`);
  }
  for (const f of boundaryFigures(d, files, axes)) {
    const caption = `<code>${esc(f.name)}</code>: ${esc(f.summary)}.`;
    const id = `boundary-${f.metric}`;
    parts.push(f.spec ? await figureHtml(f.spec, { id, caption }) : `<h3 id="${esc(id)}">${esc(f.title)}</h3><p class="note">${caption}</p>`);
  }
  return `<p class="note">Found by <code>lnsweep refine</code>: each round added runs only in the cells the level crosses. The phase diagrams above draw these curves in black over cells of their true size. The shaded band is where the 95% bootstrap interval of a point's median (over its replicates) contains the level: the boundary's place is uncertain by that much.</p>
${table}
${parts.join('\n')}`;
}

const fmtValue = (v: unknown): string => (typeof v === 'number' ? fmt(v) : String(v));

/** One axis of the curves' plot: the grid's kind (log or linear), its extent, round ticks. */
function curveAxis(field: string, a: { key: string; values: number[] }, length: number, horizontal: boolean) {
  const log = axisKind(a.values) === 'log';
  const [lo, hi] = [Math.min(...a.values), Math.max(...a.values)];
  return {
    field,
    type: 'quantitative',
    title: `${paramLabel(a.key)}${log ? ' (log)' : ''}`,
    scale: { type: log ? 'log' : 'linear', domain: [lo, hi], nice: false, zero: false },
    axis: tickProps(niceTicks(lo, hi, log ? 'log' : 'linear'), { length, domain: [lo, hi], scale: log ? 'log' : 'linear', horizontal }),
  };
}

function curvesSpec(
  points: object[],
  x: { key: string; values: number[] },
  y: { key: string; values: number[] },
  colour: object,
  title: string,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 320,
    height: 240,
    data: { values: points },
    encoding: {
      x: curveAxis('x', x, 320, true),
      y: curveAxis('y', y, 240, false),
      detail: { field: 'segment' },
      order: { field: 'order' },
    },
    layer: [
      // the band: polygons filled in the facet's colour, under the curves
      {
        transform: [{ filter: 'datum.band === true' }],
        mark: { type: 'line', interpolate: 'linear-closed', fillOpacity: 0.25, strokeWidth: 0, clip: true, aria: false },
        encoding: { fill: { ...colour, legend: null } },
      },
      { transform: [{ filter: 'datum.band !== true' }], mark: { type: 'line', point: { size: 12 }, clip: true }, encoding: { color: colour } },
    ],
  } as unknown as TopLevelSpec;
}
