/**
 * Writing plan.json. Its layout (the runs one per line, so that a million of them are written and read a line at a
 * time) is src/sweep/plan-json.ts's; reading it back is readPlan (scan.ts).
 *
 * Every `run` freezes its plan, and every shard of an array is a `run`: a thousand shards of a million-run sweep would
 * each rewrite (and fsync) the same 460 MB on the shared file system. So a plan.json that already holds the same plan
 * is left as it is, whatever its provenance: it stays the provenance of the process that froze the plan first.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { planJsonChunks } from '../../sweep/plan-json.js';
import type { Plan } from '../../sweep/plan.js';
import { writeTextChunksAtomic } from '../atomic.js';
import { planPath } from './paths.js';

/** Writes `plan`, with the provenance of the process that froze it, as `outDir`/plan.json, unless it is there already. */
export function writePlanFile(outDir: string, plan: Plan & { provenance?: Record<string, string> }): void {
  const path = planPath(outDir);
  const { provenance, ...frozen } = plan;
  if (provenance !== undefined && holdsPlan(path, frozen)) return;
  writeTextChunksAtomic(path, planJsonChunks(plan));
}

/**
 * Whether the file at `path` is `frozen` as writePlanFile writes it, followed by a provenance: its bytes are the text
 * of `frozen` up to the closing brace, then `,`, then a `"provenance"` field and the brace. Compared a piece at a time
 * as the text is made, so a difference early on costs nothing more, and nothing is held but one piece.
 */
function holdsPlan(path: string, frozen: { runs: readonly unknown[] }): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const size = fstatSync(fd).size;
    let position = 0;
    const matches = (text: string): boolean => {
      const expected = Buffer.from(text, 'utf8');
      if (position + expected.length > size) return false;
      const actual = Buffer.alloc(expected.length);
      if (readSync(fd, actual, 0, actual.length, position) !== actual.length || !actual.equals(expected)) return false;
      position += expected.length;
      return true;
    };
    // the text of `frozen` ends with "\n}\n"; in the file its last field is followed by the provenance instead
    let held = '';
    for (const chunk of planJsonChunks(frozen)) {
      if (held !== '' && !matches(held)) return false;
      held = chunk;
    }
    if (!held.endsWith('\n}\n') || !matches(held.slice(0, -3))) return false;
    if (size - position > 1 << 20) return false; // a provenance is a few hundred bytes
    const rest = Buffer.alloc(size - position);
    readSync(fd, rest, 0, rest.length, position);
    const tail = rest.toString('utf8');
    if (!tail.startsWith(',\n  "provenance": ')) return false;
    const value = JSON.parse(`{${tail.slice(1)}`) as Record<string, unknown>;
    return Object.keys(value).length === 1 && typeof value.provenance === 'object' && value.provenance !== null;
  } catch {
    return false; // not a plan of this layout (a damaged tail, say): write it anew
  } finally {
    closeSync(fd);
  }
}
