/**
 * A text file's lines, read a buffer at a time: for files that may be larger than one JavaScript string can hold
 * (2^29 characters), such as a plan of a million runs or a long journal. The sweep layer is the lowest that reads
 * files (core does no I/O), so the I/O layer's journal reader uses it too.
 */
import { readSync } from 'node:fs';

/** Bytes read at a time; a longer line grows the buffer to hold it. */
const BUFFER_BYTES = 8 << 20;

/**
 * The lines of the open file `fd` (of `size` bytes, from its start), without their '\n', each decoded as UTF-8 on
 * its own; null in place of a line longer than `maxLineBytes`, which is skipped unread rather than held (a file
 * that is one 2 GB line must not cost 2 GB). The last line is yielded even without a newline. Reads with positions,
 * so the descriptor's offset is left alone.
 */
export function* fileLines(fd: number, size: number, maxLineBytes: number): Generator<string | null> {
  let buffer = Buffer.alloc(Math.min(Math.max(size, 1), BUFFER_BYTES));
  let start = 0; // of the unread part of buffer
  let end = 0; // of the bytes in buffer
  let position = 0; // in the file
  let skipping = false; // inside a line too long to keep: drop bytes up to its newline
  for (;;) {
    const newline = buffer.indexOf(0x0a, start);
    if (newline !== -1 && newline < end) {
      if (skipping) {
        skipping = false;
        yield null;
      } else yield newline - start > maxLineBytes ? null : buffer.toString('utf8', start, newline);
      start = newline + 1;
      continue;
    }
    // no whole line left in the buffer: keep the partial one (unless too long), fill the rest
    if (skipping || end - start > maxLineBytes) {
      skipping = true;
      start = end;
    }
    buffer.copy(buffer, 0, start, end);
    end -= start;
    start = 0;
    if (end === buffer.length) {
      const bigger = Buffer.alloc(2 * buffer.length);
      buffer.copy(bigger, 0, 0, end);
      buffer = bigger;
    }
    const got = position < size ? readSync(fd, buffer, end, Math.min(buffer.length - end, size - position), position) : 0;
    position += got;
    if (got === 0) {
      if (skipping) yield null;
      else if (end > 0) yield end > maxLineBytes ? null : buffer.toString('utf8', 0, end);
      return;
    }
    end += got;
  }
}

/** The first `size` bytes of the open file `fd` (fewer if it is shorter), read with positions. */
export function fileBytes(fd: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let offset = 0;
  while (offset < size) {
    const got = readSync(fd, bytes, offset, size - offset, offset);
    if (got === 0) break;
    offset += got;
  }
  return bytes.subarray(0, offset);
}
