/**
 * Column data for record batches, built straight from typed arrays, never through JS arrays of numbers: a
 * Float64Array becomes a Float64 column without a copy; Int64 columns need one BigInt64Array; repeated strings share
 * one run of bytes per value. The same as raw buffers for arrow-ipc-write.ts (metrics.arrow): repeatedBuffers, bytesOf.
 * `batchOf` checks every column against the schema before arrow-js sees it, because a batch whose types differ
 * from the writer's schema makes the writer drop the rest of the file silently (apache/arrow-js #388).
 */
import { Bool, Data, DataType, Float64, Int64, RecordBatch, Schema, Struct, Utf8, makeData, util, vectorFromArray, type Vector } from 'apache-arrow';

/** A Float64 column over `values` itself (no copy). */
export function float64Data(values: Float64Array): Data<Float64> {
  return makeData({ type: new Float64(), length: values.length, data: values });
}

/** An Int64 column from integral doubles (step and neuron indices are carried as Float64Array by the core). */
export function int64DataFromFloat64(values: Float64Array): Data<Int64> {
  return makeData({ type: new Int64(), length: values.length, data: int64ArrayFromFloat64(values) });
}

/**
 * Integral doubles as 64-bit integers, exactly, written as two 32-bit words each (little-endian, as on every platform
 * Node runs on and in every file lnsweep writes): a BigInt per value took much of a long run's merge. A value that is
 * not an integer is refused, as BigInt() refuses it.
 */
export function int64ArrayFromFloat64(values: Float64Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) throw new RangeError(`${v} is not an integer: it cannot be an Int64 value`);
    const high = Math.floor(v / 4294967296);
    words[2 * i] = v - high * 4294967296;
    words[2 * i + 1] = high; // wraps to two's complement for a negative value
  }
  return out;
}

/** A Utf8 column holding `value` on every one of `length` rows: O(length · bytes), no per-row strings. */
export function repeatedUtf8(value: string, length: number): Data<Utf8> {
  return makeData({ type: new Utf8(), length, ...repeatedUtf8Arrays(value, length) });
}

/** `value`'s UTF-8 bytes `length` times over, and the offsets of a Utf8 column of them. */
function repeatedUtf8Arrays(value: string, length: number): { valueOffsets: Int32Array; data: Uint8Array } {
  const bytes = Buffer.from(value, 'utf8');
  const data = new Uint8Array(bytes.byteLength * length);
  const valueOffsets = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) {
    data.set(bytes, i * bytes.byteLength);
    valueOffsets[i + 1] = (i + 1) * bytes.byteLength;
  }
  return { valueOffsets, data };
}

/** The bytes of a typed array (a view, no copy). */
export const bytesOf = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/**
 * A column holding `value` (a parameter's column value; a bigint for Int64) on every one of `length` rows, for the
 * column's type, as the buffers a record batch holds after the validity one (arrow-ipc-write.ts): its values, or a
 * Utf8 column's offsets and bytes.
 */
export function repeatedBuffers(type: DataType, value: bigint | number | string, length: number): Uint8Array[] {
  if (type instanceof Int64) return [bytesOf(new BigInt64Array(length).fill(BigInt(value)))];
  if (type instanceof Float64) return [bytesOf(new Float64Array(length).fill(Number(value)))];
  if (type instanceof Utf8) {
    const { valueOffsets, data } = repeatedUtf8Arrays(String(value), length);
    return [bytesOf(valueOffsets), data];
  }
  throw new Error(`bug: no repeated column for type ${typeName(type)}`);
}

/**
 * A column of the given type from plain values, nulls allowed (summary rows: a value per row and column). Float64,
 * Int64 (bigint values), Utf8 and Bool straight into typed arrays and a validity bitmap, as arrow-js's builders lay
 * them out (a null holds 0, or no bytes); other types through arrow-js's builders, which took a second for the summary
 * of 20,000 runs.
 */
