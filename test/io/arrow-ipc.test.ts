/**
 * Arrow IPC files at the level of messages (src/io/arrow-ipc-read.ts, arrow-ipc-write.ts): the writer's bytes against
 * arrow-js's RecordBatchFileWriter (an independent encoder) for the same batches, the reader's checks of what a
 * damaged or foreign file holds, and the typed-array column builders against arrow-js's builders.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Bool,
  Field,
  Float32,
  Float64,
  Int64,
  RecordBatchFileWriter,
  Schema,
  Table,
  Utf8,
  makeData,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { batchOf, bytesOf, dataFromValues, int64ArrayFromFloat64 } from '../../src/io/arrow-columns.js';
import { float64Values, int64ValuesAsFloat64, readIpcFile, utf8At } from '../../src/io/arrow-ipc-read.js';
import { IpcFileWriter } from '../../src/io/arrow-ipc-write.js';
import { Footer } from 'apache-arrow/fb/footer';
import { ByteBuffer } from 'flatbuffers';
import { tempDir } from './helpers.js';

const SCHEMA = new Schema(
  [new Field('s', new Utf8(), false), new Field('i', new Int64(), false), new Field('f', new Float64(), false)],
  new Map([
    ['lnsweep.a', 'b'],
    ['ключ', 'значение ü€'],
  ]),
);
const KEYS = new Set(['lnsweep.a', 'ключ']);

interface Rows {
  s: string[];
  i: bigint[];
  f: number[];
}
const BATCHES: Rows[] = [
  { s: ['ab', '', 'ü€x'], i: [1n, -2n, 2n ** 62n], f: [1.5, Number.NaN, -0] },
  { s: ['run'], i: [-(2n ** 63n)], f: [Number.POSITIVE_INFINITY] },
  {
    s: Array.from({ length: 37 }, (_, k) => 'x'.repeat(k % 5)),
    i: Array.from({ length: 37 }, (_, k) => BigInt(k * k)),
    f: Array.from({ length: 37 }, (_, k) => k / 3),
  },
];

/** A batch's columns as IpcFileWriter takes them: Utf8 offsets and bytes, Int64 and Float64 values. */
function columnsOf(rows: Rows): Uint8Array[][] {
  const strings = rows.s.map((v) => Buffer.from(v, 'utf8'));
  const offsets = new Int32Array(rows.s.length + 1);
  strings.forEach((b, k) => (offsets[k + 1] = offsets[k] + b.byteLength));
  return [[bytesOf(offsets), Buffer.concat(strings)], [bytesOf(BigInt64Array.from(rows.i))], [bytesOf(Float64Array.from(rows.f))]];
}

/** The same batch through arrow-js's own objects. */
function arrowBatch(rows: Rows) {
  const utf8 = vectorFromArray(rows.s, new Utf8()).data[0];
  return batchOf(SCHEMA, [
    utf8,
    makeData({ type: new Int64(), length: rows.i.length, data: BigInt64Array.from(rows.i) }),
    makeData({ type: new Float64(), length: rows.f.length, data: Float64Array.from(rows.f) }),
  ]);
}

