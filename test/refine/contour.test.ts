import { describe, expect, it } from 'vitest';
import { crossings1d, edgeCrossing, gridCells, levelCurves, type CornerCell } from '../../src/sweep/refine/contour.js';

const linear = { xLog: false, yLog: false };

describe('level curves on a grid', () => {
  it('cuts the plane z = x + y along x + y = 1.5, ordered from its smaller end', () => {
    const cells = gridCells([0, 1, 2], [0, 1, 2], (x, y) => x + y);
    expect(levelCurves(cells, 1.5, linear)).toEqual([
      [
        { x: 0, y: 1.5 },
        { x: 0.5, y: 1 },
        { x: 1, y: 0.5 },
        { x: 1.5, y: 0 },
      ],
    ]);
  });

  it('splits a saddle by the centre value (mean of the corners)', () => {
    const saddle: CornerCell[] = [{ x0: 0, x1: 1, y0: 0, y1: 1, v: [1, 0, 1, 0] }];
    // centre 0.5 ≥ 0.5: the high corners are joined, the low corners cut off
    expect(levelCurves(saddle, 0.5, linear)).toEqual([
      [
        { x: 0, y: 0.5 },
        { x: 0.5, y: 1 },
      ],
      [
        { x: 0.5, y: 0 },
        { x: 1, y: 0.5 },
      ],
    ]);
    // centre 0.5 < 0.6: the high corners are cut off
    const high = levelCurves(saddle, 0.6, linear);
    expect(high).toHaveLength(2);
    expect(high[0][0].x).toBe(0);
    expect(high[0][0].y).toBeCloseTo(0.4, 14);
    expect(high[0][1].x).toBeCloseTo(0.4, 14);
    expect(high[0][1].y).toBe(0);
    expect(high[1][0].x).toBeCloseTo(0.6, 14);
    expect(high[1][0].y).toBe(1);
    expect(high[1][1].x).toBe(1);
    expect(high[1][1].y).toBeCloseTo(0.6, 14);
  });

  it('interpolates positions in log space on a log axis', () => {
    const cells = gridCells([1, 100], [0, 1], (x) => Math.log10(x));
    const [logCurve] = levelCurves(cells, 1, { xLog: true, yLog: false });
    expect(logCurve.map((p) => p.y)).toEqual([0, 1]);
    for (const p of logCurve) expect(p.x).toBeCloseTo(10, 12);
    const [linCurve] = levelCurves(cells, 1, linear);
    for (const p of linCurve) expect(p.x).toBeCloseTo(50.5, 12);
  });

  it('closes a loop and starts it at its smallest point', () => {
    const cells = gridCells([0, 1, 2], [0, 1, 2], (x, y) => (x === 1 && y === 1 ? 1 : 0));
    expect(levelCurves(cells, 0.5, linear)).toEqual([
      [
        { x: 0.5, y: 1 },
        { x: 1, y: 0.5 },
        { x: 1.5, y: 1 },
        { x: 1, y: 1.5 },
        { x: 0.5, y: 1 },
      ],
    ]);
  });

  it('draws nothing in a cell with a non-finite corner', () => {
    const cells = gridCells([0, 1, 2], [0, 1], (x) => (x === 2 ? NaN : x));
    expect(levelCurves(cells, 0.5, linear)).toEqual([
      [
        { x: 0.5, y: 0 },
        { x: 0.5, y: 1 },
      ],
    ]);
  });
});

describe('level curves on refined cells of varying size', () => {
  // z = y² : the hanging node (2, 1) has value 1, not the 2 that the big cell's corners would interpolate to
  const z = (y: number): number => y * y;
  const cell = (x0: number, x1: number, y0: number, y1: number): CornerCell => ({ x0, x1, y0, y1, v: [z(y0), z(y0), z(y1), z(y1)] });
  const cells = [cell(0, 2, 0, 2), cell(2, 3, 0, 1), cell(2, 3, 1, 2)];

  it("cuts a big cell at its neighbours' hanging nodes, so the curve joins up", () => {
    const curves = levelCurves(cells, 2, linear);
    expect(curves).toHaveLength(1);
    const [curve] = curves;
    expect(curve).toHaveLength(3);
    expect(curve[0]).toEqual({ x: 0, y: 1 });
    expect(curve[1].x).toBe(2);
    expect(curve[1].y).toBeCloseTo(4 / 3, 14);
    expect(curve[2].x).toBe(3);
    expect(curve[2].y).toBeCloseTo(4 / 3, 14);
  });

  it('gives the same curves whatever the order of the cells', () => {
    const a = levelCurves(cells, 2, linear);
    expect(levelCurves([...cells].reverse(), 2, linear)).toEqual(a);
    expect(levelCurves([cells[1], cells[0], cells[2]], 2, linear)).toEqual(a);
  });
});

describe('crossings along one axis', () => {
  it('finds each crossing, in log space when asked', () => {
    expect(crossings1d([0, 1, 2, 3], [0, 1, 0, 0], 0.5, false)).toEqual([0.5, 1.5]);
    const [c] = crossings1d([0.1, 1, 10], [0, 0, 1], 0.5, true);
    expect(c).toBeCloseTo(Math.sqrt(10), 12);
  });

  it('does not depend on the direction an edge is walked', () => {
    expect(edgeCrossing(1, 0.3, 3, 0.9, 0.5, false)).toBe(edgeCrossing(3, 0.9, 1, 0.3, 0.5, false));
    expect(edgeCrossing(1, 0.3, 3, 0.4, 0.5, false)).toBeNull();
  });
});
