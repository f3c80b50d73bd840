import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { niceTicks, tickLabel, tickProps } from '../../src/analysis/base/ticks.js';
import { paramPalette } from '../../src/analysis/base/palette.js';
import { renderSvg } from '../../src/analysis/base/render.js';

/** The labels vega draws on an x axis given `axis` (values and labelExpr) over [lo, hi], as they appear in the SVG. */
async function drawnLabels(axis: object, lo: number, hi: number, type: 'log' | 'linear'): Promise<string[]> {
  const spec = {
    width: 600,
    height: 20,
    data: { values: [{ x: lo }, { x: hi }] },
    mark: 'point',
    encoding: { x: { field: 'x', type: 'quantitative', scale: { type, domain: [lo, hi], nice: false }, axis } },
  } as unknown as TopLevelSpec;
  const svg = await renderSvg(spec);
  const group = /<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/.exec(svg)![1];
  return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('tick labels', () => {
  it('keep at most 4 significant digits, with k/M for large numbers and ×10ⁿ for small ones', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [0.5, '0.5'],
      [0.840896415254, '0.8409'],
      [2.37841423001, '2.378'],
      [1, '1'],
      [9750.25, '9750'],
      [10_000, '10k'],
      [12_500, '12.5k'],
      [600_000, '600k'],
      [2_500_000, '2.5M'],
      [3e9, '3G'],
      [0.001, '0.001'],
      [5e-4, '5×10⁻⁴'],
      [1e-4, '10⁻⁴'],
      [1.23456e-7, '1.235×10⁻⁷'],
      [-0.25, '−0.25'],
      [4e13, '4×10¹³'],
    ];
    for (const [v, label] of cases) expect(tickLabel(v), String(v)).toBe(label);
  });
});

describe('nice ticks', () => {
  it('on a log axis: 1-2-5 within a decade or two, decades beyond, every other decade past eight', () => {
    expect(niceTicks(0.42, 4.76, 'log')).toEqual([0.5, 1, 2]); // refine-lazy's α grid, half a step past its ends
    expect(niceTicks(0.0126, 3.17, 'log')).toEqual([0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]); // refine-collapse's ρ
    expect(niceTicks(0.00162, 16.2, 'log')).toEqual([0.01, 0.1, 1, 10]);
    expect(niceTicks(1e-9, 2, 'log')).toEqual([1e-8, 1e-6, 1e-4, 0.01, 1]);
    expect(niceTicks(1.1, 1.9, 'log')).toEqual([1.2, 1.4, 1.6, 1.8]);
  });

  it('on a linear axis: d3 steps; on a symlog one: 0 and decades either side', () => {
    expect(niceTicks(0, 600_000, 'linear', 4)).toEqual([0, 200_000, 400_000, 600_000]);
    expect(niceTicks(-0.5, 4.5, 'linear')).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(-0.3, 20, 'symlog')).toEqual([-0.1, -0.01, 0, 0.01, 0.1, 1, 10]); // four decades below the top
  });

  it('are drawn by vega with the labels tickLabel gives them', async () => {
    const values = [1e-8, 1e-6, 1e-4, 0.01, 1];
    expect(await drawnLabels(tickProps(values), 1e-9, 2, 'log')).toEqual(['10⁻⁸', '10⁻⁶', '10⁻⁴', '0.01', '1']);
    expect(await drawnLabels(tickProps([0, 200_000, 400_000, 600_000]), 0, 600_000, 'linear')).toEqual(['0', '200k', '400k', '600k']);
  });

  it('are thinned to what fits their axis: decades first on a log axis, then every other value', () => {
    const fives = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01];
    const room = { length: 120, domain: [0.0001, 0.02] as const, scale: 'log' as const, horizontal: true };
    expect(tickProps(fives, room).values).toEqual([0.001, 0.01]);
    expect(tickProps(fives, { ...room, length: 2000 }).values).toEqual(fives);
    // stacked labels (a y axis) need a line each: 11 values on 60 px keep every third
    const tenths = Array.from({ length: 11 }, (_, i) => i / 10);
    expect(tickProps(tenths, { length: 60, domain: [0, 1], scale: 'linear', horizontal: false }).values).toEqual([0, 0.3, 0.6, 0.9]);
  });

  it('drop a tick whose label would repeat its neighbour', () => {
    expect(tickProps([9750, 9750.2, 9750.4, 9760]).values).toEqual([9750, 9760]);
  });
});

describe('parameter palettes', () => {
  it('give σ the same colour whichever figure asks, listing up to 8 values and a colour bar beyond', () => {
    const few = paramPalette('sigma', [0, 0.5, 1, 2, 4, 8]);
    expect(few.discrete).toBe(true);
    expect(few.colour(0)).toBe(paramPalette('sigma', [8, 4, 2, 1, 0.5, 0, 4]).colour(0)); // order and repeats do not matter
    expect(new Set([0, 0.5, 1, 2, 4, 8].map(few.colour)).size).toBe(6);
    const many = paramPalette(
      'sigma',
      Array.from({ length: 30 }, (_, i) => i / 7.25),
    );
    expect(many.discrete).toBe(false);
    const channel = many.channel('sigma', 'label noise σ') as { type: string; scale: { domain: number[] }; legend: { values: number[] } };
    expect(channel.type).toBe('quantitative');
    expect(channel.scale.domain).toEqual([0, 29 / 7.25]);
    expect(channel.legend.values).toEqual([0, 1, 2, 3, 4]);
    // the ends of the bar are the ends of the scheme's used range
    expect(many.colour(0)).toBe(few.colour(0));
    expect(many.colour(29 / 7.25)).toBe(few.colour(8));
  });

  it('colour a log-spaced parameter by its logarithm, and say so in the title', () => {
    const rho = Array.from({ length: 12 }, (_, i) => 0.02 * 10 ** (i / 5.5));
    const p = paramPalette('rho', rho);
    const channel = p.channel('rho', 'SAM radius ρ') as { title: string; scale: { type: string } };
    expect(channel.title).toBe('SAM radius ρ (log)');
    expect(channel.scale.type).toBe('log');
    // the geometric middle of the range gets the colour at the middle of the bar
    expect(p.colour(Math.sqrt(rho[0] * rho[11]))).toBe(
      paramPalette('rho', [rho[0], Math.sqrt(rho[0] * rho[11]), rho[11]]).colour(Math.sqrt(rho[0] * rho[11])),
    );
  });
});
