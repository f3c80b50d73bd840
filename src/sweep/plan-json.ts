/**
 * plan.json's text (docs/formats.md#plan-file): the plan's fields indented by two spaces, and its runs one per line,
 *
 *     {
 *       "format": 1,
 *       "name": "paper-fig2",
 *       …
 *       "runs": [
 *         {"run_id":"833b290ff7e13693","replicate":0,"params":{…},"cost":4.1e9},
 *         …
 *       ],
 *       "provenance": { … }
 *     }
 *
 * A plan may hold a million runs: pretty-printed whole, that is 750 MB, more than a JavaScript string can hold
 * (2^29 characters), and parsing it needs the whole text in memory beside the objects. So the text is made and read
 * a line at a time: `planJsonChunks` yields it in pieces for a streamed write, and `readPlanJson` parses each run's
 * line on its own, never holding the file as one string. Any other layout (a plan written by an older lnsweep, or by
 * hand) is parsed whole, as before.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { fileBytes, fileLines } from './file-lines.js';

/**
 * The largest plan.json read: a million runs of about 450 bytes, twice over (refinement adds runs), with room for
 * long parameter lists. Refused by size before any parsing, so a stray multi-gigabyte file costs nothing.
 */
export const MAX_PLAN_BYTES = 2 * 2 ** 30;

/** No run's line is longer than this (its longest part, snapshot_steps, holds at most a million numbers). */
const MAX_PLAN_LINE_BYTES = 64 << 20;

/** Layout lines: the line that opens the runs' list, and the one that closes it. */
const RUNS_OPEN = '  "runs": [';
const RUNS_CLOSE = /^ {2}\](,?)$/;
/** Pieces of the text are handed out at about this size (one write each). */
const CHUNK_CHARS = 1 << 20;

/**
 * The text of `plan` (any object with a `runs` array) in plan.json's layout, in pieces of about a megabyte. Fields
 * other than `runs` come out as JSON.stringify(value, null, 2) writes them, in the object's order; undefined ones
 * are left out, as JSON.stringify does.
 */
export function* planJsonChunks(plan: { runs: readonly unknown[] }): Generator<string> {
  const fields = Object.entries(plan).filter(([, v]) => v !== undefined && typeof v !== 'function');
  let out = '{\n';
  for (let f = 0; f < fields.length; f++) {
    const [key, value] = fields[f];
    const comma = f < fields.length - 1 ? ',' : '';
    if (key !== 'runs') {
      out += `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
      continue;
    }
    const runs = value;
    if (runs.length === 0) {
      out += `  "runs": []${comma}\n`;
      continue;
    }
    out += RUNS_OPEN + '\n';
    for (let i = 0; i < runs.length; i++) {
      out += `    ${JSON.stringify(runs[i])}${i < runs.length - 1 ? ',' : ''}\n`;
      if (out.length >= CHUNK_CHARS) {
        yield out;
        out = '';
      }
    }
    out += `  ]${comma}\n`;
  }
  yield out + '}\n';
}

/** plan.json's whole text; for small plans and tests (a million runs is better streamed: planJsonChunks). */
export const planJsonText = (plan: { runs: readonly unknown[] }): string => [...planJsonChunks(plan)].join('');

/**
 * The value in a plan.json file, checked for size first (MAX_PLAN_BYTES, or `maxBytes`). In plan.json's layout the
 * runs are parsed a line at a time. With `runs: 'head'` only the fields written before the runs are read (format,
 * results_version, name, seed, source, description: the file's first few lines, whatever its size), with an empty
 * `runs`. Throws an Error whose message says what is wrong (the caller names the file); a missing file throws the
 * system error (ENOENT).
 */
export function readPlanJson(path: string, opts: { runs?: 'all' | 'head'; maxBytes?: number } = {}): unknown {
  const maxBytes = opts.maxBytes ?? MAX_PLAN_BYTES;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) {
      throw new Error(`${size} bytes, more than any plan lnsweep writes (at most ${maxBytes}); not parsed`);
    }
    const lines = fileLines(fd, size, MAX_PLAN_LINE_BYTES);
    const layout = readLayout(lines, opts.runs === 'head');
    if (layout !== null) return layout;
    // Another layout: the whole text at once (such files were written whole, so they fit in a string).
    return JSON.parse(fileBytes(fd, size).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/**
 * The plan in plan.json's layout, or null when the lines are laid out otherwise (then the caller parses the text
 * whole). The fields around the runs are parsed as one small JSON text with an empty runs list in its place.
 */
function readLayout(lines: Generator<string | null>, headOnly: boolean): Record<string, unknown> | null {
  let head = '';
  const runs: unknown[] = [];
  let inRuns = false;
  let seenRuns = false;
  for (const line of lines) {
    if (line === null) return null; // a line longer than any run's: not our layout
    if (!inRuns) {
      if (line === RUNS_OPEN && !seenRuns) {
        if (headOnly) return parseHead(head + '  "runs": []\n}\n', runs);
        inRuns = seenRuns = true;
        continue;
      }
      head += line + '\n';
      if (head.length > 64 << 20) return null; // fields this large are no plan of ours: let the whole parse judge
      continue;
    }
    const close = RUNS_CLOSE.exec(line);
    if (close) {
      head += `  "runs": []${close[1]}\n`;
      inRuns = false;
      continue;
    }
    if (!line.startsWith('    {') || !(line.endsWith('},') || line.endsWith('}'))) return null; // pretty-printed runs
    try {
      runs.push(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line));
    } catch {
      return null;
    }
  }
  if (!seenRuns || inRuns) return null;
  return parseHead(head, runs);
}

/** The fields around the runs, as one JSON object with `runs` put back in; null when that text is not one. */
function parseHead(text: string, runs: unknown[]): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  (value as Record<string, unknown>).runs = runs;
  return value as Record<string, unknown>;
}
