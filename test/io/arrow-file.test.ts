import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float64, Schema, Table, makeData, tableToIPC } from 'apache-arrow';
import { batchOf, float64Data, int64DataFromFloat64 } from '../../src/io/arrow-columns.js';
import { ArrowFileError, readArrowFile, verifyArrowFile, writeArrowFileAtomic } from '../../src/io/index.js';
import { RUN_METRICS_SCHEMA } from '../../src/io/schemas.js';
import { PROVENANCE, sampleMetrics, sampleParams, tempDir } from './helpers.js';
import { writeRunFile } from '../../src/io/run-file.js';
import { REPO } from '../helpers.js';
import { probe, requireComponent, titled } from '../support/components.js';

// As root (CI), folder permissions do not apply: the write is done by a child that has dropped to `nobody` (setpriv,
// from util-linux) when `nobody` can read this checkout's dist/, else in-process into a read-only bind mount (EROFS).
const NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
const IS_ROOT = process.getuid?.() === 0;
const nobodyReadsDist = IS_ROOT && probe('setpriv', [...NOBODY, 'test', '-r', join(REPO, 'dist/io/index.js')]) === null;
const readOnlySkip =
  IS_ROOT && !nobodyReadsDist
    ? requireComponent('a read-only bind mount (mount --bind, as root)', probe('mount', ['--version']), 'apt-get install mount')
    : null;

const SCHEMA = new Schema([new Field('x', new Float64(), false)]);
const batchOfX = (values: number[]) => batchOf(SCHEMA, [float64Data(Float64Array.from(values))]);

function expectArrowFileError(fn: () => unknown, path: string, reason: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ArrowFileError);
  const error = caught as ArrowFileError;
  expect(error.name).toBe('ArrowFileError');
  expect(error.message.startsWith(`[io] ${path}`)).toBe(true);
  expect(error.message).toMatch(reason);
}

