import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARAM_KEYS, PARAM_SPECS } from '../../src/core/params.js';
import { METRIC_NAMES } from '../../src/core/types.js';
import { readArrowFile, readSummary, writeSummary } from '../../src/io/index.js';
import { PROVENANCE, sampleParams, sampleRow, tempDir } from './helpers.js';

const TYPE_OF_KIND = { int: 'Int64', float: 'Float64', enum: 'Utf8', int_list: 'Utf8' } as const;

describe('summary.arrow', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('summary')));
  afterEach(() => cleanup());

  it('has one column per docs/formats.md#summary-file field with explicit types, parameters typed from PARAM_SPECS', async () => {
    const path = join(dir, 'summary.arrow');
    await writeSummary(path, [sampleRow('b'), sampleRow('a')], PROVENANCE);
    const table = readArrowFile(path);
    expect(table.batches).toHaveLength(1);
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['run_id', 'Utf8'],
      ...PARAM_KEYS.map((key) => [key, TYPE_OF_KIND[PARAM_SPECS[key].kind.kind]]),
      ['replicate', 'Int64'],
      ['sweep', 'Utf8'],
      ['seed', 'Int64'],
      ['status', 'Utf8'],
      ['error', 'Utf8'],
      ['steps_done', 'Int64'],
      ['wall_s', 'Float64'],
      ['steps_per_s', 'Float64'],
      ['engine_used', 'Utf8'],
      ...METRIC_NAMES.map((name) => [`final_${name}`, 'Float64']),
      ['lazy_escape_step', 'Int64'],
      ['phase2_step', 'Int64'],
      ['align_step', 'Int64'],
      ['phase2_mean_step', 'Int64'],
      ['phase2_step_50', 'Int64'],
      ['phase2_step_90', 'Int64'],
      ['lazy_escape_step_50', 'Int64'],
      ['align_step_50', 'Int64'],
      ['norm_decay_window_end', 'Int64'],
    ]);
    expect(table.getChild('run_id')!.toArray()).toEqual(['a', 'b']);
    expect([...table.getChild('sweep')!]).toEqual(['sample', 'sample']);
    expect([...table.getChild('seed')!]).toEqual([7n, 7n]);
    expect(table.getChild('snapshot_steps')!.get(0)).toBe('[0,500]');
    expect(table.getChild('steps')!.get(0)).toBe(1000n);
    expect(table.getChild('phase2_step')!.get(0)).toBeNull();
    expect(table.getChild('phase2_mean_step')!.get(0)).toBe(300n);
    expect(table.schema.metadata.get('lnsweep.git_commit')).toBe('abc123');
  });

  it('reads back the rows it wrote, sorted by run_id, nulls and failed runs included', async () => {
    const path = join(dir, 'summary.arrow');
    const failed = sampleRow('c', {
      status: 'failed',
      error: 'Error: injected',
      steps_done: 0,
      wall_s: 0,
      steps_per_s: 0,
      final: {},
      lazy_escape_step: null,
      align_step: null,
    });
    const rows = [sampleRow('z', { params: sampleParams({ optimizer: 'sam', rho: 0.2, width: 64 }) }), failed, sampleRow('a')];
    await writeSummary(path, rows, PROVENANCE);
    const back = readSummary(path);
    expect(back.map((r) => r.run_id)).toEqual(['a', 'c', 'z']);
    expect(back[2]).toEqual(rows[0]);
    expect(back[0]).toEqual(rows[2]);
    const allNull = Object.fromEntries(METRIC_NAMES.map((name) => [name, null]));
    expect(back[1]).toEqual({ ...failed, final: allNull });
  });

  it('appends extra analysis columns as nullable Float64, sorted by name', async () => {
    const path = join(dir, 'summary.arrow');
    await writeSummary(
      path,
      [sampleRow('a', { extra: { norm_decay_rate: 0.03, alpha_fit: 2 } }), sampleRow('b', { extra: { norm_decay_rate: null } })],
      PROVENANCE,
    );
    const fields = readArrowFile(path).schema.fields;
    expect(fields.slice(-2).map((f) => [f.name, String(f.type), f.nullable])).toEqual([
      ['alpha_fit', 'Float64', true],
      ['norm_decay_rate', 'Float64', true],
    ]);
    const back = readSummary(path);
    expect(back[0].extra).toEqual({ alpha_fit: 2, norm_decay_rate: 0.03 });
    expect(back[1].extra).toEqual({ alpha_fit: null, norm_decay_rate: null });
  });

  it('types collapsed as Bool and refine_round as Int64 (docs/formats.md), and reads them back as 1/0 and integers', async () => {
    const path = join(dir, 'summary.arrow');
    await writeSummary(
      path,
      [
        sampleRow('a', { extra: { collapsed: 1, refine_round: 2, norm_decay_rate: 0.5 } }),
        sampleRow('b', { extra: { collapsed: 0, refine_round: 0, norm_decay_rate: 0.25 } }),
        sampleRow('c', { extra: { collapsed: null, refine_round: 1, norm_decay_rate: null } }),
      ],
      PROVENANCE,
    );
    const table = readArrowFile(path);
    const type = (name: string) => String(table.schema.fields.find((f) => f.name === name)!.type);
    expect([type('collapsed'), type('refine_round'), type('norm_decay_rate')]).toEqual(['Bool', 'Int64', 'Float64']);
    expect([...table.getChild('collapsed')!]).toEqual([true, false, null]);
    expect([...table.getChild('refine_round')!]).toEqual([2n, 0n, 1n]);
    expect(readSummary(path).map((r) => r.extra)).toEqual([
      { collapsed: 1, refine_round: 2, norm_decay_rate: 0.5 },
      { collapsed: 0, refine_round: 0, norm_decay_rate: 0.25 },
      { collapsed: null, refine_round: 1, norm_decay_rate: null },
    ]);
  });

  it('writes the same bytes for the same rows in any order', async () => {
    const a = join(dir, 'one.arrow');
    const b = join(dir, 'two.arrow');
    const rows = ['q', 'b', 'x', 'a'].map((id) => sampleRow(id));
    await writeSummary(a, rows, PROVENANCE);
    await writeSummary(b, [...rows].reverse(), PROVENANCE);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('writes an empty summary that reads back as no rows', async () => {
    const path = join(dir, 'summary.arrow');
    await writeSummary(path, [], PROVENANCE);
    expect(readSummary(path)).toEqual([]);
  });

  it('rejects a row with an unknown status naming the run', async () => {
    const path = join(dir, 'summary.arrow');
    const bad = sampleRow('r9', { status: 'ok' as never });
    await expect(writeSummary(path, [bad], PROVENANCE)).rejects.toThrow(/\[io\] .*summary\.arrow: .*run r9 has status 'ok'/);
  });
});
