/**
 * Arrow IPC files at the level of their messages (Arrow columnar format, "IPC File Format"), for the two paths a folder
 * of thousands of runs takes once per run: reading a run file and writing its record batch into metrics.arrow. arrow-js
 * builds dozens of objects per column and file (its readers and writers took about 1 ms per run file and per merged
 * batch, most of `merge`'s time); here the footer and messages are read and written with the format's own flatbuffers
 * bindings (apache-arrow/fb, generated from the Arrow .fbs files) and the columns stay bytes.
 *
 * Only flat columns without nulls: Utf8, Int64 and Float64 (the run files' and metrics.arrow's schemas). The writer
 * writes the same bytes as arrow-js's RecordBatchFileWriter for the same batches (test/io/arrow-ipc.test.ts): the magic,
 * each batch as a message (continuation marker, length, flatbuffer padded to 8) and a body of buffers each padded to 8,
 * the end-of-stream marker, the footer (schema and blocks), its length, the magic. The reader checks what arrow-js
 * would otherwise trust: every block, message and buffer lies inside the file, the columns are the schema's, every
 * column has the batch's row count, no nulls, and string offsets stay inside their bytes.
 */
import { DataType, Field, Float64, Int64, Schema, Utf8 } from 'apache-arrow';
import { Block } from 'apache-arrow/fb/block';
import { Buffer as FbBuffer } from 'apache-arrow/fb/buffer';
import { Endianness } from 'apache-arrow/fb/endianness';
import { Field as FbField } from 'apache-arrow/fb/field';
import { FieldNode } from 'apache-arrow/fb/field-node';
import { FloatingPoint } from 'apache-arrow/fb/floating-point';
import { Footer } from 'apache-arrow/fb/footer';
import { Int } from 'apache-arrow/fb/int';
import { KeyValue } from 'apache-arrow/fb/key-value';
import { Message } from 'apache-arrow/fb/message';
import { MessageHeader } from 'apache-arrow/fb/message-header';
import { Precision } from 'apache-arrow/fb/precision';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { Schema as FbSchema } from 'apache-arrow/fb/schema';
import { Type } from 'apache-arrow/fb/type';
import { ByteBuffer, Encoding } from 'flatbuffers';

/** Both ends of an Arrow IPC file */
export const IPC_MAGIC = Buffer.from('ARROW1', 'latin1');
/** the magic and 2 padding bytes at the start; the footer's length and the magic at the end */
const HEAD_BYTES = 8;
const TAIL_BYTES = 10;
const CONTINUATION = -1;

/**
 * How many buffers a column of `field`'s type has after its validity buffer: 1 (Int64, Float64: the values) or 2
 * (Utf8: offsets, bytes). The only types read and written here; any other is a bug.
 */
export function buffersAfterValidity(field: Field): 1 | 2 {
  const type = field.type as DataType;
  if (type instanceof Utf8) return 2;
  if (type instanceof Int64 || type instanceof Float64) return 1;
  throw new Error(`bug: column '${field.name}' has a type Arrow IPC reading and writing by bytes does not handle`);
}

/** One record batch's columns: per column, its buffers after the validity one (fixed width: values; Utf8: offsets, bytes). */
export interface IpcBatch {
  rows: number;
  columns: Buffer[][];
}

/**
 * Why these bytes cannot be an Arrow IPC file, or null when the frame (magics, footer length) looks right. The
 * messages are the ones every reader of the folder reports (arrow-file.ts uses this too).
 */
