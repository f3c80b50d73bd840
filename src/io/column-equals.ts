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
