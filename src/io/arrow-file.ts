/**
 * The one place that writes and reads Arrow files (docs/formats.md#arrow-conventions): IPC *file* format (Feather v2),
 * uncompressed.
 *
 * Writes are atomic (atomic.ts): a reader sees the old file or the complete new one, never a file without its footer
 * (a crash before the footer is written would leave an unreadable file).
 *
 * File layout checked by the reader before arrow-js sees the bytes (Arrow columnar format, "IPC File Format"):
 *
 *   ARROW1 ␀␀ | schema message | batch messages … | EOS | footer flatbuffer | int32 footer length | ARROW1
 *   0      6  8                                                            len-10               len-6     len
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { RecordBatch, RecordBatchFileWriter, RecordBatchReader, Schema, Table, util } from 'apache-arrow';
import { commitAside, writeAllSync, writeBytesAside, writeBytesAtomic, writeFileAtomicAsync, type PendingWrite } from './atomic.js';
import { ArrowFileError, describeCause, type FileError } from './errors.js';

const MAGIC = Buffer.from('ARROW1', 'latin1');
/** magic + 2 padding bytes at the start; footer length + magic at the end */
const HEAD_BYTES = 8;
const TAIL_BYTES = 10;

/**
 * Writes `data` as an Arrow IPC file at `path`, atomically (see the module header). Every batch must carry the
 * table's schema: a batch with another schema would make arrow-js close the writer and drop the rest silently
 * (apache/arrow-js #388), so it is rejected here instead. Throws ArrowFileError naming `path` on any failure, after
 * removing the temporary file.
 */
export function writeArrowFileAtomic(path: string, data: Table | readonly RecordBatch[]): void {
  const bytes = encode(path, data);
  writeBytesAtomic(path, (fd) => writeAllSync(fd, bytes), ArrowFileError);
}

function encode(path: string, data: Table | readonly RecordBatch[]): Uint8Array {
  const table = toTable(path, data);
  try {
    return RecordBatchFileWriter.writeAll(table).toUint8Array(true);
  } catch (cause) {
    throw new ArrowFileError(path, `could not encode the Arrow file: ${describeCause(cause)}`, { cause });
  }
}

/**
 * writeArrowFileAtomic's first half (atomic.ts, writeBytesAside): the file is written aside, not yet durable nor named;
 * commitArrowFiles finishes it. Throws ArrowFileError naming `path`, with nothing left behind.
 */
export function writeArrowFileAside(path: string, data: Table | readonly RecordBatch[]): PendingWrite {
  const bytes = encode(path, data);
  return writeBytesAside(path, (fd) => writeAllSync(fd, bytes), ArrowFileError);
}

/** Makes Arrow files written aside durable under their names, one group of files per run (atomic.ts, commitAside). */
export const commitArrowFiles = (groups: readonly (readonly PendingWrite[])[]): Promise<(FileError | null)[]> => commitAside(groups, ArrowFileError);

/** How a run's Arrow file is written: atomically (the default), or aside for a group commit (src/run/execute-run.ts). */
export type ArrowWrite = (path: string, table: Table) => void;

/**
 * Streams record batches into an Arrow IPC file at `path`, atomically, holding about one batch in memory (for
 * `metrics.arrow`, which can outgrow memory). Every batch must be built from `schema` (the same object or an equal
 * one). Resolves to the rows and batches written; rejects with ArrowFileError after removing the temporary file.
 */
export async function writeArrowFileStreamAtomic(
  path: string,
  schema: Schema,
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
): Promise<{ rows: number; batches: number }> {
  let rows = 0;
  let count = 0;
  await writeFileAtomicAsync(
    path,
    async (tmp) => {
      const fd = openSync(tmp, 'wx');
      try {
        const writer = new RecordBatchFileWriter();
        writer.reset(undefined, schema);
        // The writer queues its bytes; this consumer moves them to the file. It runs on microtasks only, so yielding
        // one macrotask after each batch (setImmediate below) drains the queue completely: memory stays at one batch.
        // A failed write (a full disk) is kept here and thrown by the loop, not left as an unhandled rejection.
        let writeError: { cause: unknown } | null = null;
        const pump = (async () => {
          for await (const chunk of writer) writeAllSync(fd, chunk as Uint8Array);
        })().catch((cause: unknown) => {
          writeError = { cause };
        });
        try {
          for await (const batch of batches) {
            if (writeError) throw (writeError as { cause: unknown }).cause;
            if (batch.schema !== schema && !util.compareSchemas(schema, batch.schema)) {
              throw new Error(`batch ${count} has a schema other than the file's (${describeSchema(batch.schema)})`);
            }
            writer.write(batch);
            rows += batch.numRows;
            count += 1;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          writer.finish();
        } catch (error) {
          // a failed write closes the writer, so the loop's own error ("AsyncQueue is closed") is only its echo
          const failedWrite = writeError as { cause: unknown } | null;
          try {
            writer.abort(error);
          } catch {
            // already closed by the failed write
          }
          await pump;
          throw failedWrite ? failedWrite.cause : error;
        }
        await pump;
        if (writeError) throw (writeError as { cause: unknown }).cause;
      } finally {
        closeSync(fd);
      }
    },
    ArrowFileError,
  );
  return { rows, batches: count };
}

/**
 * Reads a whole Arrow IPC file. Before trusting arrow-js (which may return an empty table for a damaged file), checks
 * the magic at both ends and the footer length, then reads every batch the footer lists and checks each lies inside
 * the file and every column has its batch's row count. Throws ArrowFileError with the path and the reason.
 */
export function readArrowFile(path: string): Table {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ArrowFileError(path, `cannot read: ${describeCause(cause)}`, { cause });
  }
  const problem = frameProblem(bytes);
  if (problem) throw new ArrowFileError(path, problem);
  try {
    return decodeChecked(bytes);
  } catch (cause) {
    throw new ArrowFileError(path, `corrupt Arrow IPC file: ${describeCause(cause)}`, { cause });
  }
}

