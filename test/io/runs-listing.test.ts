/**
 * A `run` lists runs/ once (removeStaleTemps hands its listing to the folder's first look) and finds the sidecars in
 * that listing in one pass (listedSidecars): the stamps made from it must be those made by looking at every name.
 */
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTemps } from '../../src/io/out-folder/scan.js';
import { listedSidecars, runStamp } from '../../src/io/out-folder/stamps.js';
import { tempDir } from './helpers.js';

describe('the listing of runs/', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('runs-listing'));
    mkdirSync(join(dir, 'runs'));
  });
  afterEach(() => cleanup());

  const [plain, withNeurons, withRealData, withBoth, sidecarOnly] = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(16));
  const files = [
    `${plain}.arrow`,
    `${withNeurons}.arrow`,
    `${withNeurons}.neurons.arrow`,
    `${withRealData}.arrow`,
    `${withRealData}.realdata.arrow`,
    `${withBoth}.arrow`,
    `${withBoth}.neurons.arrow`,
    `${withBoth}.realdata.arrow`,
    `${sidecarOnly}.neurons.arrow`,
    'notes.txt',
  ];

  it("gives each run's stamp as looking at every sidecar name does, sidecars and all", () => {
    files.forEach((name, i) => writeFileSync(join(dir, 'runs', name), 'x'.repeat(i + 1)));
    const listed = listedSidecars(readdirSync(join(dir, 'runs')));
    expect(listed).toEqual(
      new Map([
        [withNeurons, 'n'],
        [withRealData, 'r'],
        [withBoth, 'nr'],
        [sidecarOnly, 'n'],
      ]),
    );
    for (const id of [plain, withNeurons, withRealData, withBoth, sidecarOnly]) {
      expect(runStamp(dir, id, listed), id).toBe(runStamp(dir, id));
    }
    expect(runStamp(dir, withBoth, listed)).toMatch(/^\d+:\d+:\d+:\d+\|n\d+:\d+:\d+:\d+\|r\d+:\d+:\d+:\d+$/);
    expect(runStamp(dir, sidecarOnly, listed)).toBe(''); // no run file: no stamp, whatever its sidecars
  });

  it('removeStaleTemps returns the names left in runs/ once the stale temps are gone, and [] without runs/', () => {
    files.forEach((name) => writeFileSync(join(dir, 'runs', name), 'x'));
    const stale = `.${plain}.arrow.tmp-0000000b-4242-another-host`;
    writeFileSync(join(dir, 'runs', stale), 'x');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'runs', stale), hourAgo, hourAgo);
    const left = removeStaleTemps(dir);
    expect([...left].sort()).toEqual([...files].sort());
    expect(readdirSync(join(dir, 'runs')).sort()).toEqual([...files].sort());
    const empty = tempDir('runs-listing-none');
    try {
      expect(removeStaleTemps(empty.dir)).toEqual([]);
    } finally {
      empty.cleanup();
    }
  });
});