describe('writeArrowFileAtomic', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('arrow')));
  afterEach(() => {
    chmodSync(dir, 0o755);
    cleanup();
  });

  it('writes the IPC file format (ARROW1 at both ends) and leaves no temporary file', () => {
    const path = join(dir, 'a.arrow');
    writeArrowFileAtomic(path, [batchOfX([1, 2, 3])]);
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('ARROW1');
    expect(bytes.subarray(bytes.length - 6).toString('latin1')).toBe('ARROW1');
    expect(readdirSync(dir)).toEqual(['a.arrow']);
    expect(readArrowFile(path).getChild('x')!.toArray()).toEqual(new Float64Array([1, 2, 3]));
  });

  it('replaces an existing file whole', () => {
    const path = join(dir, 'a.arrow');
    writeArrowFileAtomic(path, [batchOfX([1])]);
    writeArrowFileAtomic(path, [batchOfX([4, 5])]);
    expect(readArrowFile(path).numRows).toBe(2);
    expect(readdirSync(dir)).toEqual(['a.arrow']);
  });

  it('writes an empty table with its schema', () => {
    const path = join(dir, 'empty.arrow');
    writeArrowFileAtomic(path, new Table(SCHEMA));
    const table = readArrowFile(path);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['x']);
  });

  it.skipIf(readOnlySkip !== null)(titled('fails with the path and cause and leaves no file in a read-only folder', readOnlySkip), () => {
    chmodSync(dir, 0o555);
    const path = join(dir, 'a.arrow');
    if (!IS_ROOT) {
      expectArrowFileError(() => writeArrowFileAtomic(path, [batchOfX([1])]), path, /EACCES/);
    } else if (!nobodyReadsDist) {
      const bind = spawnSync('sh', ['-c', 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"', 'sh', dir], { encoding: 'utf8' });
      expect(bind.status, bind.stderr).toBe(0);
      try {
        expectArrowFileError(() => writeArrowFileAtomic(path, [batchOfX([1])]), path, /EROFS/);
      } finally {
        spawnSync('umount', [dir]);
      }
    } else {
      const child = `
        const { Field, Float64, Schema } = await import('apache-arrow');
        const { batchOf, float64Data } = await import(${JSON.stringify(join(REPO, 'dist/io/arrow-columns.js'))});
        const { writeArrowFileAtomic } = await import(${JSON.stringify(join(REPO, 'dist/io/index.js'))});
        const schema = new Schema([new Field('x', new Float64(), false)]);
        try {
          writeArrowFileAtomic(process.argv[1], [batchOf(schema, [float64Data(Float64Array.of(1))])]);
          console.log(JSON.stringify({ uid: process.getuid(), wrote: true }));
        } catch (e) {
          console.log(JSON.stringify({ uid: process.getuid(), name: e.name, message: e.message }));
        }`;
      const r = spawnSync('setpriv', [...NOBODY, process.execPath, '--input-type=module', '-e', child, path], { cwd: REPO, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as { uid: number; name: string; message: string };
      expect(got.uid).toBe(65534);
      expect(got.name).toBe('ArrowFileError');
      expect(got.message.startsWith(`[io] ${path}`), got.message).toBe(true);
      expect(got.message).toMatch(/EACCES/);
    }
    chmodSync(dir, 0o755);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails with the path and cause when the parent is a file, leaving nothing behind', () => {
    const parent = join(dir, 'not-a-folder');
    writeFileSync(parent, 'x');
    const path = join(parent, 'a.arrow');
    expectArrowFileError(() => writeArrowFileAtomic(path, [batchOfX([1])]), path, /ENOTDIR/);
    expect(readdirSync(dir)).toEqual(['not-a-folder']);
  });

  it('removes the written temporary file when the final rename fails (the name is taken by a folder)', () => {
    const path = join(dir, 'taken.arrow');
    mkdirSync(join(path, 'inside'), { recursive: true });
    // refused before a temporary file is written (src/io/atomic.ts checkOutFile), or by the rename
    expectArrowFileError(() => writeArrowFileAtomic(path, [batchOfX([1, 2])]), path, /could not write: E(ISDIR|NOTEMPTY|EXIST)|a folder, not a file/);
    expect(readdirSync(dir)).toEqual(['taken.arrow']);
  });

  it('refuses batches whose schemas differ instead of dropping rows silently', () => {
    const other = new Schema([new Field('y', new Float64(), false)]);
    const b2 = batchOf(other, [float64Data(new Float64Array([1]))]);
    const path = join(dir, 'mixed.arrow');
    expectArrowFileError(() => writeArrowFileAtomic(path, [batchOfX([1]), b2]), path, /schemas/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("makes Float64 columns over the caller's arrays without copying", () => {
    const values = new Float64Array([1, 2, 3]);
    expect(float64Data(values).values).toBe(values);
  });

  it('checks column types against the schema before arrow-js sees them', () => {
    const int = int64DataFromFloat64(new Float64Array([1]));
    expect(() => batchOf(SCHEMA, [int])).toThrow(/column 'x' is Int64, the schema says Float64/);
    const two = makeData({ type: new Float64(), length: 2, data: new Float64Array(2) });
    const schema2 = new Schema([SCHEMA.fields[0], new Field('y', new Float64(), false)]);
    expect(() => batchOf(schema2, [float64Data(new Float64Array(1)), two])).toThrow(/has 2 rows/);
  });
});

describe('readArrowFile and verifyArrowFile', () => {
  let dir: string;
  let cleanup: () => void;
  let good: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('read'));
    good = join(dir, 'run.arrow');
    writeRunFile(good, { runId: 'r', params: sampleParams(), replicate: 0, metrics: sampleMetrics(50), provenance: PROVENANCE });
  });
  afterEach(() => cleanup());

  it('accepts a sound file and reports its row count', () => {
    expect(verifyArrowFile(good)).toEqual({ ok: true, rows: 50 });
  });

  it('rejects a file cut 100 bytes short (lost footer) with the path and the reason', () => {
    const bytes = readFileSync(good);
    const cut = join(dir, 'cut.arrow');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    expectArrowFileError(() => readArrowFile(cut), cut, /truncated or not an Arrow IPC file: missing footer/);
    const v = verifyArrowFile(cut);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toContain(cut);
  });

  it('rejects a file cut in the middle of its record batch even when the tail is patched back', () => {
    // Keep the footer but drop body bytes: the footer's blocks then point past the data.
    const bytes = readFileSync(good);
    const footerLength = bytes.readInt32LE(bytes.length - 10);
    const tail = bytes.subarray(bytes.length - 10 - footerLength);
    const body = bytes.subarray(0, bytes.length - 10 - footerLength - 2000);
    const patched = join(dir, 'patched.arrow');
    writeFileSync(patched, Buffer.concat([body, tail]));
    expect(verifyArrowFile(patched)).toMatchObject({ ok: false });
    expectArrowFileError(() => readArrowFile(patched), patched, /corrupt|truncated/);
  });

  it('rejects garbage, an empty file and a missing file with the path in the message', () => {
    const garbage = join(dir, 'garbage.arrow');
    writeFileSync(garbage, Buffer.from('this is not arrow at all, just some text that is long enough'));
    expectArrowFileError(() => readArrowFile(garbage), garbage, /not an Arrow IPC file/);
    const empty = join(dir, 'empty.arrow');
    writeFileSync(empty, '');
    expectArrowFileError(() => readArrowFile(empty), empty, /not an Arrow IPC file/);
    const missing = join(dir, 'missing.arrow');
    expectArrowFileError(() => readArrowFile(missing), missing, /ENOENT/);
    expect(verifyArrowFile(missing).ok).toBe(false);
  });

  it('names the stream format when a file was written with tableToIPC defaults', () => {
    const stream = join(dir, 'stream.arrow');
    writeFileSync(stream, tableToIPC(new Table(RUN_METRICS_SCHEMA)));
    expectArrowFileError(() => readArrowFile(stream), stream, /Arrow IPC stream, not the file format/);
  });
});
