/**
 * Shards and Slurm array tasks started together make the same fresh output folder. One that finds a level already
 * made by another must take it as its own folder, not fail with EEXIST and remove it from under the other (which then
 * failed with ENOENT: both tasks of a 2-task array once refused their --out in CI).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers.js';

const other = vi.hoisted(() => ({ before: null as string | null }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    // "another process" makes the folder just before this one does
    mkdirSync: (p: string, ...rest: unknown[]) => {
      if (p === other.before) fs.mkdirSync(p);
      return (fs.mkdirSync as (...a: unknown[]) => unknown)(p, ...rest);
    },
  };
});

const { prepareOutDir } = await import('../../src/cli/out-path.js');

afterEach(() => {
  other.before = null;
});

it('a level made by another process between the look and the mkdir is taken, and kept', () => {
  const out = join(tempDir(), 'a', 'out');
  other.before = join(out, '..');
  prepareOutDir(out);
  expect(existsSync(out)).toBe(true);
});
