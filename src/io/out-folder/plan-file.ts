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
import { fileStamp } from './stamps.js';

/** Writes `plan`, with the provenance of the process that froze it, as `outDir`/plan.json, unless it is there already. */
export function writePlanFile(outDir: string, plan: Plan & { provenance?: Record<string, string> }): void {
  const path = planPath(outDir);
  const { provenance, ...frozen } = plan;
  if (provenance !== undefined && planFileHolds(outDir, frozen)) return;
  writeTextChunksAtomic(path, planJsonChunks(plan));
}

/**
 * Whether `outDir`/plan.json holds `plan` as writePlanFile writes it (followed by any provenance): then it is the
 * plan frozen there, and `run` need not parse the file's runs to know it (src/run/ownership.ts). A comparison that
 * held is remembered with the file's stamp, so writePlanFile's own check of the same plan (the same `runs` and
 * fields) against the unchanged file is not made twice: at 20,000 runs each costs a tenth of a second.
 */
export function planFileHolds(outDir: string, plan: { runs: readonly unknown[] }): boolean {
  const path = planPath(outDir);
  const head = headOf(plan);
  const known = held.get(plan.runs);
  if (known && known.path === path && known.head === head && known.stamp === fileStamp(path)) return true;
  const stamp = fileStamp(path);
  if (!holdsPlan(path, plan)) return false;
  // stamped before the comparison too: a file replaced while it was compared is compared again next time
  if (stamp !== '' && stamp === fileStamp(path)) held.set(plan.runs, { path, head, stamp });
  return true;
}

/** The comparisons that held, by the plan's runs (src/io/out-folder/stamps.ts has why size, times and inode). */
const held = new WeakMap<readonly unknown[], { path: string; head: string; stamp: string }>();

/** The plan's fields other than its runs, as text: two plans with the same runs array and this text are alike. */
const headOf = (plan: object): string => JSON.stringify(Object.entries(plan).filter(([k]) => k !== 'runs'));

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
    // two buffers for every piece, grown when a piece needs more: a megabyte buffer made twice per piece (and zeroed)
    // was a tenth of the comparison, and its external memory set off a full collection (issue 23)
    let expected = Buffer.allocUnsafe(0);
    let actual = Buffer.allocUnsafe(0);
    const matches = (text: string): boolean => {
      // at most 3 bytes of UTF-8 per UTF-16 unit
      if (expected.length < 3 * text.length) {
        expected = Buffer.allocUnsafe(3 * text.length);
        actual = Buffer.allocUnsafe(3 * text.length);
      }
      const length = expected.write(text, 'utf8');
      if (position + length > size) return false;
      if (readSync(fd, actual, 0, length, position) !== length || !actual.subarray(0, length).equals(expected.subarray(0, length))) return false;
      position += length;
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