describe('Arrow IPC files, message by message', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('ipc')));
  afterEach(() => cleanup());

  /** Writes `batches` with IpcFileWriter (columns as given) to a file and returns its bytes. */
  function written(schema: Schema, batches: { rows: number; columns: Uint8Array[][] }[]): Buffer {
    const path = join(dir, 'written.arrow');
    const fd = openSync(path, 'w');
    const writer = new IpcFileWriter(fd, schema);
    for (const b of batches) writer.writeBatch(b.rows, b.columns);
    writer.finish();
    closeSync(fd);
    return readFileSync(path);
  }
  const ours = () =>
    written(
      SCHEMA,
      BATCHES.map((b) => ({ rows: b.s.length, columns: columnsOf(b) })),
    );

  it("writes exactly the bytes of arrow-js's RecordBatchFileWriter for the same batches, footer and metadata included", () => {
    const theirs = RecordBatchFileWriter.writeAll(new Table(SCHEMA, BATCHES.map(arrowBatch))).toUint8Array(true);
    const mine = ours();
    expect(mine.byteLength).toBe(theirs.byteLength);
    expect(Buffer.compare(mine, theirs)).toBe(0);
  });

  it('reads back every value, bit for bit, and only the metadata keys asked for', () => {
    const file = readIpcFile(ours(), SCHEMA, new Set(['ключ']));
    expect([...file.metadata]).toEqual([['ключ', 'значение ü€']]);
    expect(file.batches.map((b) => b.rows)).toEqual([3, 1, 37]);
    BATCHES.forEach((rows, k) => {
      const batch = file.batches[k];
      expect(Array.from({ length: batch.rows }, (_, r) => utf8At(batch.columns[0], r))).toEqual(rows.s);
      expect(Array.from(int64ValuesAsFloat64(batch.columns[1], batch.rows))).toEqual(rows.i.map(Number));
      const f = float64Values(batch.columns[2], batch.rows);
      expect(bytesOf(f)).toEqual(bytesOf(Float64Array.from(rows.f))); // NaN and -0 included
    });
    expect(readIpcFile(ours(), SCHEMA, KEYS).metadata.get('lnsweep.a')).toBe('b');
  });

  it('hands its bytes to the descriptor as its megabyte of buffer fills, so memory holds about that and one batch', () => {
    const schema = new Schema([new Field('f', new Float64(), false)]);
    const path = join(dir, 'big.arrow');
    const fd = openSync(path, 'w');
    const writer = new IpcFileWriter(fd, schema);
    const sizes: number[] = [];
    for (let k = 0; k < 4; k++) {
      writer.writeBatch(100_000, [[bytesOf(new Float64Array(100_000).fill(k))]]);
      sizes.push(fstatSync(fd).size);
    }
    writer.finish();
    closeSync(fd);
    // 800,000 bytes a batch: after batch k, all but at most one megabyte of what it was given is in the file
    sizes.forEach((size, k) => expect(size).toBeGreaterThan((k + 1) * 800_000 - (1 << 20)));
    expect(readIpcFile(readFileSync(path), schema, new Set()).batches.map((b) => float64Values(b.columns[0], b.rows)[99_999])).toEqual([0, 1, 2, 3]);
  });

  it('refuses a file of other columns, naming what it has and what was expected', () => {
    const other = new Schema([SCHEMA.fields[0], SCHEMA.fields[1], new Field('g', new Float64(), false)]);
    expect(() => readIpcFile(written(other, []), SCHEMA, KEYS)).toThrow(
      'not the expected columns: it has s: Utf8, i: Int64, g: Float64; expected s: Utf8, i: Int64, f: Float64',
    );
    const float32 = new Schema([SCHEMA.fields[0], SCHEMA.fields[1], new Field('f', new Float32(), false)]);
    const bytes = RecordBatchFileWriter.writeAll(new Table(float32)).toUint8Array(true);
    expect(() => readIpcFile(Buffer.from(bytes), SCHEMA, KEYS)).toThrow('it has s: Utf8, i: Int64, f: Float32;');
  });

  it('refuses nulls, buffers shorter than the rows, string offsets outside their bytes and batches past the data', () => {
    const nullable = new Schema([SCHEMA.fields[0], SCHEMA.fields[1], new Field('f', new Float64(), true)]);
    const withNull = batchOf(nullable, [
      arrowBatch(BATCHES[0]).data.children[0],
      arrowBatch(BATCHES[0]).data.children[1],
      dataFromValues(new Float64(), [1, null, 2]),
    ]);
    const nulls = Buffer.from(RecordBatchFileWriter.writeAll(new Table(nullable, [withNull])).toUint8Array(true));
    expect(() => readIpcFile(nulls, nullable, KEYS)).toThrow('record batch 0: column 2 holds nulls');

    const [s, i] = columnsOf(BATCHES[0]);
    const short = written(SCHEMA, [{ rows: 3, columns: [s, i, [bytesOf(new Float64Array(2))]] }]);
    expect(() => readIpcFile(short, SCHEMA, KEYS)).toThrow('record batch 0, column 2 is shorter than its 3 rows');

    const offsets = bytesOf(Int32Array.from([0, 2, 9, 9]));
    const outside = written(SCHEMA, [{ rows: 3, columns: [[offsets, Buffer.from('abcd')], i, [bytesOf(new Float64Array(3))]] }]);
    expect(() => readIpcFile(outside, SCHEMA, KEYS)).toThrow("record batch 0, column 0's string offsets leave its bytes");

    // 16 bytes of the last body cut out before the end-of-stream marker: the footer's last block now reaches past
    // the data, into the marker and the footer
    const sound = ours();
    const eos = sound.byteLength - 10 - sound.readInt32LE(sound.byteLength - 10) - 8;
    const cut = Buffer.concat([sound.subarray(0, eos - 16), sound.subarray(eos)]);
    expect(() => readIpcFile(cut, SCHEMA, KEYS)).toThrow(/record batch 2 ends at byte \d+, past the data \(\d+\)/);
    expect(() => readIpcFile(sound.subarray(0, 100), SCHEMA, KEYS)).toThrow('truncated or not an Arrow IPC file: missing footer');

    // the footer's count of record batches overwritten with 2^30 (the vector's length word precedes its first block)
    const footerStart = sound.byteLength - 10 - sound.readInt32LE(sound.byteLength - 10);
    const footer = Footer.getRootAsFooter(new ByteBuffer(sound.subarray(footerStart, sound.byteLength - 10)));
    const firstBlock = footer.recordBatches(0)!.bb_pos;
    const garbled = Buffer.from(sound);
    garbled.writeInt32LE(2 ** 30, footerStart + firstBlock - 4);
    expect(() => readIpcFile(garbled, SCHEMA, KEYS)).toThrow(/its footer of \d+ bytes lists 2 metadata entries and 1073741824 record batches/);
  });
});

