/**
 * Small JSON files (plan.json) written the same way as the Arrow files: aside, flushed, renamed, so a reader never
 * sees half a file.
 */
import { writeSync } from 'node:fs';
import { writeBytesAtomic } from './arrow-file.js';

export function writeJsonAtomic(path: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  writeBytesAtomic(path, (fd) => void writeSync(fd, text));
}
