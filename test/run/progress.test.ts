import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { costWeightedEta, createProgress, formatDuration } from '../../src/run/progress.js';

function sink(): NodeJS.WriteStream & { text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      text += chunk;
      cb();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  w.text = () => text;
  return w;
}

describe('progress', () => {
  it('weights the ETA by cost, not by run count', () => {
    // One big run of cost 90 and nine small runs of cost 1: after the big one (10 s), 9 units are left.
    expect(costWeightedEta(90, 99, 10)).toBeCloseTo(1, 12);
    expect(costWeightedEta(0, 99, 10)).toBe(Infinity);
  });

  it('formats durations for people', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h07m');
    expect(formatDuration(Infinity)).toBe('--');
  });

  it('writes plain lines, not bars, where the output is not a terminal', () => {
    const out = sink();
    let t = 0;
    const p = createProgress({ mode: 'auto', total: 4, totalCost: 100, stream: out, now: () => t });
    t = 10;
    p.update({ done: 1, diverged: 1, failed: 0, costDone: 50 });
    p.log('a message');
    p.stop();
    expect(out.text()).toContain('a message\n');
    expect(out.text()).toContain('[lnsweep] 2/4 runs (50.0% of work), 1 diverged, 0 failed, 0.20 runs/s, elapsed 10s, ETA 10s');
    expect(out.text()).not.toContain('\x1b[');
  });
});
