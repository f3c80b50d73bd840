/**
 * The per-run and folder bench sections (src/bench/per-run.ts, src/bench/folder.ts) at a small scale: each times the
 * built CLI beside its yardstick (`xargs -P2 -n1 true`, `node -e 0`) and reports every figure and ratio as a positive
 * number (the per-run floor in wall and in CPU time), with the runs counted from the journal and the peak memory from
 * GNU time. Speeds are not asserted (no timed tests).
 */
import { describe, expect, it } from 'vitest';
import { runFolderBench } from '../../src/bench/folder.js';
import { runPerRunBench } from '../../src/bench/per-run.js';

const positive = (x: number | null) => typeof x === 'number' && Number.isFinite(x) && x > 0;

describe('the per-run floor and folder command bench sections', () => {
  it('per-run: overhead per run and the per-job cost of a process spawn, and their ratio', () => {
    const lines: string[] = [];
    const r = runPerRunBench({ runs: 30, repeats: 1, log: (l) => lines.push(l) });
    expect([r.runs, r.repeats, r.workers]).toEqual([30, 1, 2]);
    for (const x of [
      r.run_wall_s,
      r.training_s_per_run_ms,
      r.overhead_ms_per_run,
      r.xargs_ms_per_job,
      r.overhead_over_spawn,
      r.cpu_overhead_ms_per_run,
      r.xargs_cpu_ms_per_job,
      r.cpu_overhead_over_spawn,
    ]) {
      expect(positive(x), String(x)).toBe(true);
    }
    expect(r.overhead_over_spawn).toBeCloseTo(r.overhead_ms_per_run / r.xargs_ms_per_job, 10);
    expect(r.cpu_overhead_over_spawn).toBeCloseTo(r.cpu_overhead_ms_per_run / r.xargs_cpu_ms_per_job, 10);
    expect(lines.join('\n')).toContain('overhead / process spawn');
    expect(lines.join('\n')).toContain('CPU overhead / CPU of a process spawn');
  });

  it('folder: status, run with nothing to do, a first merge and one again, and report against node -e 0, with their peak memory', () => {
    const lines: string[] = [];
    const r = runFolderBench({ sizes: [12], rounds: 1, log: (l) => lines.push(l) });
    expect(r.sizes.map((s) => s.runs)).toEqual([12]);
    const c = r.sizes[0].commands;
    expect(Object.keys(c)).toEqual(['status', 'run', 'merge_first', 'merge', 'report']);
    for (const f of Object.values(c)) {
      for (const x of [f.wall_s, f.over_node, f.cpu_s, f.max_rss_mib]) expect(positive(x), JSON.stringify(f)).toBe(true);
    }
    expect([c.status.target, c.run.target, c.merge_first.target, c.merge.target, c.report.target]).toEqual([10, 10, 50, 50, 50]);
    expect(lines.join('\n')).toContain('| 12 | run (nothing to do) |');
    expect(lines.join('\n')).toContain('| 12 | merge, first (no metrics.arrow) |');
  });
});