export function dataFromValues<T extends DataType>(type: T, values: readonly unknown[]): Data<T> {
  const length = values.length;
  // bitmaps padded to 64 bytes, as arrow-js's builders leave them (and its writer writes them): the same file's bytes
  const bitmapBytes = (((length + 7) >> 3) + 63) & ~63;
  const valid = new Uint8Array(bitmapBytes);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else valid[i >> 3] |= 1 << (i & 7);
  }
  const nullBitmap = nullCount > 0 ? valid : undefined;
  const present = (i: number) => (valid[i >> 3] & (1 << (i & 7))) !== 0;
  if (type instanceof Float64) {
    const data = new Float64Array(length);
    for (let i = 0; i < length; i++) if (present(i)) data[i] = Number(values[i]);
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  if (type instanceof Int64) {
    const data = new BigInt64Array(length);
    for (let i = 0; i < length; i++) if (present(i)) data[i] = BigInt(values[i] as bigint | number);
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  if (type instanceof Bool) {
    const data = new Uint8Array(bitmapBytes);
    for (let i = 0; i < length; i++) if (present(i) && values[i]) data[i >> 3] |= 1 << (i & 7);
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  if (type instanceof Utf8) {
    const strings = values.map((v, i) => (present(i) ? Buffer.from(String(v), 'utf8') : EMPTY));
    const valueOffsets = new Int32Array(length + 1);
    for (let i = 0; i < length; i++) valueOffsets[i + 1] = valueOffsets[i] + strings[i].byteLength;
    return makeData({ type, length, nullCount, nullBitmap, valueOffsets, data: Buffer.concat(strings) });
  }
  const vector = vectorFromArray(values as never[], type);
  const chunks = vector.data as Data<T>[];
  if (chunks.length === 1) return chunks[0];
  throw new Error(`bug: expected one chunk for ${values.length} values, got ${chunks.length}`);
}

const EMPTY = Buffer.alloc(0);

/** An Arrow type as arrow-js prints it (Float64, Int64, Utf8): each concrete type has a toString() its base does not declare. */
function typeName(type: DataType): string {
  return (type as { toString(): string }).toString();
}

/** One record batch of `schema` from its columns, in schema order, after checking types and lengths. */
export function batchOf(schema: Schema, columns: readonly Data[]): RecordBatch {
  if (columns.length !== schema.fields.length) {
    throw new Error(`bug: ${columns.length} columns for a schema of ${schema.fields.length}`);
  }
  const length = columns.length > 0 ? columns[0].length : 0;
  schema.fields.forEach((field, i) => {
    const column = columns[i];
    if (!util.compareTypes(field.type, column.type)) {
      throw new Error(`bug: column '${field.name}' is ${typeName(column.type)}, the schema says ${typeName(field.type as DataType)}`);
    }
    if (column.length !== length) {
      throw new Error(`bug: column '${field.name}' has ${column.length} rows, the first column ${length}`);
    }
    if (!field.nullable && column.nullCount > 0) {
      throw new Error(`bug: column '${field.name}' is not nullable but holds ${column.nullCount} nulls`);
    }
  });
  const struct = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: [...columns] });
  return new RecordBatch(schema, struct);
}

/**
 * A column's values as one plain array-like, null where the column is null: Float64 as a Float64Array (no copy when it
 * has no nulls and one chunk), Int64 as numbers (exact below 2^53, as Number() gives them), Bool as booleans, Utf8 as
 * strings. Read straight from the buffers: arrow-js's `toArray()` of a string column, and `isValid(i)` per value, go
 * through its visitors value by value, which was most of reading a summary of 20,000 rows (issue 23).
 */
export function plainValues(vector: Vector): ArrayLike<unknown> {
  const chunks = vector.data as Data[];
  const type = vector.type as DataType;
  if (chunks.length === 1 && chunks[0].nullCount === 0 && chunks[0].values instanceof Float64Array) {
    return chunks[0].values.subarray(0, chunks[0].length);
  }
  const out: unknown[] = new Array<unknown>(vector.length);
  let at = 0;
  for (const d of chunks) {
    const read = chunkReader(d, type);
    const bitmap = d.nullCount > 0 ? d.nullBitmap : undefined;
    for (let i = 0; i < d.length; i++) {
      const bit = d.offset + i;
      out[at++] = bitmap && ((bitmap[bit >> 3] >> (bit & 7)) & 1) === 0 ? null : read(i);
    }
  }
  return out;
}

/**
 * The value at index `i` of a chunk, for the types plainValues reads. A slice of a column (arrow-js's Data.slice) has
 * its value buffers cut to it already, but not its bits: the null bitmap and a Bool's values count from its offset.
 */
function chunkReader(d: Data, type: DataType): (i: number) => unknown {
  // types as read from a file are arrow-js's generic ones (an Int_ of 64 bits, not an Int64): told by their buffers
  if (DataType.isFloat(type) && d.values instanceof Float64Array) {
    const values = d.values;
    return (i) => values[i];
  }
  if (DataType.isInt(type) && d.values instanceof BigInt64Array) {
    const values = d.values;
    return (i) => Number(values[i]);
  }
  if (DataType.isBool(type)) {
    const bits = d.values as Uint8Array;
    return (i) => ((bits[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1) === 1;
  }
  if (DataType.isUtf8(type)) {
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const from = offsets[0];
    const to = offsets[d.length];
    // ASCII text (ids, names, statuses, numbers) decodes once as a whole and is sliced; other text value by value
    let ascii = true;
    for (let k = from; k < to && ascii; k++) ascii = bytes[k] < 0x80;
    if (!ascii) return (i) => buffer.toString('utf8', offsets[i], offsets[i + 1]);
    const text = buffer.toString('latin1', from, to);
    return (i) => text.slice(offsets[i] - from, offsets[i + 1] - from);
  }
  throw new Error(`bug: plainValues reads Float64, Int64, Bool and Utf8 columns, not ${typeName(type)}`);
}
