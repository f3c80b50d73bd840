/**
 * `journal.jsonl`: the sweep's append-only log, one JSON object per line:
 *
 *   {"t":"2026-01-01T00:00:00.000Z","event":"run_done","run_id":"…","status":"done",…}
 *
 * Each event is one write(2) of a whole line on a file opened with O_APPEND, so a crash (kill -9, OOM) loses at most
 * the line being written and never interleaves two lines. A truncated last line is skipped and reported by
 * readJournal; openJournal first ends such a line so the next event starts on a line of its own. Lines are not
 * fsync'd one by one: an fsync costs milliseconds, the run files are fsync'd anyway, and the journal only has to
 * survive the process, not the machine. Where the journals live: out-folder/paths.ts.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, fstatSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileLines } from '../sweep/file-lines.js';
import { describeCause, JournalError } from './errors.js';

type JournalEventName = 'sweep_start' | 'sweep_end' | 'run_start' | 'run_done' | 'run_failed' | 'run_retry' | 'interrupted' | (string & {});

/** What callers append: an event name and any JSON-serialisable fields. */
interface JournalInput {
  event: JournalEventName;
  run_id?: string;
  [field: string]: unknown;
}

/** A line read back: the input plus its ISO time `t`. */
interface JournalEvent extends JournalInput {
  t: string;
}

export interface Journal {
  readonly path: string;
  /** Appends one line; throws JournalError if the write fails (a full disk). */
  append(event: JournalInput): void;
  close(): void;
}

export interface ReadJournalResult {
  events: JournalEvent[];
  /** the last line, when a crash cut it short (no newline and not valid JSON); null otherwise */
  truncatedLine: string | null;
  /** 1-based numbers of other lines that are not a JSON object (should never happen; reported, skipped) */
  badLines: number[];
}

/**
 * Opens (creating its folder and the file if needed) the journal at `path` for appending. Appends are atomic between
 * processes of one machine only; processes on several machines sharing an NFS folder each open a file of their own
 * (a part's journal), since NFS emulates O_APPEND on the client.
 */
export function openJournal(path: string): Journal {
  let fd: number | null;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a+');
    endPartialLine(fd);
  } catch (cause) {
    throw new JournalError(path, `cannot open the journal: ${describeCause(cause)}`, { cause });
  }
  return {
    path,
    append(event: JournalInput): void {
      if (fd === null) throw new JournalError(path, `bug: append of '${event.event}' after close`);
      const line = Buffer.from(JSON.stringify({ t: new Date().toISOString(), ...event }) + '\n', 'utf8');
      try {
        let offset = 0;
        while (offset < line.byteLength) offset += writeSync(fd, line, offset);
      } catch (cause) {
        throw new JournalError(path, `cannot append '${event.event}': ${describeCause(cause)}`, { cause });
      }
    },
    close(): void {
      if (fd === null) return;
      try {
        fsyncSync(fd);
      } catch {
        // closing anyway; every line was already handed to the kernel
      }
      closeSync(fd);
      fd = null;
    },
  };
}

/**
 * No event is longer than this: a longer line is counted as bad without being parsed (or held: the file is read a
 * line at a time, so a journal larger than a string can hold, or one 2 GB line, is read in bounded memory).
 */
const MAX_LINE_BYTES = 1 << 20;

/**
 * Reads every event; a missing file is an empty journal. Throws JournalError only when the file is unreadable. With
 * `only` (event names), a line that does not contain one of the names is skipped before it is parsed (a folder's
 * failures are a few lines among two per run), and so is not judged either: `badLines` and `truncatedLine` then speak
 * only of lines that contain a name.
 */
export function readJournal(path: string, opts: { only?: readonly JournalEventName[] } = {}): ReadJournalResult {
  const only = opts.only;
  const result: ReadJournalResult = { events: [], truncatedLine: null, badLines: [] };
  if (!existsSync(path)) return result;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const endsWithNewline = size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a);
    let number = 0;
    let pending: { line: string | null; number: number } | null = null; // the last line is judged once known to be last
    const judge = (line: string | null, n: number, isLast: boolean) => {
      if (line !== null && line.trim() === '') return;
      if (only && line !== null && !only.some((name) => line.includes(name))) return;
      const event = line === null ? null : parseEvent(line);
      if (event) result.events.push(event);
      else if (isLast && !endsWithNewline) result.truncatedLine = line ?? '';
      else result.badLines.push(n);
    };
    for (const line of fileLines(fd, size, MAX_LINE_BYTES)) {
      if (pending) judge(pending.line, pending.number, false);
      pending = { line, number: ++number };
    }
    if (pending) judge(pending.line, pending.number, true);
  } catch (cause) {
    throw new JournalError(path, `cannot read the journal: ${describeCause(cause)}`, { cause });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return result;
}

/** Bytes searched at a time by journalMentions. */
const SEARCH_BYTES = 8 << 20;

/**
 * Whether the journal at `path` holds `word` anywhere, searched as bytes a buffer at a time, nothing decoded or
 * parsed: a folder's journals are two lines per run and mostly name no failure at all, and then none of their lines
 * need reading (out-folder/summary-rows.ts). A missing file holds nothing. Throws JournalError when unreadable.
 */
export function journalMentions(path: string, word: string): boolean {
  if (!existsSync(path)) return false;
  const needle = Buffer.from(word, 'utf8');
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, SEARCH_BYTES));
    // each look starts needle.length - 1 bytes before the end of the one before, so a word across two is found
    const step = SEARCH_BYTES - (needle.length - 1);
    for (let from = 0; from < size; from += step) {
      const want = Math.min(SEARCH_BYTES, size - from);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buffer, got, want - got, from + got);
        if (n === 0) break;
        got += n;
      }
      if (buffer.subarray(0, got).includes(needle)) return true;
      if (from + want >= size) break;
    }
    return false;
  } catch (cause) {
    throw new JournalError(path, `cannot read the journal: ${describeCause(cause)}`, { cause });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function parseEvent(line: string): JournalEvent | null {
  try {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    if (typeof (value as JournalEvent).event !== 'string') return null;
    return value as JournalEvent;
  } catch {
    return null;
  }
}

/** If the file's last byte is not a newline (a line cut by a crash), writes one so the next line stands alone. */
function endPartialLine(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] !== 0x0a) writeSync(fd, '\n');
}
