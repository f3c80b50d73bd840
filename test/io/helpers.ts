/** Fixtures shared by the io tests: temp folders and small deterministic runs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultParams } from '../../src/core/params.js';
import type { SummaryRow } from '../../src/io/index.js';
import { METRIC_NAMES, type MetricColumns, type NeuronSnapshots, type RunParams } from '../../src/core/types.js';

export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `lnsweep-io-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `rows` metric rows at steps 0, 10, 20, …; metric k at row i is k + i/8 (exact in binary), NaN in kernel_dist row 1. */
export function sampleMetrics(rows: number): MetricColumns {
  const step = new Float64Array(rows);
  for (let i = 0; i < rows; i++) step[i] = i * 10;
  const values = {} as MetricColumns['values'];
  METRIC_NAMES.forEach((name, k) => {
    const column = new Float64Array(rows);
    for (let i = 0; i < rows; i++) column[i] = k + i / 8;
    values[name] = column;
  });
  if (rows > 1) values.kernel_dist[1] = Number.NaN;
  return { rows, step, values };
}

export function sampleSnapshots(steps: number[], width: number): NeuronSnapshots {
  const rows = steps.length * width;
  const s: NeuronSnapshots = {
    step: new Float64Array(rows),
    neuron: new Float64Array(rows),
    w_norm2: new Float64Array(rows),
    w_theta_ip: new Float64Array(rows),
    a: new Float64Array(rows),
  };
  steps.forEach((step, j) => {
    for (let i = 0; i < width; i++) {
      const r = j * width + i;
      s.step[r] = step;
      s.neuron[r] = i;
      s.w_norm2[r] = 1 + i / 4;
      s.w_theta_ip[r] = -i / 2;
      s.a[r] = j - i / 16;
    }
  });
  return s;
}

export function sampleParams(over: Partial<RunParams> = {}): RunParams {
  return { ...defaultParams(), steps: 1000, log_every: 10, sigma: 4, snapshot_steps: [0, 1000], ...over };
}

export const PROVENANCE = {
  tool_version: '0.1.0',
  git_commit: 'abc123',
  git_dirty: 'false',
  node_version: 'v20.0.0',
  host: 'test-host',
  platform: 'linux',
  arch: 'x64',
  engine: 'native',
  kernel: 'subspace',
  started_at: '2026-01-01T00:00:00.000Z',
  ended_at: '2026-01-01T00:00:01.000Z',
};

/** A finished run's summary row; `over` replaces fields. */
export function sampleRow(runId: string, over: Partial<SummaryRow> = {}): SummaryRow {
  const final: SummaryRow['final'] = {};
  METRIC_NAMES.forEach((name, k) => (final[name] = k / 4));
  return {
    run_id: runId,
    replicate: 1,
    sweep: 'sample',
    seed: 7,
    params: sampleParams({ snapshot_steps: [0, 500] }),
    status: 'done',
    error: null,
    steps_done: 1000,
    wall_s: 2.5,
    steps_per_s: 400,
    engine: 'native/subspace',
    final,
    lazy_escape_step: 120,
    phase2_step: null,
    align_step: 40,
    phase2_mean_step: 300,
    phase2_step_50: 250,
    phase2_step_90: null,
    lazy_escape_step_50: 60,
    align_step_50: 20,
    norm_decay_window_end: 100,
    ...over,
  };
}
