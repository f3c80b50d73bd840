import { describe, expect, it } from 'vitest';
import { Bool, Float64, Int64, Utf8, makeVector, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { plainValues } from '../../src/io/arrow-columns.js';

/** arrow-js's own reading of each value (its get visitor), Int64 as the numbers plainValues gives. */
const viaArrow = (v: Vector): unknown[] =>
  Array.from({ length: v.length }, (_, i) => {
    const value = v.get(i) as unknown;
    return typeof value === 'bigint' ? Number(value) : value;
  });

const column = (type: DataType, values: unknown[]): Vector => vectorFromArray(values as never[], type);

describe('plainValues (a column read straight from its buffers)', () => {
  const cases: [string, DataType, unknown[]][] = [
    ['ASCII strings with nulls', new Utf8(), ['a', null, '', 'done', 'diverged', null, '0123456789abcdef']],
    ['non-ASCII strings with nulls', new Utf8(), ['train loss ≥ 1e6', null, 'é', '', '…at step 21', '日本']],
    ['Int64 with nulls', new Int64(), [0n, null, -5n, 2n ** 52n, null, 7n]],
    ['Bool with nulls', new Bool(), [true, null, false, false, true, null, true, true, false]],
    ['Float64 with nulls', new Float64(), [0.5, null, -0, Number.NaN, Infinity, null]],
    ['Float64 without nulls', new Float64(), [0.1, 2, -3.5]],
  ];
  for (const [name, type, values] of cases) {
    it(`reads ${name} as arrow-js's get() does`, () => {
      const v = column(type, values);
      expect(Array.from(plainValues(v))).toEqual(viaArrow(v));
    });
  }

  it('reads a slice (a chunk with an offset into its buffers) and a column of several chunks', () => {
    const strings = column(new Utf8(), ['x', 'é', null, 'abc', 'd', null, 'ef', 'g', 'h', 'i']);
    const sliced = strings.slice(3, 9);
    expect(sliced.data[0].offset).toBe(3);
    expect(Array.from(plainValues(sliced))).toEqual(['abc', 'd', null, 'ef', 'g', 'h']);
    const bools = column(new Bool(), [true, null, false, true, true, false, null, true, false, true, true]).slice(5);
    expect(Array.from(plainValues(bools))).toEqual(viaArrow(bools));
    const ints = column(new Int64(), [1n, null, 3n]).concat(column(new Int64(), [null, 5n]));
    expect(ints.data).toHaveLength(2);
    expect(Array.from(plainValues(ints))).toEqual([1, null, 3, null, 5]);
    const floats = makeVector(new Float64Array([1, 2, 3, 4])).slice(1, 3);
    expect(Array.from(plainValues(floats))).toEqual([2, 3]);
  });
});
