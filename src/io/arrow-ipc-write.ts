/**
 * Writes an Arrow IPC file batch by batch from column bytes (see arrow-ipc-read.ts for why not through arrow-js's
 * objects), to a file descriptor through a buffer of its own, so a file of 20,000 small batches costs a few dozen
 * writes, not a million. The bytes are those arrow-js's RecordBatchFileWriter writes for the same batches: the flatbuffers
 * are built in its order (ipc/metadata/message and file in apache-arrow), and each buffer is padded to 8 bytes.
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
import { MetadataVersion } from 'apache-arrow/fb/metadata-version';
import { Precision } from 'apache-arrow/fb/precision';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { Schema as FbSchema } from 'apache-arrow/fb/schema';
import { Type } from 'apache-arrow/fb/type';
import { Utf8 as FbUtf8 } from 'apache-arrow/fb/utf8';
import { Builder } from 'flatbuffers';
import { buffersAfterValidity, IPC_MAGIC } from './arrow-ipc-read.js';
import { writeAllSync } from './atomic.js';

const STAGING_BYTES = 1 << 20;

/**
 * What a writer builds a file in: the staging buffer (only the bytes put there are written: it need not be zeroed)
 * and the flatbuffers builder of its messages and footer. Shared by writers used one after another, never at once.
 */
export interface IpcScratch {
  staging: Buffer;
  builder: Builder;
}

export const newIpcScratch = (stagingBytes: number): IpcScratch => ({ staging: Buffer.allocUnsafe(stagingBytes), builder: new Builder(4096) });

export class IpcFileWriter {
  readonly #fd: number;
  readonly #schema: Schema;
  readonly #buffers: number[];
  readonly #staging: Buffer;
  #staged = 0;
  /** bytes of the file so far, staged ones included */
  #position = 0;
  /** per batch: its offset in the file, metadata length and body length (the footer's blocks) */
  readonly #blocks: number[] = [];
  readonly #builder: Builder;
  #lastMessage: { rows: number; regions: number[]; message: Uint8Array } | null = null;
  rows = 0;

  /**
   * Starts the file on `fd` (open for writing, empty). Only Utf8, Int64 and Float64 columns. `scratch`: the buffer
   * bytes gather in before each write and the flatbuffers builder, for a caller that writes one small file after
   * another on one thread and keeps one scratch for all of them (a run file: run-file.ts); by default a 1 MiB buffer
   * and a builder of this writer's own.
   */
  constructor(fd: number, schema: Schema, scratch: IpcScratch = newIpcScratch(STAGING_BYTES)) {
    this.#fd = fd;
    this.#schema = schema;
    this.#staging = scratch.staging;
    this.#builder = scratch.builder;
    this.#buffers = schema.fields.map(buffersAfterValidity);
    this.#put(IPC_MAGIC);
    this.#pad(2);
  }

  get batches(): number {
    return this.#blocks.length / 3;
  }

  /**
   * Appends a record batch of `rows` rows and no nulls: for each column of the schema, its buffers after the validity
   * one, exactly as long as the rows need (fixed width: rows × 8 bytes; Utf8: rows + 1 Int32 offsets from 0, then the
   * bytes up to the last offset).
   */
  writeBatch(rows: number, columns: readonly (readonly Uint8Array[])[]): void {
    if (columns.length !== this.#buffers.length || columns.some((c, i) => c.length !== this.#buffers[i])) {
      throw new Error(`bug: a batch of ${columns.length} columns for a schema of ${this.#buffers.length}, or a column with the wrong buffers`);
    }
    const regions: number[] = [];
    let bodyLength = 0;
    for (const column of columns) {
      regions.push(bodyLength, 0); // validity: none
      for (const buffer of column) {
        const padded = (buffer.byteLength + 7) & ~7;
        regions.push(bodyLength, padded);
        bodyLength += padded;
      }
    }
    // batches of as many rows and strings as long as the last one's have its message (a sweep's runs mostly do)
    const last = this.#lastMessage;
    const same = last !== null && last.rows === rows && last.regions.length === regions.length && last.regions.every((r, i) => r === regions[i]);
    const message = same ? last.message : this.#batchMessage(rows, columns.length, regions, bodyLength);
    if (!same) this.#lastMessage = { rows, regions, message };
    const metaLength = (message.byteLength + 8 + 7) & ~7;
    this.#blocks.push(this.#position, metaLength, bodyLength);
    this.#putInt32(-1);
    this.#putInt32(metaLength - 8);
    this.#put(message);
    this.#pad(metaLength - 8 - message.byteLength);
    for (const column of columns) {
      for (const buffer of column) {
        this.#put(buffer);
        this.#pad(((buffer.byteLength + 7) & ~7) - buffer.byteLength);
      }
    }
    this.rows += rows;
  }

