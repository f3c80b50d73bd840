import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readSummary, writeSummary } from '../../src/io/index.js';
import { paramsDiffer } from '../../src/io/out-folder/scan.js';
import { readSummaryTable, stampsOfText } from '../../src/io/summary-table.js';
import type { PlannedRun } from '../../src/sweep/plan.js';
import { PROVENANCE, sampleParams, sampleRow, tempDir } from './helpers.js';

describe('a summary read lazily (summary-table.ts)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('summary-table')));
  afterEach(() => cleanup());

  const rows = [
    sampleRow('a', { extra: { norm_decay_rate: 0.5, collapsed: 1, refine_round: 0 } }),
    sampleRow('b', {
      status: 'diverged',
      error: 'train loss 1.5e+49 ≥ diverge_loss 1e6 at step 21',
      extra: { norm_decay_rate: null, collapsed: null, refine_round: 2 },
    }),
    sampleRow('c', { status: 'failed', error: null, engine: '', steps_done: 0, extra: { norm_decay_rate: null, collapsed: 0, refine_round: 0 } }),
  ];

  it("gives each row's head at once and the whole row on demand, built once, equal to readSummary's", async () => {
    const path = join(dir, 'summary.arrow');
    await writeSummary(path, rows, PROVENANCE, new Map([['a', '1:2:3:4']]));
    const table = readSummaryTable(path);
    expect(table.rows.map(({ run_id, status, error, engine }) => ({ run_id, status, error, engine }))).toEqual(
      rows.map(({ run_id, status, error, engine }) => ({ run_id, status, error, engine })),
    );
    expect(table.stamps).toEqual(new Map([['a', '1:2:3:4']]));
    expect(table.extraNames).toEqual(['collapsed', 'norm_decay_rate', 'refine_round']);
    const built = table.rows.map((r) => r.row());
    expect(built).toEqual(readSummary(path));
    expect(built).toEqual(rows);
    expect(table.rows[1].row()).toBe(built[1]);
  });

  it('sameRun says alike exactly when paramsDiffer finds nothing, for each way a plan can differ', async () => {
    const path = join(dir, 'summary.arrow');
    await writeSummary(path, [rows[0]], PROVENANCE);
    const table = readSummaryTable(path);
    const base = sampleParams({ snapshot_steps: [0, 500] });
    const { snapshot_steps: _dropped, ...withoutList } = base;
    const variants: [string, PlannedRun['params'], number][] = [
      ['the same', { ...base }, 1],
      ['another replicate', { ...base }, 2],
      ['another sigma', { ...base, sigma: 8 }, 1],
      ['another noise', { ...base, noise: 'gaussian' }, 1],
      ['another snapshot list', { ...base, snapshot_steps: [0, 501] }, 1],
      ['a longer snapshot list', { ...base, snapshot_steps: [0, 500, 1000] }, 1],
      ['a key missing', withoutList as PlannedRun['params'], 1],
      ['a key more', { ...base, extra_key: 1 } as PlannedRun['params'], 1],
      ['keys in another order', Object.fromEntries(Object.entries(base).reverse()) as PlannedRun['params'], 1],
    ];
    const verdicts = variants.map(([name, params, replicate]) => {
      const run = { run_id: 'a', replicate, params, cost: 1 } as PlannedRun;
      return [name, table.sameRun(0, params, replicate), paramsDiffer(table.rows[0].row(), run) === null];
    });
    expect(verdicts).toEqual(
      variants.map(([name]) => [
        name,
        name === 'the same' || name === 'keys in another order',
        name === 'the same' || name === 'keys in another order',
      ]),
    );
  });
});

