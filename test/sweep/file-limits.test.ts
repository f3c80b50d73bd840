/**
 * Sizes checked before parsing: a sweep file larger than 1 MiB (a list of five million numbers, a 100 MB
 * description, an endless device) is refused in one line naming the file and the limit, having read at most one
 * byte past the limit; the description has a length of its own; folder JSON (queue.json) is refused by its size.
 */
import { closeSync, mkdirSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { queueNameOf } from '../../src/run/queue.js';
import { loadSweep, SweepSpecError } from '../../src/sweep/index.js';
import { MAX_SWEEP_FILE_BYTES } from '../../src/sweep/plan.js';
import { runCli, tempDir } from '../helpers.js';

const dir = tempDir();
const HEAD = 'name: big\nseed: 1\nbase: { n: 20, d: 5, width: 10, steps: 10, log_every: 10 }\n';
const tooLarge = (file: string, bytes: string) =>
  `[sweep] ${file}: the file is ${bytes} bytes; a sweep file may be at most ${MAX_SWEEP_FILE_BYTES} bytes (1 MiB), nothing was parsed: ` +
  'write long lists as ranges ({ linspace: [start, stop, num] }, logspace, range), not value by value';

function sparseFile(path: string, bytes: number): void {
  closeSync(openSync(path, 'w'));
  truncateSync(path, bytes);
}

describe('a sweep file larger than 1 MiB is refused before it is parsed', () => {
  test('a list of 500,000 numbers (2.4 MB): one line, exit 2, from plan and from run', () => {
    const file = join(dir, 'list.yaml');
    const text = HEAD + `grid:\n  sigma: [${Array.from({ length: 500_000 }, (_, i) => i % 1000).join(', ')}]\n`;
    writeFileSync(file, text);
    for (const args of [
      ['plan', file],
      ['run', file, '--out', join(dir, 'never')],
    ]) {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(tooLarge(file, String(Buffer.byteLength(text))));
    }
  });

  test('a 100 MB description (a sparse file: nothing is written to disk)', () => {
    const file = join(dir, 'description.yaml');
    sparseFile(file, 100_000_000);
    const r = runCli(['plan', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(tooLarge(file, '100000000'));
  });

  test('an endless file (/dev/zero) is refused after reading one byte more than the limit', () => {
    expect(() => loadSweep('/dev/zero')).toThrow(tooLarge('/dev/zero', `more than ${MAX_SWEEP_FILE_BYTES}`));
  });

  test('a file of exactly 1 MiB is read; one byte more is refused', () => {
    const sweep = 'name: edge\nseed: 1\nbase: { n: 20, d: 5, width: 10, steps: 10, log_every: 10 }\n# ';
    const exact = join(dir, 'exact.yaml');
    writeFileSync(exact, sweep + 'x'.repeat(MAX_SWEEP_FILE_BYTES - sweep.length - 1) + '\n');
    expect(loadSweep(exact).name).toBe('edge');
    const over = join(dir, 'over.yaml');
    writeFileSync(over, sweep + 'x'.repeat(MAX_SWEEP_FILE_BYTES - sweep.length) + '\n');
    expect(() => loadSweep(over)).toThrow(tooLarge(over, String(MAX_SWEEP_FILE_BYTES + 1)));
  });
});

describe('field limits', () => {
  test('a description longer than 10,000 characters is refused at its key, quoted in a few words', () => {
    const file = join(dir, 'long-description.yaml');
    writeFileSync(file, HEAD + `description: "${'y'.repeat(10_001)}"\n`);
    expect(() => loadSweep(file)).toThrow(SweepSpecError);
    expect(() => loadSweep(file)).toThrow(`[sweep] ${file}: description: must be at most 10000 characters (got 10001)`);
    const ok = join(dir, 'description-ok.yaml');
    writeFileSync(ok, HEAD + `description: "${'y'.repeat(10_000)}"\n`);
    expect(loadSweep(ok).description).toHaveLength(10_000);
  });

  test('a long string in the wrong place is quoted by its first 60 characters and its length, not whole', () => {
    const file = join(dir, 'long-name.yaml');
    writeFileSync(file, `name: "${'z'.repeat(5000)}/"\nseed: 1\n`);
    expect(() => loadSweep(file)).toThrow(`the string ${JSON.stringify('z'.repeat(60))}… (5001 characters)`);
  });
});

describe('JSON of the output folder is refused by its size', () => {
  test('a queue.json of 1 GB (sparse) is not parsed: the message names the file and its size', () => {
    const out = join(dir, 'queue-folder');
    mkdirSync(out);
    sparseFile(join(out, 'queue.json'), 2 ** 30);
    expect(() => queueNameOf(out)).toThrow(
      `[run] ${join(out, 'queue.json')}: not a readable queue file (${2 ** 30} bytes, more than the 65536 such a file holds; not parsed)`,
    );
  });
});