  /** Ends the file (end-of-stream marker, footer, its length, the magic) and hands every byte to the descriptor. */
  finish(): void {
    this.#putInt32(-1);
    this.#putInt32(0);
    const footer = this.#footer();
    this.#put(footer);
    this.#putInt32(footer.byteLength);
    this.#put(IPC_MAGIC);
    this.#flush();
  }

  #batchMessage(rows: number, columns: number, regions: readonly number[], bodyLength: number): Uint8Array {
    const b = this.#builder;
    b.clear();
    const length = BigInt(rows);
    FbRecordBatch.startNodesVector(b, columns);
    for (let i = 0; i < columns; i++) FieldNode.createFieldNode(b, length, 0n);
    const nodes = b.endVector();
    FbRecordBatch.startBuffersVector(b, regions.length / 2);
    for (let i = regions.length - 2; i >= 0; i -= 2) FbBuffer.createBuffer(b, BigInt(regions[i]), BigInt(regions[i + 1]));
    const buffers = b.endVector();
    FbRecordBatch.startRecordBatch(b);
    FbRecordBatch.addLength(b, length);
    FbRecordBatch.addNodes(b, nodes);
    FbRecordBatch.addBuffers(b, buffers);
    const header = FbRecordBatch.endRecordBatch(b);
    Message.startMessage(b);
    Message.addVersion(b, MetadataVersion.V5);
    Message.addHeader(b, header);
    Message.addHeaderType(b, MessageHeader.RecordBatch);
    Message.addBodyLength(b, BigInt(bodyLength));
    Message.finishMessageBuffer(b, Message.endMessage(b));
    return b.asUint8Array().slice(); // a copy: the builder's buffer is reused for the next message
  }

  #footer(): Uint8Array {
    // the builder of the batch messages, each of which was copied out of it (#batchMessage)
    const b = this.#builder;
    b.clear();
    const schema = encodeSchema(b, this.#schema);
    Footer.startRecordBatchesVector(b, this.batches);
    for (let i = this.#blocks.length - 3; i >= 0; i -= 3) {
      Block.createBlock(b, BigInt(this.#blocks[i]), this.#blocks[i + 1], BigInt(this.#blocks[i + 2]));
    }
    const recordBatches = b.endVector();
    Footer.startDictionariesVector(b, 0);
    const dictionaries = b.endVector();
    Footer.startFooter(b);
    Footer.addSchema(b, schema);
    Footer.addVersion(b, MetadataVersion.V5);
    Footer.addRecordBatches(b, recordBatches);
    Footer.addDictionaries(b, dictionaries);
    Footer.finishFooterBuffer(b, Footer.endFooter(b));
    return b.asUint8Array();
  }

  #put(bytes: Uint8Array): void {
    this.#position += bytes.byteLength;
    if (bytes.byteLength > this.#staging.byteLength - this.#staged) {
      this.#flush();
      if (bytes.byteLength >= this.#staging.byteLength) {
        writeAllSync(this.#fd, bytes);
        return;
      }
    }
    this.#staging.set(bytes, this.#staged);
    this.#staged += bytes.byteLength;
  }

  #putInt32(value: number): void {
    if (this.#staging.byteLength - this.#staged < 4) this.#flush();
    this.#staging.writeInt32LE(value, this.#staged);
    this.#staged += 4;
    this.#position += 4;
  }

  #pad(bytes: number): void {
    if (bytes <= 0) return;
    if (this.#staging.byteLength - this.#staged < bytes) this.#flush();
    this.#staging.fill(0, this.#staged, this.#staged + bytes);
    this.#staged += bytes;
    this.#position += bytes;
  }

  #flush(): void {
    if (this.#staged > 0) writeAllSync(this.#fd, this.#staging.subarray(0, this.#staged));
    this.#staged = 0;
  }
}

/**
 * The UTF-8 bytes of strings that come back file after file (field names, metadata keys, a sweep's provenance
 * values), encoded once: a run file's footer holds a few dozen such strings, and encoding each anew was a visible share
 * of a tiny run (issue 23). Long strings (a run's parameters as JSON) are not kept; the cache is emptied when full.
 */
const utf8Cache = new Map<string, Uint8Array>();
const UTF8_CACHE_ENTRIES = 1024;
const UTF8_CACHE_CHARS = 200;

function utf8Of(s: string): Uint8Array | string {
  if (s.length > UTF8_CACHE_CHARS) return s;
  let bytes = utf8Cache.get(s);
  if (bytes === undefined) {
    if (utf8Cache.size >= UTF8_CACHE_ENTRIES) utf8Cache.clear();
    bytes = Buffer.from(s, 'utf8');
    utf8Cache.set(s, bytes);
  }
  return bytes;
}

/** The schema table (fields and metadata), built as arrow-js builds it (ipc/metadata/message.ts, encodeSchema). */
function encodeSchema(b: Builder, schema: Schema): number {
  const fields = schema.fields.map((f) => encodeField(b, f));
  FbSchema.startFieldsVector(b, fields.length);
  const fieldsVector = FbSchema.createFieldsVector(b, fields);
  const metadata =
    schema.metadata.size === 0
      ? -1
      : FbSchema.createCustomMetadataVector(
          b,
          [...schema.metadata].map(([k, v]) => {
            const key = b.createString(utf8Of(k));
            const value = b.createString(utf8Of(v));
            KeyValue.startKeyValue(b);
            KeyValue.addKey(b, key);
            KeyValue.addValue(b, value);
            return KeyValue.endKeyValue(b);
          }),
        );
  FbSchema.startSchema(b);
  FbSchema.addFields(b, fieldsVector);
  FbSchema.addEndianness(b, Endianness.Little);
  if (metadata !== -1) FbSchema.addCustomMetadata(b, metadata);
  return FbSchema.endSchema(b);
}

function encodeField(b: Builder, field: Field): number {
  const type = field.type as DataType;
  let typeOffset: number;
  let typeId: Type;
  if (type instanceof Utf8) {
    FbUtf8.startUtf8(b);
    typeOffset = FbUtf8.endUtf8(b);
    typeId = Type.Utf8;
  } else if (type instanceof Int64) {
    Int.startInt(b);
    Int.addBitWidth(b, 64);
    Int.addIsSigned(b, true);
    typeOffset = Int.endInt(b);
    typeId = Type.Int;
  } else if (type instanceof Float64) {
    FloatingPoint.startFloatingPoint(b);
    FloatingPoint.addPrecision(b, Precision.DOUBLE);
    typeOffset = FloatingPoint.endFloatingPoint(b);
    typeId = Type.FloatingPoint;
  } else {
    throw new Error(`bug: column '${field.name}' has a type arrow-ipc-write.ts does not handle`);
  }
  const children = FbField.createChildrenVector(b, []);
  const name = field.name ? b.createString(utf8Of(field.name)) : -1;
  FbField.startField(b);
  FbField.addType(b, typeOffset);
  FbField.addTypeType(b, typeId);
  FbField.addChildren(b, children);
  FbField.addNullable(b, field.nullable);
  if (name !== -1) FbField.addName(b, name);
  return FbField.endField(b);
}