describe('sameRun over many rows: a parameter of one value in every row is compared once', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('summary-same-run')));
  afterEach(() => cleanup());

  it('still finds the row that differs from the plan, in a column of one value and in one of many, whatever came before', async () => {
    // sigma is 4 and the snapshot list [0, 500] in every row (columns of one value); lr differs from row to row
    const lrs = [0.01, 0.02, 0.03, 0.04];
    const path = join(dir, 'summary.arrow');
    await writeSummary(
      path,
      lrs.map((lr, i) => sampleRow(`r${i}`, { params: sampleParams({ lr, snapshot_steps: [0, 500] }) })),
      PROVENANCE,
    );
    const table = readSummaryTable(path);
    const plan = (i: number, over: Partial<PlannedRun['params']> = {}) => sampleParams({ lr: lrs[i], snapshot_steps: [0, 500], ...over });
    // asked in this order: each verdict after rows already shown alike
    const asked: [string, number, PlannedRun['params'], boolean][] = [
      ['row 0 as planned', 0, plan(0), true],
      ['row 1 as planned', 1, plan(1), true],
      ['row 2, the lr of row 1 (just shown alike)', 2, plan(1), false],
      ['row 2, another sigma', 2, plan(2, { sigma: 8 }), false],
      ['row 3, another snapshot list', 3, plan(3, { snapshot_steps: [0, 501] }), false],
      ['row 3, a snapshot list that is no list', 3, plan(3, { snapshot_steps: 500 as unknown as number[] }), false],
      ['row 3 as planned', 3, plan(3), true],
      ['row 2 as planned', 2, plan(2), true],
    ];
    const verdicts = asked.map(([name, i, params]) => [name, table.sameRun(i, params, 1)]);
    expect(verdicts).toEqual(asked.map(([name, , , alike]) => [name, alike]));
    // and what paramsDiffer, the full comparison, says of the same rows
    expect(asked.map(([, i, params]) => paramsDiffer(table.rows[i].row(), { run_id: 'x', replicate: 1, params, cost: 1 }) === null)).toEqual(
      asked.map(([, , , alike]) => alike),
    );
  });

  it('a snapshot list that is no list is not alike when no row was compared before', async () => {
    const path = join(dir, 'summary.arrow');
    await writeSummary(path, [sampleRow('r0'), sampleRow('r1')], PROVENANCE);
    const table = readSummaryTable(path);
    expect(table.sameRun(1, sampleParams({ snapshot_steps: undefined as unknown as number[] }), 1)).toBe(false);
    expect(table.sameRun(1, sampleParams({ snapshot_steps: 'x' as unknown as number[] }), 1)).toBe(false);
    expect(table.sameRun(1, sampleParams({ snapshot_steps: [0, 500] }), 1)).toBe(true);
  });
});

describe("a summary's verified stamps, read from its metadata", () => {
  /** the reference: what JSON.parse makes of the text, its string values, and nothing when it is no JSON object */
  const reference = (text: string): Map<string, string> => {
    try {
      const raw = JSON.parse(text) as unknown;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return new Map();
      return new Map(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return new Map();
    }
  };
  const id = (k: number) => k.toString(16).padStart(16, '0');
  it.each([
    ['as written, sidecars tagged', JSON.stringify({ [id(1)]: '4642:179:180:14|n12:179:180:15', [id(2)]: '1:2:3:4|r5:6:7:8' })],
    ['empty', '{}'],
    ['with spaces', `{ "${id(1)}": "1:2:3:4" }`],
    ['an escaped quote in a stamp', JSON.stringify({ [id(1)]: '1:2"3', [id(2)]: '1:2:3:4' })],
    ['a key twice (the last wins)', `{"${id(1)}":"1:1:1:1","${id(1)}":"2:2:2:2"}`],
    ['a value not a string', `{"${id(1)}":"1:2:3:4","${id(2)}":5}`],
    ['an id of another form', JSON.stringify({ '../x': '1:2:3:4' })],
    ['not JSON', '{"a":'],
    ['an array', '["1:2:3:4"]'],
  ])('%s: what JSON.parse finds', (_, text) => {
    expect(stampsOfText(text)).toEqual(reference(text));
  });
});
