/**
 * The one place that writes and reads Arrow files (docs/formats.md#arrow-conventions): IPC *file* format (Feather v2),
 * uncompressed.
 *
 * Writes are atomic (atomic.ts): a reader sees the old file or the complete new one, never a file without its footer
 * (a crash before the footer is written would leave an unreadable file).
 *
 * File layout checked by the reader before arrow-js sees the bytes (Arrow columnar format, "IPC File Format"; run
 * files and metrics.arrow, read and written thousands at a time, go through arrow-ipc-read.ts and arrow-ipc-write.ts):
 *
 *   ARROW1 ␀␀ | schema message | batch messages … | EOS | footer flatbuffer | int32 footer length | ARROW1
 *   0      6  8                                                            len-10               len-6     len
 */
import { readFileSync } from 'node:fs';
import { RecordBatch, RecordBatchFileWriter, RecordBatchReader, Table } from 'apache-arrow';
import { frameProblem, footerLengthOf } from './arrow-ipc-read.js';
import { commitAside, writeAllSync, writeBytesAside, writeBytesAtomic, type PendingWrite } from './atomic.js';
import { ArrowFileError, describeCause, type FileError } from './errors.js';

/** the footer's length and the magic at the end */
const TAIL_BYTES = 10;

/**
 * Writes `data` as an Arrow IPC file at `path`, atomically (see the module header). Every batch must carry the
 * table's schema: a batch with another schema would make arrow-js close the writer and drop the rest silently
 * (apache/arrow-js #388), so it is rejected here instead. Throws ArrowFileError naming `path` on any failure, after
 * removing the temporary file.
 */
export function writeArrowFileAtomic(path: string, data: Table | readonly RecordBatch[]): void {
  const bytes = encodeArrowFile(path, data);
  writeBytesAtomic(path, (fd) => writeAllSync(fd, bytes), ArrowFileError);
}

/** The bytes of `data` as an Arrow IPC file (arrow-js's writer). Throws ArrowFileError naming `path`. */
function encodeArrowFile(path: string, data: Table | readonly RecordBatch[]): Uint8Array {
  const table = toTable(path, data);
  try {
    return RecordBatchFileWriter.writeAll(table).toUint8Array(true);
  } catch (cause) {
    throw new ArrowFileError(path, `could not encode the Arrow file: ${describeCause(cause)}`, { cause });
  }
}

/**
 * writeArrowFileAtomic's first half (atomic.ts, writeBytesAside): `fill(fd)` writes the file's bytes aside, not yet
 * durable nor named; commitArrowFiles finishes it. Throws ArrowFileError naming `path`, with nothing left behind.
 */
export function writeArrowFileAside(path: string, fill: (fd: number) => void): PendingWrite {
  return writeBytesAside(path, fill, ArrowFileError);
}

/** Makes Arrow files written aside durable under their names, one group of files per run (atomic.ts, commitAside). */
export const commitArrowFiles = (groups: readonly (readonly PendingWrite[])[]): Promise<(FileError | null)[]> => commitAside(groups, ArrowFileError);

/**
 * How a run's Arrow file is written: `fill(fd)` writes its bytes to a new temporary file, which is then made durable
 * and named atomically (writeArrowAtomic, the default), or left aside for a group commit (src/run/execute-run.ts).
 * Throws ArrowFileError naming `path`.
 */
export type ArrowWrite = (path: string, fill: (fd: number) => void) => void;

export const writeArrowAtomic: ArrowWrite = (path, fill) => writeBytesAtomic(path, fill, ArrowFileError);

/** An ArrowWrite of a table's bytes encoded by arrow-js (the neurons and realdata files). Throws ArrowFileError. */
export function writeArrowTable(path: string, table: Table, write: ArrowWrite): void {
  const bytes = encodeArrowFile(path, table);
  write(path, (fd) => writeAllSync(fd, bytes));
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