export function frameProblem(bytes: Uint8Array): string | null {
  const len = bytes.byteLength;
  if (len >= 4 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff) {
    return 'an Arrow IPC stream, not the file format (.arrow files must be written with RecordBatchFileWriter)';
  }
  if (len < HEAD_BYTES + TAIL_BYTES || !IPC_MAGIC.equals(bytes.subarray(0, IPC_MAGIC.length))) {
    return `not an Arrow IPC file: no ARROW1 magic at the start (${len} bytes)`;
  }
  if (!IPC_MAGIC.equals(bytes.subarray(len - IPC_MAGIC.length))) {
    return 'truncated or not an Arrow IPC file: missing footer';
  }
  const footerLength = footerLengthOf(bytes);
  if (footerLength <= 0 || footerLength > len - HEAD_BYTES - TAIL_BYTES) {
    return `truncated or not an Arrow IPC file: footer length ${footerLength} does not fit in ${len} bytes`;
  }
  return null;
}

export function footerLengthOf(bytes: Uint8Array): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readInt32LE(bytes.byteLength - TAIL_BYTES);
}

/**
 * Reads an Arrow IPC file whose columns must be exactly `schema`'s (names and types, in order), without decoding
 * them: its schema metadata (the keys in `keys` only) and its record batches as views of `bytes`. Throws an Error
 * saying what is wrong (the caller names the file).
 */
export function readIpcFile(bytes: Buffer, schema: Schema, keys: ReadonlySet<string>): { metadata: Map<string, string>; batches: IpcBatch[] } {
  const problem = frameProblem(bytes);
  if (problem) throw new Error(problem);
  const footerStart = bytes.byteLength - TAIL_BYTES - footerLengthOf(bytes);
  const footer = Footer.getRootAsFooter(new ByteBuffer(bytes.subarray(footerStart, bytes.byteLength - TAIL_BYTES)));
  const fbSchema = footer.schema();
  if (!fbSchema) throw new Error('corrupt Arrow IPC file: the footer has no schema');
  if (fbSchema.endianness() !== Endianness.Little) throw new Error('a big-endian Arrow file');
  const counts = checkFields(fbSchema, schema);
  if (footer.dictionariesLength() > 0) throw new Error('corrupt Arrow IPC file: dictionary batches in a file of plain columns');
  // a damaged footer's vector lengths are whatever its bytes say: no more entries than the footer has room for
  // (4 bytes an entry, 24 a block), so a garbled length is refused rather than looped over for minutes
  const footerLength = bytes.byteLength - TAIL_BYTES - footerStart;
  const entries = fbSchema.customMetadataLength();
  const blocks = footer.recordBatchesLength();
  if (entries * 4 > footerLength || blocks * 24 > footerLength) {
    throw new Error(`corrupt Arrow IPC file: its footer of ${footerLength} bytes lists ${entries} metadata entries and ${blocks} record batches`);
  }
  const metadata = new Map<string, string>();
  const entry = new KeyValue();
  for (let i = 0, n = entries; i < n; i++) {
    fbSchema.customMetadata(i, entry);
    // through Buffer's decoder (not a TextDecoder per key: a run file has 20), the value only when asked for
    const key = text(entry.key(Encoding.UTF8_BYTES), 'utf8');
    if (key !== null && keys.has(key)) metadata.set(key, text(entry.value(Encoding.UTF8_BYTES), 'utf8') ?? '');
  }
  const batches: IpcBatch[] = [];
  for (let i = 0; i < blocks; i++) {
    batches.push(readBatch(bytes, footer.recordBatches(i)!, footerStart, counts, i));
  }
  return { metadata, batches };
}

/** A flatbuffers string (as bytes) as a string, through Buffer's decoder. */
function text(bytes: Uint8Array | string | null, encoding: 'utf8'): string | null {
  if (bytes === null || typeof bytes === 'string') return bytes;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
}

/** Each schema's fields as `name: Type` (describeField's words) and their names' bytes, worked out once. */
const expectedFields = new WeakMap<Schema, { words: string[]; names: Buffer[]; types: string[] }>();

