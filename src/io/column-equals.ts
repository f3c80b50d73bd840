/**
 * Whether a column's value at a row is a given JavaScript value, looked up in the column's buffers: no string is
 * decoded and no number boxed. `status` and a `run` with nothing left to do compare every summary row's parameters
 * with the plan's (summary-table.ts, sameRun): 25 columns of 20,000 rows, a third of them text, whose decoded strings
 * were most of what the collector then had to sweep (issue 23).
 */
import { DataType, type Data, type Vector } from 'apache-arrow';
import { plainValues } from './arrow-columns.js';

/**
 * `equals(i, value)`: true only when row `i` holds `value` (a number, or a string for a Utf8 column). False means
 * "not shown equal here", which callers settle by a full comparison: a null, a column in several chunks, text that is
 * not ASCII and any other type are compared through plainValues's decoded values.
 */
export function columnEquals(vector: Vector): (i: number, value: unknown) => boolean {
  const chunks = vector.data as Data[];
  const type = vector.type as DataType;
  const d = chunks.length === 1 && chunks[0].nullCount === 0 ? chunks[0] : null;
  if (d && DataType.isFloat(type) && d.values instanceof Float64Array) {
    const values = d.values;
    return (i, value) => values[i] === value;
  }
  if (d && DataType.isInt(type) && d.values instanceof BigInt64Array) {
    // each value as two 32-bit words, little-endian (as every file lnsweep writes: arrow-columns.ts)
    const words = new Uint32Array(d.values.buffer, d.values.byteOffset, 2 * d.length);
    return (i, value) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return false;
      const high = Math.floor(value / 4294967296);
      return words[2 * i] === value - high * 4294967296 && words[2 * i + 1] === high >>> 0;
    };
  }
  if (d && DataType.isUtf8(type)) {
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    return (i, value) => {
      if (typeof value !== 'string') return false;
      const from = offsets[i];
      if (offsets[i + 1] - from !== value.length) return false;
      // an ASCII string is its own UTF-8 bytes, one per character; any other character is left to the full comparison
      for (let k = 0; k < value.length; k++) {
        const c = value.charCodeAt(k);
        if (c >= 0x80 || bytes[from + k] !== c) return false;
      }
      return true;
    };
  }
  let values: ArrayLike<unknown> | null = null;
  return (i, value) => (values ??= plainValues(vector))[i] === value;
}
