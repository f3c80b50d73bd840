import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { journalPath, openJournal, readJournal } from '../../src/io/index.js';
import { tempDir } from './helpers.js';

describe('journal.jsonl', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('journal')));
  afterEach(() => cleanup());

  it('appends one timestamped JSON line per event and reads them back in order', () => {
    const journal = openJournal(journalPath(join(dir, 'out')));
    journal.append({ event: 'sweep_start', name: 'smoke', runs: 2 });
    journal.append({ event: 'run_start', run_id: 'r1' });
    journal.append({ event: 'run_done', run_id: 'r1', status: 'done', wall_s: 0.5 });
    journal.close();
    const text = readFileSync(join(dir, 'out', 'journal.jsonl'), 'utf8');
    expect(text.split('\n')).toHaveLength(4);
    const { events, truncatedLine, badLines } = readJournal(journal.path);
    expect(events.map((e) => e.event)).toEqual(['sweep_start', 'run_start', 'run_done']);
    expect(events[2]).toMatchObject({ run_id: 'r1', status: 'done', wall_s: 0.5 });
    expect(Number.isNaN(Date.parse(events[0].t))).toBe(false);
    expect(truncatedLine).toBeNull();
    expect(badLines).toEqual([]);
  });

  it('survives a truncated last line: skips and reports it, and the next append starts a fresh line', () => {
    const journal = openJournal(journalPath(dir));
    journal.append({ event: 'run_start', run_id: 'r1' });
    journal.close();
    appendFileSync(journal.path, '{"t":"2026-01-01T00:00:00.000Z","event":"run_do');
    const cut = readJournal(journal.path);
    expect(cut.events.map((e) => e.event)).toEqual(['run_start']);
    expect(cut.truncatedLine).toBe('{"t":"2026-01-01T00:00:00.000Z","event":"run_do');

    const again = openJournal(journalPath(dir));
    again.append({ event: 'interrupted', pending: 1 });
    again.close();
    const after = readJournal(journal.path);
    expect(after.events.map((e) => e.event)).toEqual(['run_start', 'interrupted']);
    expect(after.truncatedLine).toBeNull();
    expect(after.badLines).toEqual([2]);
  });

  it('reads a missing journal as empty', () => {
    expect(readJournal(join(dir, 'nope.jsonl'))).toEqual({ events: [], truncatedLine: null, badLines: [] });
  });

  it('reads a journal a line at a time: a line over 1 MiB is a bad line, not held; events around it are kept', () => {
    const journal = openJournal(journalPath(dir));
    journal.append({ event: 'run_start', run_id: 'r1' });
    journal.close();
    appendFileSync(journal.path, `{"t":"2026-01-01T00:00:00.000Z","event":"run_done","error":"${'e'.repeat(2 ** 20)}"}\n`);
    const again = openJournal(journalPath(dir));
    again.append({ event: 'run_done', run_id: 'r1' });
    again.close();
    const r = readJournal(journal.path);
    expect(r.events.map((e) => e.event)).toEqual(['run_start', 'run_done']);
    expect(r.badLines).toEqual([2]);
  });

  it('reads a journal larger than a string can hold (520 MiB, sparse: one line of zero bytes after an event)', () => {
    const journal = openJournal(journalPath(dir));
    journal.append({ event: 'run_start', run_id: 'r1' });
    journal.close();
    truncateSync(journal.path, 520 * 2 ** 20); // reading it whole as text fails: more than 2^29 characters
    const r = readJournal(journal.path);
    expect(r.events.map((e) => e.event)).toEqual(['run_start']);
    expect(r.truncatedLine).toBe(''); // the zeros end without a newline, so they read as a cut last line, unheld
  });

  it('refuses to append after close', () => {
    const journal = openJournal(journalPath(dir));
    journal.close();
    expect(() => journal.append({ event: 'run_start' })).toThrow(/\[io\] .*after close/);
  });
});