/** Each column's buffer count (buffersAfterValidity), after checking the file's fields are `schema`'s (names, types, order). */
function checkFields(fbSchema: FbSchema, schema: Schema): (1 | 2)[] {
  let expected = expectedFields.get(schema);
  if (!expected) {
    const types = schema.fields.map((f) => String(f.type));
    expected = { words: schema.fields.map((f, i) => `${f.name}: ${types[i]}`), names: schema.fields.map((f) => Buffer.from(f.name, 'utf8')), types };
    expectedFields.set(schema, expected);
  }
  const n = fbSchema.fieldsLength();
  const field = new FbField();
  let same = n === expected.names.length;
  for (let i = 0; same && i < n; i++) {
    fbSchema.fields(i, field);
    // the name compared as bytes, then the type in words (no string per field and file on the common path)
    const name = field.name(Encoding.UTF8_BYTES) as Uint8Array | null;
    same = name !== null && expected.names[i].equals(name) && typeWords(field) === expected.types[i];
  }
  if (!same) {
    const found: string[] = [];
    for (let i = 0; i < Math.min(n, expected.words.length + 1); i++) found.push(describeField(fbSchema.fields(i)!));
    throw new Error(`not the expected columns: it has ${found.join(', ')}${n > found.length ? ', …' : ''}; expected ${expected.words.join(', ')}`);
  }
  return schema.fields.map(buffersAfterValidity);
}

/** A field as `name: Type`, in arrow-js's words for the types read here (anything else: its type's number). */
function describeField(field: FbField): string {
  return `${text(field.name(Encoding.UTF8_BYTES), 'utf8') ?? ''}: ${typeWords(field)}`;
}

const INT_WORDS = new Map([8, 16, 32, 64].flatMap((bits) => [[`1:${bits}`, `Int${bits}`] as const, [`0:${bits}`, `Uint${bits}`] as const]));
const FLOAT_WORDS = new Map([
  [Precision.HALF, 'Float16'],
  [Precision.SINGLE, 'Float32'],
  [Precision.DOUBLE, 'Float64'],
]);

function typeWords(field: FbField): string {
  if (field.childrenLength() > 0 || field.dictionary()) return 'nested or dictionary';
  switch (field.typeType()) {
    case Type.Utf8:
      return 'Utf8';
    case Type.Int: {
      const int = field.type(new Int()) as Int;
      return INT_WORDS.get(`${int.isSigned() ? 1 : 0}:${int.bitWidth()}`) ?? 'Int';
    }
    case Type.FloatingPoint:
      return FLOAT_WORDS.get((field.type(new FloatingPoint()) as FloatingPoint).precision()) ?? 'Float';
    default:
      return `type ${field.typeType()}`;
  }
}

