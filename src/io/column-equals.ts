/**
 * Whether a column's value at a row is a given JavaScript value, looked up in the column's buffers: no string is
 * decoded and no number boxed. `status` and a `run` with nothing left to do compare every summary row's parameters
 * with the plan's (summary-table.ts, sameRun): 25 columns of 20,000 rows, a third of them text, whose decoded strings
 * were most of what the collector then had to sweep (issue 23).
 */
import { DataType, type Data, type Vector } from 'apache-arrow';
import { plainValues } from './arrow-columns.js';

/**
 * A column ready for columnEqualsAt. Read in place: Float64 values, Int64 values as two 32-bit words each, or ASCII
 * text byte by byte (a single chunk without nulls); any other column through plainValues's decoded values.
 */
export type ColumnForEquals =
  | { kind: 'float'; values: Float64Array }
  | { kind: 'int'; words: Uint32Array }
  | { kind: 'utf8'; offsets: Int32Array; bytes: Uint8Array }
  | { kind: 'decoded'; vector: Vector; values: ArrayLike<unknown> | null };

export function columnForEquals(vector: Vector): ColumnForEquals {
  const chunks = vector.data as Data[];
  const type = vector.type as DataType;
  const d = chunks.length === 1 && chunks[0].nullCount === 0 ? chunks[0] : null;
  if (d && DataType.isFloat(type) && d.values instanceof Float64Array) return { kind: 'float', values: d.values };
  // each value as two 32-bit words, little-endian (as every file lnsweep writes: arrow-columns.ts)
  if (d && DataType.isInt(type) && d.values instanceof BigInt64Array) {
    return { kind: 'int', words: new Uint32Array(d.values.buffer, d.values.byteOffset, 2 * d.length) };
  }
  if (d && DataType.isUtf8(type)) return { kind: 'utf8', offsets: d.valueOffsets as Int32Array, bytes: d.values as Uint8Array };
  return { kind: 'decoded', vector, values: null };
}

/**
 * True only when row `i` of `c` holds `value` (a number, or a string for a Utf8 column). False means "not shown equal
 * here", which callers settle by a full comparison: a string that is not ASCII is never shown equal in place. One
 * function for every kind (not a closure per column), so that a loop over 25 columns calls one target.
 */
export function columnEqualsAt(c: ColumnForEquals, i: number, value: unknown): boolean {
  switch (c.kind) {
    case 'float':
      return c.values[i] === value;
    case 'int': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return false;
      const high = Math.floor(value / 4294967296);
      return c.words[2 * i] === value - high * 4294967296 && c.words[2 * i + 1] === high >>> 0;
    }
    case 'utf8': {
      if (typeof value !== 'string') return false;
      const from = c.offsets[i];
      if (c.offsets[i + 1] - from !== value.length) return false;
      // an ASCII string is its own UTF-8 bytes, one per character; any other character is left to the full comparison
      for (let k = 0; k < value.length; k++) {
        const code = value.charCodeAt(k);
        if (code >= 0x80 || c.bytes[from + k] !== code) return false;
      }
      return true;
    }
    case 'decoded':
      return (c.values ??= plainValues(c.vector))[i] === value;
  }
}

/**
 * Whether rows 0 … rows − 1 of `c` all hold what row 0 holds, by columnEqualsAt's own rule (the same bytes, the same
 * number by ===: equal bits are ===, but for a NaN, which is never shown equal), so that a value shown equal at row 0
 * is equal at each of them. False for a column read through decoded values, and for no rows. The values are compared
 * by one memcmp of the column's bytes with themselves one row further on (equal exactly when each row is the row
 * before, byte for byte); text lengths by a loop over the offsets, O(rows).
 */
export function columnIsConstant(c: ColumnForEquals, rows: number): boolean {
  if (rows <= 0) return false;
  switch (c.kind) {
    case 'float':
      return repeats(c.values, 0, rows * 8, 8);
    case 'int':
      return repeats(c.words, 0, rows * 8, 8);
    case 'utf8': {
      const { offsets, bytes } = c;
      const from = offsets[0];
      const length = offsets[1] - from;
      for (let i = 1; i < rows; i++) if (offsets[i + 1] - offsets[i] !== length) return false;
      return length === 0 || repeats(bytes, from, from + rows * length, length);
    }
    case 'decoded':
      return false;
  }
}

/** Whether bytes [from, to) of `view` are their first `period` bytes over and over (each byte the one `period` before). */
function repeats(view: ArrayBufferView, from: number, to: number, period: number): boolean {
  const bytes = Buffer.from(view.buffer, view.byteOffset + from, to - from);
  return bytes.subarray(period).equals(bytes.subarray(0, bytes.length - period));
}