export type VerifyResult = { ok: true; rows: number } | { ok: false; reason: string };

/** Start-up check of a finished file: never throws; `reason` is the ArrowFileError message. */
export function verifyArrowFile(path: string): VerifyResult {
  try {
    return { ok: true, rows: readArrowFile(path).numRows };
  } catch (error) {
    return { ok: false, reason: describeCause(error) };
  }
}

/** Why these bytes cannot be an Arrow IPC file, or null when the frame (magics, footer length) looks right. */
function frameProblem(bytes: Uint8Array): string | null {
  const len = bytes.byteLength;
  if (len >= 4 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff) {
    return 'an Arrow IPC stream, not the file format (.arrow files must be written with RecordBatchFileWriter)';
  }
  if (len < HEAD_BYTES + TAIL_BYTES || !MAGIC.equals(bytes.subarray(0, MAGIC.length))) {
    return `not an Arrow IPC file: no ARROW1 magic at the start (${len} bytes)`;
  }
  if (!MAGIC.equals(bytes.subarray(len - MAGIC.length))) {
    return 'truncated or not an Arrow IPC file: missing footer';
  }
  const footerLength = Buffer.from(bytes.buffer, bytes.byteOffset, len).readInt32LE(len - TAIL_BYTES);
  if (footerLength <= 0 || footerLength > len - HEAD_BYTES - TAIL_BYTES) {
    return `truncated or not an Arrow IPC file: footer length ${footerLength} does not fit in ${len} bytes`;
  }
  return null;
}

function decodeChecked(bytes: Uint8Array): Table {
  const reader = RecordBatchReader.from(bytes);
  if (!reader.isFile() || !reader.isSync()) throw new Error('not read as an IPC file');
  reader.open();
  const footer = reader.footer;
  if (!footer) throw new Error('no footer');
  const bodyEnd = bytes.byteLength - TAIL_BYTES - footerLengthOf(bytes);
  const batches: RecordBatch[] = [];
  for (let i = 0; i < reader.numRecordBatches; i++) {
    const block = footer.getRecordBatch(i);
    if (!block) throw new Error(`footer lists no block ${i}`);
    const end = Number(block.offset) + block.metaDataLength + Number(block.bodyLength);
    if (end > bodyEnd) throw new Error(`record batch ${i} ends at byte ${end}, past the data (${bodyEnd})`);
    const batch = reader.readRecordBatch(i);
    if (!batch) throw new Error(`record batch ${i} of ${reader.numRecordBatches} is unreadable`);
    for (const child of batch.data.children) {
      if (child.length !== batch.numRows) {
        throw new Error(`record batch ${i}: a column has ${child.length} rows, the batch ${batch.numRows}`);
      }
    }
    batches.push(batch);
  }
  const table = new Table(reader.schema, batches);
  if (table.batches.length !== footer.numRecordBatches) {
    throw new Error(`read ${table.batches.length} record batches, the footer lists ${footer.numRecordBatches}`);
  }
  return table;
}

function footerLengthOf(bytes: Uint8Array): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readInt32LE(bytes.byteLength - TAIL_BYTES);
}

function toTable(path: string, data: Table | readonly RecordBatch[]): Table {
  if (data instanceof Table) return data;
  if (data.length === 0) {
    throw new ArrowFileError(path, 'bug: no record batches and no schema; pass new Table(schema) for an empty file');
  }
  try {
    return new Table(data[0].schema, [...data]);
  } catch (cause) {
    throw new ArrowFileError(path, `bug: record batches with different schemas: ${describeCause(cause)}`, { cause });
  }
}

function describeSchema(schema: Schema): string {
  return schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ');
}