function readBatch(bytes: Buffer, block: Block, footerStart: number, counts: readonly (1 | 2)[], index: number): IpcBatch {
  const where = `record batch ${index}`;
  const offset = Number(block.offset());
  const metaLength = block.metaDataLength();
  const bodyLength = Number(block.bodyLength());
  const bodyStart = offset + metaLength;
  if (!(offset >= HEAD_BYTES && metaLength >= 8 && bodyLength >= 0 && bodyStart + bodyLength <= footerStart)) {
    throw new Error(`corrupt Arrow IPC file: ${where} ends at byte ${bodyStart + bodyLength}, past the data (${footerStart})`);
  }
  // continuation marker and length (or, before format 0.15, the length alone), then the flatbuffer
  let start = offset + 4;
  let length = bytes.readInt32LE(offset);
  if (length === CONTINUATION) {
    length = bytes.readInt32LE(offset + 4);
    start += 4;
  }
  if (length <= 0 || start + length > bodyStart) throw new Error(`corrupt Arrow IPC file: ${where}'s message does not fit its block`);
  const message = Message.getRootAsMessage(new ByteBuffer(bytes.subarray(start, start + length)));
  if (message.headerType() !== MessageHeader.RecordBatch) throw new Error(`corrupt Arrow IPC file: ${where} is not a record batch`);
  if (Number(message.bodyLength()) !== bodyLength) throw new Error(`corrupt Arrow IPC file: ${where}'s body length disagrees with the footer`);
  const header = message.header(new FbRecordBatch()) as FbRecordBatch | null;
  if (!header) throw new Error(`corrupt Arrow IPC file: ${where} has no header`);
  if (header.compression()) throw new Error(`${where} is compressed (lnsweep writes and reads uncompressed files)`);
  const rows = Number(header.length());
  const buffersWanted = counts.reduce<number>((sum, k) => sum + 1 + k, 0);
  if (header.nodesLength() !== counts.length || header.buffersLength() !== buffersWanted) {
    throw new Error(
      `corrupt Arrow IPC file: ${where} has ${header.nodesLength()} columns and ${header.buffersLength()} buffers, the schema ${counts.length} and ${buffersWanted}`,
    );
  }
  const body = bytes.subarray(bodyStart, bodyStart + bodyLength);
  const node = new FieldNode();
  const region = new FbBuffer();
  const columns: Buffer[][] = [];
  let b = 0;
  for (let c = 0; c < counts.length; c++) {
    header.nodes(c, node);
    if (Number(node.length()) !== rows) throw new Error(`corrupt Arrow IPC file: ${where}: a column has ${node.length()} rows, the batch ${rows}`);
    if (node.nullCount() !== 0n) throw new Error(`${where}: column ${c} holds nulls, and its schema none`);
    b++; // the validity buffer: no nulls, nothing to read
    const buffers: Buffer[] = [];
    for (let k = 0; k < counts[c]; k++, b++) {
      header.buffers(b, region);
      const from = Number(region.offset());
      const to = from + Number(region.length());
      if (!(from >= 0 && from <= to && to <= bodyLength)) throw new Error(`corrupt Arrow IPC file: ${where}: buffer ${b} lies outside the batch`);
      buffers.push(body.subarray(from, to));
    }
    checkColumn(counts[c] === 2, buffers, rows, `${where}, column ${c}`);
    columns.push(buffers);
  }
  return { rows, columns };
}

/** Whether the buffers hold `rows` values: 8 bytes each, or for Utf8 rows + 1 offsets rising within the bytes. */
function checkColumn(utf8: boolean, buffers: readonly Buffer[], rows: number, where: string): void {
  if (!utf8) {
    if (buffers[0].byteLength < rows * 8) throw new Error(`corrupt Arrow IPC file: ${where} is shorter than its ${rows} rows`);
    return;
  }
  const [offsets, data] = buffers;
  if (offsets.byteLength < (rows + 1) * 4) throw new Error(`corrupt Arrow IPC file: ${where}'s offsets are shorter than its ${rows} rows`);
  let previous = offsets.readInt32LE(0);
  for (let i = 1; i <= rows; i++) {
    const next = offsets.readInt32LE(i * 4);
    if (previous < 0 || next < previous || next > data.byteLength)
      throw new Error(`corrupt Arrow IPC file: ${where}'s string offsets leave its bytes`);
    previous = next;
  }
}

/** Row `row` of a Utf8 column of a batch read by readIpcFile. */
export function utf8At(column: readonly Buffer[], row: number): string {
  const [offsets, data] = column;
  return data.toString('utf8', offsets.readInt32LE(row * 4), offsets.readInt32LE(row * 4 + 4));
}

/** A Float64 column as a Float64Array of its own (copied, so the file's bytes can go). */
export function float64Values(column: readonly Buffer[], rows: number): Float64Array {
  const out = new Float64Array(rows);
  if (rows > 0) new Uint8Array(out.buffer).set(column[0].subarray(0, rows * 8));
  return out;
}

/** An Int64 column as doubles (exact for |v| < 2^53: steps and indices; the nearest double beyond, as Number(bigint)). */
export function int64ValuesAsFloat64(column: readonly Buffer[], rows: number): Float64Array {
  const values = column[0];
  const out = new Float64Array(rows);
  // rows 0: a batch-less file has no buffers
  for (let i = 0; i < rows; i++) out[i] = values.readInt32LE(i * 8 + 4) * 4294967296 + values.readUInt32LE(i * 8);
  return out;
}
