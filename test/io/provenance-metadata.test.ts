import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REALDATA_METRICS, type RealDataColumns } from '../../src/engines/realdata/columns.js';
import { readArrowFile } from '../../src/io/arrow-file.js';
import { writeMetricsFile } from '../../src/io/metrics-file.js';
import { provenanceMetadata } from '../../src/io/provenance.js';
import { writeRealDataFile } from '../../src/io/realdata-file.js';
import { writeNeuronsFile, writeRunFile } from '../../src/io/run-file.js';
import { writeSummary } from '../../src/io/summary.js';
import { PROVENANCE, sampleMetrics, sampleParams, sampleRow, sampleSnapshots, tempDir } from './helpers.js';

/** What every file with provenance must carry, spelled out here rather than by the code under test. */
const SORTED_KEYS = Object.keys(PROVENANCE).sort();
const EXPECTED_PROVENANCE_ENTRIES: [string, string][] = [
  ['lnsweep.provenance', `{${SORTED_KEYS.map((k) => `"${k}":"${PROVENANCE[k as keyof typeof PROVENANCE]}"`).join(',')}}`],
  ...SORTED_KEYS.map((k): [string, string] => [`lnsweep.${k}`, PROVENANCE[k as keyof typeof PROVENANCE]]),
];

function realDataColumns(rows: number): RealDataColumns {
  const values = {} as RealDataColumns['values'];
  for (const name of REALDATA_METRICS) values[name] = new Float64Array(rows).fill(0.5);
  return { rows, step: Float64Array.from({ length: rows }, (_, i) => i * 10), values };
}

describe('provenance in file metadata', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('provmeta')));
  afterEach(() => cleanup());

  it("every file with provenance carries it the same way, after the file's own entries", async () => {
    const runs = join(dir, 'runs');
    mkdirSync(runs);
    writeRunFile(join(runs, 'r1.arrow'), { runId: 'r1', params: sampleParams(), replicate: 2, metrics: sampleMetrics(3), provenance: PROVENANCE });
    writeNeuronsFile(join(runs, 'r1.neurons.arrow'), { runId: 'r1', snapshots: sampleSnapshots([0, 1000], 3), provenance: PROVENANCE });
    writeRealDataFile(join(runs, 'r1.realdata.arrow'), { runId: 'r1', columns: realDataColumns(2), provenance: PROVENANCE });
    await writeSummary(join(dir, 'summary.arrow'), [sampleRow('r1')], PROVENANCE);
    await writeMetricsFile(
      join(dir, 'metrics.arrow'),
      [{ runId: 'r1', params: sampleParams(), replicate: 2, sweep: 'sample', seed: 7, metrics: sampleMetrics(3) }],
      PROVENANCE,
    );

    const fixed: Record<string, string[]> = {
      'runs/r1.arrow': ['lnsweep.run_id', 'lnsweep.params', 'lnsweep.replicate', 'lnsweep.model'],
      'runs/r1.neurons.arrow': ['lnsweep.run_id'],
      'runs/r1.realdata.arrow': ['lnsweep.run_id'],
      'summary.arrow': [],
      'metrics.arrow': [],
    };
    for (const [file, own] of Object.entries(fixed)) {
      const entries = [...readArrowFile(join(dir, file)).schema.metadata];
      expect(entries.map(([k]) => k).slice(0, own.length), file).toEqual(own);
      expect(entries.slice(own.length), file).toEqual(EXPECTED_PROVENANCE_ENTRIES);
    }
  });

  it('gives the same metadata for the same record in any key order', () => {
    const reversed = Object.fromEntries(Object.entries(PROVENANCE).reverse());
    expect([...provenanceMetadata(reversed, { run_id: 'r1' })]).toEqual([...provenanceMetadata(PROVENANCE, { run_id: 'r1' })]);
  });

  it("refuses a provenance key that would overwrite one of the file's own entries or the record itself", () => {
    expect(() => provenanceMetadata({ ...PROVENANCE, run_id: 'x' }, { run_id: 'r1' })).toThrow(/provenance key 'run_id' is reserved/);
    expect(() => provenanceMetadata({ ...PROVENANCE, provenance: 'x' })).toThrow(/provenance key 'provenance' is reserved/);
  });
});
