import { describe, expect, it } from 'vitest';
import { buildCells } from '../../src/analysis/base/cells.js';
import { axisCoordinate } from '../../src/analysis/phase/phase-axes.js';
import {
  colourScale,
  facetColumns,
  PAGE_WIDTH,
  phaseSpec,
  spreadSpec,
  wrapLegend,
  type PhaseSpecInput,
} from '../../src/analysis/phase/phase-spec.js';
import { renderSvg } from '../../src/analysis/base/render.js';
import { row } from './fixtures.js';

const svgWidth = (svg: string): number => Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)![1]);
const titles = (svg: string): string[] => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);

/**
 * σ ∈ {0, 0.5, 1, 2} (a band axis) × α ∈ {0.5, 1, 2} (log) × `facets` widths, two replicates with different rates;
 * the (σ = 2, α = 2) cell diverged, so the diagram has both legends (values and cell kinds).
 */
function input(facets: number, extra: Partial<PhaseSpecInput> = {}): PhaseSpecInput {
  const rows = [100, 200, 400, 800, 1600, 3200].slice(0, facets).flatMap((width) =>
    [0, 0.5, 1, 2].flatMap((sigma) =>
      [0.5, 1, 2].flatMap((alpha) =>
        [0, 1].map((replicate) =>
          row({
            replicate,
            params: { sigma, alpha, width },
            status: sigma === 2 && alpha === 2 ? 'diverged' : 'done',
            extra: { norm_decay_rate: (1 + sigma) * alpha * (1 + replicate) * 1e-4 },
          }),
        ),
      ),
    ),
  );
  const q = { x: 'sigma', y: 'alpha', z: 'norm_decay_rate', facet: 'width', agg: 'median' } as const;
  return { cells: buildCells(rows, q), ...q, ...extra };
}

describe('facet wrapping', () => {
  it('puts as many facets in a row as the page holds beside one legend column, balanced over the rows', () => {
    // (1300 − 230 legend − 90 axis) / (220 panel + 25 gap) = 4 fit; 5 → 3 + 2, 7 → 4 + 3, 9 → 3 + 3 + 3
    expect([1, 3, 4, 5, 6, 7, 8, 9].map((n) => facetColumns(n, 220))).toEqual([1, 3, 4, 3, 3, 4, 4, 3]);
    expect(facetColumns(6, 600)).toBe(1);
  });

  it('keeps a six-facet diagram within the page width, with one legend for all facets', async () => {
    const svg = await renderSvg(phaseSpec(input(6)));
    expect(svgWidth(svg)).toBeLessThanOrEqual(PAGE_WIDTH);
    expect(svg.match(/>median Phase I norm</g)).toHaveLength(1); // the value legend's title, once
    expect(svg.match(/>cell<\/text>/g)).toHaveLength(1); // the cell kinds' legend, once
    expect(svg.match(/>diverged<\/text>/g)).toHaveLength(1);
    expect(titles(svg).filter((t) => t.startsWith('σ = '))).toHaveLength(6 * 4 * 3);
    for (const m of [100, 3200]) expect(svg.includes(`>m = ${m}</text>`), `header m = ${m}`).toBe(true); // facet headers name their parameter
  });
});

describe('axes', () => {
  it('places a value on a band axis by interpolating its index between grid values', () => {
    const grid = [0, 0.5, 1, 2, 4, 8];
    expect([0, 0.25, 1, 3, 8].map((v) => axisCoordinate(grid, 'band', v))).toEqual([0, 0.5, 2, 3.5, 5]);
    expect(axisCoordinate(grid, 'log', 3)).toBe(3);
  });

  it('labels a band axis with its grid values at the indices', async () => {
    const svg = await renderSvg(phaseSpec(input(1)));
    for (const label of ['0', '0.5', '1', '2']) expect(svg.includes(`>${label}</text>`), label).toBe(true);
    expect(svg.includes('init scale α (log)')).toBe(true);
  });
});

describe('legends', () => {
  it('splits a long legend title into lines of at most 22 characters', () => {
    expect(wrapLegend('median final mean |cos(wᵢ, θ*)|')).toEqual(['median final mean', '|cos(wᵢ, θ*)|']);
    expect(wrapLegend('cell')).toBe('cell');
  });

  it('colours a measured/predicted ratio on a log scale diverging at 1, symmetric in decades', () => {
    expect(colourScale([0.5, 1.2, 4], 'decay_rate_ratio')).toEqual({
      scheme: 'blueorange',
      type: 'log',
      domain: [0.25, 4],
      domainMid: 1,
      nice: false,
    });
    expect(colourScale([0.9, 1.1], 'decay_rate_ratio')).toMatchObject({ domain: [0.5, 2] });
  });
});

describe('overlays and the spread figure', () => {
  const curve = {
    label: 'theory: Phase I ends at the last step',
    colour: '#111111',
    dash: [6, 3],
    points: [100, 200].flatMap((facet) => [
      { facet, segment: 0, x: 0.25, y: 0.5 },
      { facet, segment: 0, x: 1.5, y: 2 },
    ]),
  };

  it('draws a curve over the cells with its own legend entry', async () => {
    const svg = await renderSvg(phaseSpec(input(2, { overlays: [curve] })));
    expect(svg.includes('>theory: Phase I ends at the last step</text>')).toBe(true);
    expect(svg.match(/<path[^>]*stroke="#111111"[^>]*stroke-dasharray="6,3"/g)).toHaveLength(2 + 1); // one per facet, one legend symbol
  });

  it('leaves out a curve with fewer than two points', async () => {
    const svg = await renderSvg(phaseSpec(input(2, { overlays: [{ ...curve, points: curve.points.slice(0, 1) }] })));
    expect(svg.includes('theory: Phase I')).toBe(false);
  });

  it('draws the spread as its own figure, and none when no cell has two finite values', async () => {
    const svg = await renderSvg(spreadSpec(input(2))!);
    expect(titles(svg).filter((t) => t.startsWith('spread: IQR'))).toHaveLength(2 * (4 * 3 - 1)); // the diverged cell has no spread
    const single = input(1);
    expect(spreadSpec({ ...single, cells: single.cells.map((c) => ({ ...c, spread: null })) })).toBeNull();
  });
});
