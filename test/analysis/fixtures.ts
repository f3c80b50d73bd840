/**
 * Synthetic summary rows for the analysis unit tests: a run's parameters, status, markers and extra columns as given,
 * everything else at defaults.
 */
import { expect } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import type { RunParams } from '../../src/core/types.js';
import type { SummaryRow } from '../../src/io/index.js';

/** `expect.closeTo` typed as the number it stands for inside toEqual's expected value (vitest types it `any`). */
export function near(value: number, digits: number): number {
  return expect.closeTo(value, digits) as number;
}

export interface RowSpec {
  params?: Partial<RunParams>;
  status?: SummaryRow['status'];
  replicate?: number;
  /** marker columns (`*_step*`), null where never reached */
  markers?: Record<string, number | null>;
  extra?: Record<string, number | null>;
}

let serial = 0;

export function row(spec: RowSpec): SummaryRow {
  const params = { ...defaultParams(), steps: 1000, ...spec.params };
  return {
    run_id: `run${String(serial++).padStart(4, '0')}`,
    replicate: spec.replicate ?? 0,
    sweep: 'fixture',
    seed: 1,
    params,
    status: spec.status ?? 'done',
    error: null,
    steps_done: params.steps,
    wall_s: 1,
    steps_per_s: params.steps,
    engine: 'native/dense',
    final: {},
    lazy_escape_step: null,
    phase2_step: null,
    align_step: null,
    ...spec.markers,
    extra: { collapsed: 0, norm_decay_rate: null, ...spec.extra },
  };
}
