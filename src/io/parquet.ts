/**
 * Arrow IPC file → Parquet, for `lnsweep merge --parquet` (docs/formats.md#parquet-copies): DuckDB reads Parquet with
 * no extension, while Arrow IPC needs its community `arrow` extension, which offline machines (many cluster nodes)
 * cannot download.
 *
 * Written with parquet-wasm (Rust's arrow-rs parquet writer compiled to WebAssembly, shipped inside its npm package, so
 * nothing is downloaded). Snappy compression: every Parquet reader (pyarrow, DuckDB, polars, Spark) has it built in,
 * unlike LZ4 (pyarrow's default), which Arrow JS cannot read without a codec. The Arrow schema rides along in the file
 * (`ARROW:schema`), so Int64, nullable Float64 and Utf8 columns read back with the same types.
 *
 * Streamed one record batch at a time (merge writes one batch per run; each becomes a row group), so the WebAssembly
 * heap holds one batch, not the table. The source file itself is read whole (readArrowFile's checked reader).
 * The result appears under its final name only when complete (temp name, then rename).
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { RecordBatch, Table, tableToIPC } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { readArrowFile } from './arrow-file.js';
import { writeFileAtomicAsync } from './atomic.js';

/** Converts `arrowPath` (IPC file format) to `parquetPath`. Rejects with ArrowFileError. */
export async function arrowFileToParquet(arrowPath: string, parquetPath: string): Promise<{ rows: number }> {
  const table = readArrowFile(arrowPath);
  await writeFileAtomicAsync(parquetPath, (tmp) => writeParquetStream(table, tmp));
  return { rows: table.numRows };
}

async function writeParquetStream(table: Table, path: string): Promise<void> {
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).build();
  // A table with no batches still needs its schema in the file: one empty batch carries it.
  const batches: RecordBatch[] = table.batches.length > 0 ? table.batches : [new RecordBatch(table.schema)];
  let next = 0;
  const source = new ReadableStream({
    pull(controller) {
      if (next === batches.length) {
        controller.close();
        return;
      }
      const one = new Table(table.schema, [batches[next++]]);
      const wasm = pq.Table.fromIPCStream(tableToIPC(one, 'stream'));
      controller.enqueue(wasm.recordBatch(0));
    },
  });
  const bytes = await pq.transformParquetStream(source, props);
  await pipeline(Readable.fromWeb(bytes as unknown as WebReadableStream), createWriteStream(path));
}
