/**
 * The whole-run bench section (src/bench/whole-run.ts) at a few thousand steps: it runs `lnsweep run` (the built CLI),
 * the same training in process and the C yardstick in turn, and reports every rate and ratio as a positive number,
 * the C ones too when gcc is there, and each one's fixed cost (a 1,000-step run). Speeds are not asserted (no timed tests).
 */
import { describe, expect, it } from 'vitest';
import { runWholeRunBench } from '../../src/bench/whole-run.js';
import { probe, requireComponent, titled } from '../support/components.js';

const skip = requireComponent('gcc', probe('gcc', ['--version']), 'apt-get install gcc');

describe.skipIf(skip !== null)(titled('the whole-run bench', skip), () => {
  it('times lnsweep run, the training in process and the C yardstick, batch 1 and 32, and reports their ratios', () => {
    const lines: string[] = [];
    const report = runWholeRunBench({ quick: true, steps: 20_000, log: (l) => lines.push(l) });
    expect(report.yardstickMissing).toBeNull();
    expect(report.rows.map((r) => [r.batch, r.steps])).toEqual([
      [1, 20_000],
      [32, 20_000],
    ]);
    for (const r of report.rows) {
      for (const x of [r.lnsweepRun, r.inProcess, r.yardstick, r.runOverInProcess, r.runOverYardstick, r.inProcessOverYardstick]) {
        expect(x).not.toBeNull();
        expect(Number.isFinite(x!.wall) && x!.wall > 0 && Number.isFinite(x!.cpu) && x!.cpu > 0, JSON.stringify(x)).toBe(true);
      }
      // a process's fixed cost: a 1,000-step run of each, by CPU (C's can round to 0 in bash's times)
      expect(r.fixedCpuS.run).toBeGreaterThan(0);
      expect(r.fixedCpuS.yardstick).toBeGreaterThanOrEqual(0);
      expect(r.beyondFixedRunOverYardstick).not.toBeNull();
    }
    expect(lines.join('\n')).toMatch(/run\/C/);
    expect(lines.join('\n')).toMatch(/run\/C beyond fixed/);
  });
});
