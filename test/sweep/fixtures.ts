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

/** phase-diagram.yaml's grid shape (6 σ × 5 α × 3 widths, lr by rule, 3 replicates) at a tiny scale. */
export const PHASE_SHAPE = `${HEAD}base: { n: 8, d: 4, steps: 40, log_every: 20 }
grid:
  sigma: [0, 0.5, 1, 2, 4, 8]
  alpha: { logspace: [0.25, 4, 5] }
  width: [4, 8, 16]
lr_rule: { eta_alpha2_width: 0.5 }
replicates: 3
`;
