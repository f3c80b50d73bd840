/** Sweep files written to a fresh temp dir, so tests read real files through loadSweep/planSweep. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'lnsweep-sweep-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

export function sweepFile(text: string, name = `s${++counter}.yaml`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A minimal valid head; tests append sections. */
export const HEAD = 'name: t\nseed: 1\n';
