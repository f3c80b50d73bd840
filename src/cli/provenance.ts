/**
 * The provenance every file of a sweep carries: the tool's (collectProvenance) plus the sweep file's `description`,
 * so that a run file copied out of its folder still says what the sweep was for.
 */
import type { Plan } from '../sweep/index.js';

export function sweepProvenance(tool: Record<string, string>, plan: Pick<Plan, 'description'>): Record<string, string> {
  return plan.description !== undefined ? { ...tool, sweep_description: plan.description } : tool;
}
