import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal, type SummaryRow } from '../../src/io/index.js';
import { journalMentions } from '../../src/io/journal.js';
import { summaryRows } from '../../src/io/out-folder/summary-rows.js';
import type { Plan } from '../../src/sweep/plan.js';
import { sampleParams, tempDir } from './helpers.js';

const line = (t: number, event: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ t: new Date(Date.UTC(2026, 0, 1, 0, 0, t)).toISOString(), event, ...fields }) + '\n';

describe("a folder's failures, from its journals", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('journal-failures')));
  afterEach(() => cleanup());

  const ids = { x: 'a000000000000000', y: 'b000000000000000', z: 'c000000000000000', w: 'd000000000000000' };
  const plan = { name: 't', seed: 1, runs: Object.values(ids).map((run_id) => ({ run_id, replicate: 0, params: sampleParams(), cost: 1 })) } as Plan;
  const failedOf = () => summaryRows(dir, plan, new Map<string, SummaryRow>()).map((r) => [r.run_id, r.status, r.error, r.engine]);

  it("takes each run's last failure across the journals, in time order, and drops it when the run was done later", () => {
    writeFileSync(
      join(dir, 'journal.jsonl'),
      line(1, 'run_failed', { run_id: ids.x, error: 'first', engine: 'e' }) +
        line(4, 'run_failed', { run_id: ids.y, error: 'after done', engine: 'e' }) +
        line(5, 'run_failed', { run_id: ids.z, error: 'z1', engine: 'e' }) +
        line(6, 'run_start', { run_id: ids.w }),
    );
    writeFileSync(
      join(dir, 'journal.shard-1-of-2.jsonl'),
      line(2, 'run_done', { run_id: ids.x }) +
        line(3, 'run_done', { run_id: ids.y }) +
        line(7, 'run_failed', { run_id: ids.z, error: 'z2', engine: 'f' }),
    );
    expect(failedOf()).toEqual([
      [ids.y, 'failed', 'after done', 'e'],
      [ids.z, 'failed', 'z2', 'f'],
    ]);
  });

  it('finds none in journals that never name a failure, or name the word only inside another event', () => {
    writeFileSync(join(dir, 'journal.jsonl'), line(1, 'run_start', { run_id: ids.x }) + line(2, 'run_done', { run_id: ids.x }));
    expect(journalMentions(join(dir, 'journal.jsonl'), 'run_failed')).toBe(false);
    expect(failedOf()).toEqual([]);
    writeFileSync(join(dir, 'journal.jsonl'), line(1, 'run_retry', { run_id: ids.x, error: 'not run_failed yet' }));
    expect(journalMentions(join(dir, 'journal.jsonl'), 'run_failed')).toBe(true);
    expect(failedOf()).toEqual([]);
  });

  it('readJournal with `only` parses just the lines naming those events', () => {
    const path = join(dir, 'journal.jsonl');
    writeFileSync(
      path,
      line(1, 'run_start', { run_id: ids.x }) + 'not json run_done\n' + line(2, 'run_done', { run_id: ids.x }) + 'not json either\n',
    );
    const some = readJournal(path, { only: ['run_done'] });
    expect(some.events.map((e) => e.event)).toEqual(['run_done']);
    expect(some.badLines).toEqual([2]);
    expect(readJournal(path).badLines).toEqual([2, 4]);
  });

  it('journalMentions finds a word across the boundary of its 8 MiB reads, and nothing in a missing file', () => {
    const path = join(dir, 'journal.jsonl');
    const filler = 'x'.repeat((8 << 20) - 4);
    writeFileSync(path, filler + 'run_failed\n');
    expect(journalMentions(path, 'run_failed')).toBe(true);
    writeFileSync(path, filler + 'run_faile' + 'x'.repeat(100));
    expect(journalMentions(path, 'run_failed')).toBe(false);
    writeFileSync(path, filler + 'run_failed' + 'x'.repeat(100));
    expect(journalMentions(path, 'run_failed')).toBe(true);
    expect(journalMentions(join(dir, 'nothing.jsonl'), 'run_failed')).toBe(false);
  });
});
