/**
 * Writing plan.json. Its layout (the runs one per line, so that a million of them are written and read a line at a
 * time) is src/sweep/plan-json.ts's; reading it back is readPlan (scan.ts).
 */
import { planJsonChunks } from '../../sweep/plan-json.js';
import type { Plan } from '../../sweep/plan.js';
import { writeTextChunksAtomic } from '../atomic.js';
import { planPath } from './paths.js';

/** Writes `plan`, with the provenance of the process that froze it, as `outDir`/plan.json, atomically. */
export function writePlanFile(outDir: string, plan: Plan & { provenance?: Record<string, string> }): void {
  writeTextChunksAtomic(planPath(outDir), planJsonChunks(plan));
}