describe('column builders over typed arrays', () => {
  it('int64ArrayFromFloat64 gives what BigInt gives, for negative and large integers, and refuses fractions', () => {
    const values = [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 40 + 3, -(2 ** 33) - 5, 2 ** 62, -(2 ** 63)];
    expect([...int64ArrayFromFloat64(Float64Array.from(values))]).toEqual(values.map((v) => BigInt(v)));
    expect(() => int64ArrayFromFloat64(Float64Array.from([3, 0.5]))).toThrow(RangeError);
  });

  it("dataFromValues lays out columns with nulls as arrow-js's builders do: the files have the same bytes", () => {
    // 700 rows: not a multiple of 8, and a bitmap longer than 64 bytes
    const n = 700;
    const columns: [DataType, unknown[]][] = [
      [new Float64(), Array.from({ length: n }, (_, k) => (k % 7 === 0 ? null : k % 11 === 0 ? Number.NaN : k / 4))],
      [new Int64(), Array.from({ length: n }, (_, k) => (k % 5 === 0 ? null : BigInt(k) - 300n))],
      [new Utf8(), Array.from({ length: n }, (_, k) => (k % 3 === 0 ? null : `é${k}`.repeat(k % 4)))],
      [new Bool(), Array.from({ length: n }, (_, k) => (k % 9 === 0 ? null : k % 2 === 0))],
      [new Float64(), Array.from({ length: n }, (_, k) => k)], // no nulls
    ];
    const schema = new Schema(columns.map(([type], k) => new Field(`c${k}`, type, true)));
    const file = (make: (type: DataType, values: unknown[]) => ReturnType<typeof dataFromValues>) =>
      Buffer.from(
        RecordBatchFileWriter.writeAll(
          new Table(schema, [
            batchOf(
              schema,
              columns.map(([t, v]) => make(t, v)),
            ),
          ]),
        ).toUint8Array(true),
      );
    const builders = file((type, values) => vectorFromArray(values as never[], type).data[0]);
    expect(Buffer.compare(file(dataFromValues), builders)).toBe(0);
  });
});
