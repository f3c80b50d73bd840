import { describe, expect, it } from 'vitest';
import { Float64, Int64, Utf8, makeVector, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { columnEqualsAt, columnForEquals, columnIsConstant } from '../../src/io/column-equals.js';

/** columnEqualsAt over one column, as summary-table.ts's sameRun calls it */
const columnEquals = (v: Vector) => {
  const c = columnForEquals(v);
  return (i: number, value: unknown) => columnEqualsAt(c, i, value);
};

/** arrow-js's own reading of each value (its get visitor), Int64 as numbers. */
const viaArrow = (v: Vector): unknown[] =>
  Array.from({ length: v.length }, (_, i) => {
    const value = v.get(i) as unknown;
    return typeof value === 'bigint' ? Number(value) : value;
  });

const column = (type: DataType, values: unknown[]): Vector => vectorFromArray(values as never[], type);

/** every value of every column below, and near misses: another type, a prefix, a longer string, ±1 */
const PROBES: unknown[] = [
  ...['sgd', 'sam', 'sg', 'sgdx', '', 'é', 'train loss ≥ 1e6', '[]', '[0,500]', '[0,501]', '0', 'null', '1'],
  ...[0, -0, 1, -1, -5, 7, 500, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), 2 ** 52, 2 ** 53 + 2, 0.5, 0.1, Number.NaN, Infinity],
  null,
  undefined,
  5n,
  ['sgd'],
];

/** Every row's verdict on every probe, beside arrow-js's value === probe. */
function verdicts(v: Vector): { row: number; probe: unknown; equals: boolean; reference: boolean }[] {
  const equals = columnEquals(v);
  const values = viaArrow(v);
  return values.flatMap((value, row) => PROBES.map((probe) => ({ row, probe, equals: equals(row, probe), reference: value === probe })));
}

describe('columnEquals (a column value compared in its buffers)', () => {
  // columns read in place: single chunk, no nulls, and (strings) ASCII: the verdict is exactly ===
  const exact: [string, Vector][] = [
    ['ASCII strings', column(new Utf8(), ['sgd', 'sam', '', '[0,500]', '[]', 'null', '0'])],
    ['Int64, negative, past 2^32 and at 2^52', column(new Int64(), [0n, -5n, 7n, 2n ** 32n, -(2n ** 32n), 2n ** 52n, 1n])],
    ['Float64', makeVector(new Float64Array([0.5, -0, 0.1, Infinity, 500, -1]))],
    ['a slice of strings (offsets cut to it)', column(new Utf8(), ['x', 'sgd', 'sam', 'sg', '[]', 'y']).slice(1, 5)],
  ];
  for (const [name, v] of exact) {
    it(`says equal exactly when arrow-js's value is the probe (===): ${name}`, () => {
      for (const { row, probe, equals, reference } of verdicts(v)) expect([row, probe, equals]).toEqual([row, probe, reference]);
    });
  }

  it('never says equal wrongly where it compares through decoded values or gives up (nulls, chunks, non-ASCII, 2^53)', () => {
    const others: Vector[] = [
      column(new Utf8(), ['é', 'train loss ≥ 1e6', 'sgd', null, '']),
      column(new Int64(), [1n, null, -5n, 2n ** 53n + 2n]),
      column(new Float64(), [0.5, null, Number.NaN]),
      column(new Utf8(), ['sgd']).concat(column(new Utf8(), ['sam', 'é'])),
    ];
    let equalSeen = 0;
    for (const v of others) {
      for (const { row, probe, equals, reference } of verdicts(v)) {
        if (equals) expect([row, probe, reference]).toEqual([row, probe, true]);
        equalSeen += equals ? 1 : 0;
      }
    }
    // the decoded comparison still finds what is there (null too), and ASCII in a column with non-ASCII rows
    expect(equalSeen).toBeGreaterThanOrEqual(10);
    expect(columnEquals(others[0])(2, 'sgd')).toBe(true);
    expect(columnEquals(others[0])(3, null)).toBe(true);
    expect(columnEquals(others[3])(1, 'sam')).toBe(true);
  });
});

describe('columnIsConstant (every row holds what row 0 holds, so a value shown equal at row 0 is equal at each)', () => {
  const cases: [string, Vector, boolean][] = [
    ['one string throughout', column(new Utf8(), ['sgd', 'sgd', 'sgd']), true],
    ['a last string one byte off', column(new Utf8(), ['sgd', 'sgd', 'sgc']), false],
    ['the same bytes cut otherwise (ab|ab|ab against ab|a|bab)', column(new Utf8(), ['ab', 'a', 'bab']), false],
    ['empty strings throughout', column(new Utf8(), ['', '', '']), true],
    ['a string then an empty one', column(new Utf8(), ['[]', '']), false],
    ['one string, in a slice of a column that is not', column(new Utf8(), ['x', 'sam', 'sam', 'y']).slice(1, 3), true],
    ['one Int64 throughout, past 2^32', column(new Int64(), [2n ** 32n + 5n, 2n ** 32n + 5n]), true],
    ['Int64s apart in the high word only', column(new Int64(), [5n, 2n ** 32n + 5n]), false],
    ['one Float64 throughout', makeVector(new Float64Array([0.01, 0.01, 0.01])), true],
    ['Float64s apart in the last row', makeVector(new Float64Array([0.01, 0.01, 0.02])), false],
    ['a single row', column(new Utf8(), ['sgd']), true],
    ['no rows', column(new Utf8(), []), false],
    ['a column read through decoded values (a null)', column(new Utf8(), ['sgd', null]), false],
  ];
  for (const [name, v, constant] of cases) {
    it(`${name}: ${constant}`, () => {
      const c = columnForEquals(v);
      expect(columnIsConstant(c, v.length)).toBe(constant);
      // the promise it makes: row 0's value, read by arrow-js, is what every row holds (===)
      const values = viaArrow(v);
      if (constant) for (let i = 0; i < v.length; i++) expect(columnEqualsAt(c, i, values[0])).toBe(true);
      else if (v.length > 1 && c.kind !== 'decoded') expect(values.every((x) => x === values[0])).toBe(false);
    });
  }
});
