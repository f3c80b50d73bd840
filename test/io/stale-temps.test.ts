/**
 * removeStaleTemps (src/io/out-folder/scan.ts) runs at every start, while other shards of the sweep may be writing
 * into the same folder: a temp file it lists can be renamed by its writer before it is looked at. That must be
 * skipped, not end the command (three shards at once once failed with "ENOENT … stat '.lnsweep.shard-3-of-3.lock.tmp-…'").
 * The listing is made to hold such a name deterministically: readdirSync of the folder adds one that is not there.
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { removeStaleTemps } from '../../src/io/out-folder/scan.js';
import { tempDir } from '../helpers.js';

/** Names readdirSync reports in a folder beside what is really there, by folder. */
const phantoms = vi.hoisted(() => new Map<string, string[]>());
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((path: unknown, ...rest: unknown[]) => {
    const real = (fs.readdirSync as (...a: unknown[]) => unknown[])(path, ...rest);
    const extra = phantoms.get(String(path)) ?? [];
    const asEntries = (rest[0] as { withFileTypes?: boolean } | undefined)?.withFileTypes;
    return [...real, ...extra.map((name) => (asEntries ? { name, isDirectory: () => false, isFile: () => true } : name))];
  }) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});

it('skips a temp file renamed by its writer between listing and stat, and still removes the stale ones', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'runs'));
  // a live writer's temp (this process's parent: alive, not us), another host's old one, and one renamed meanwhile
  const live = `.lnsweep.shard-1-of-3.lock.tmp-0000000a-${process.ppid}-${hostname()}`;
  const oldForeign = `.a000000000000000.arrow.tmp-0000000b-4242-another-host`;
  const renamed = `.lnsweep.shard-3-of-3.lock.tmp-0000000c-${process.ppid}-${hostname()}`;
  writeFileSync(join(dir, live), '{}');
  writeFileSync(join(dir, 'runs', oldForeign), 'x');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(join(dir, 'runs', oldForeign), hourAgo, hourAgo);
  phantoms.set(dir, [renamed]);

  expect(() => removeStaleTemps(dir)).not.toThrow();
  expect(existsSync(join(dir, live))).toBe(true);
  expect(existsSync(join(dir, 'runs', oldForeign))).toBe(false);
});
