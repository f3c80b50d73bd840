/**
 * Small JSON files of the output folder (queue.json), read with their size checked first: a folder may hold anything
 * under those names, and a multi-gigabyte file must be refused by its size, not by running out of memory parsing it.
 * plan.json, which may be large, has its own reader (src/sweep/plan-json.ts).
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { fileBytes } from '../sweep/file-lines.js';

/**
 * The JSON value in `path`, if the file has at most `maxBytes` bytes. Throws the system error for a file that
 * cannot be opened, an Error naming the size for a larger one, and SyntaxError for one that is not JSON.
 */
export function readSmallJsonFile(path: string, maxBytes: number): unknown {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new Error(`${size} bytes, more than the ${maxBytes} such a file holds; not parsed`);
    return JSON.parse(fileBytes(fd, size).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}
