/**
 * How often the coordinator rewrites summary.arrow while runs finish (src/run/summary-writer.ts): every 2 s at most,
 * and, once a rewrite has taken long (a summary of many rows), no sooner than 20 times its duration after it, so that
 * rewriting never holds the coordinator's thread more than a small share of the time. The timers and the clock are
 * the test's: a "slow" rewrite advances the clock, never the machine's speed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SummaryRow } from '../../src/io/index.js';
import { SummaryWriter } from '../../src/run/summary-writer.js';

const row = (id: string) => ({ run_id: id }) as SummaryRow;

/** A writer whose rewrites take `durationMs` of its clock each; `writes` lists the rows of each rewrite, `stamped` their stamps. */
function writer(durationMs: number) {
  let clock = 0;
  const writes: string[][] = [];
  const stamped: [string, string][][] = [];
  const w = new SummaryWriter(
    '/nowhere/summary.arrow',
    {},
    2000,
    (rows, stamps) => {
      clock += durationMs;
      writes.push(rows.map((r) => r.run_id));
      stamped.push([...stamps].sort());
      return Promise.resolve();
    },
    () => clock,
  );
  return { w, writes, stamped };
}

describe('the summary writer while runs finish', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('rewrites 2 s after a row is set when rewrites are quick, and holds every row set so far', async () => {
    const { w, writes } = writer(10);
    w.set(row('a'));
    await vi.advanceTimersByTimeAsync(1999);
    expect(writes).toEqual([]);
    w.set(row('b'));
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual([['a', 'b']]);
    // 20 × 10 ms is less than 2 s: the next rewrite 2 s after the next row
    w.set(row('c'));
    await vi.advanceTimersByTimeAsync(1999);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual([
      ['a', 'b'],
      ['a', 'b', 'c'],
    ]);
  });

  it('after a rewrite that took 300 ms, the next comes 20 × 300 ms = 6 s after the next row, not 2 s', async () => {
    const { w, writes } = writer(300);
    w.set(row('a'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(writes).toEqual([['a']]);
    w.set(row('b'));
    await vi.advanceTimersByTimeAsync(5999);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual([['a'], ['a', 'b']]);
  });

  it('flush writes at once whatever the wait, and nothing when no row changed since', async () => {
    const { w, writes } = writer(300);
    w.set(row('a'));
    await w.flush();
    w.set(row('b'));
    await w.flush();
    await w.flush();
    expect(writes).toEqual([['a'], ['a', 'b']]);
  });

  it('seeded rows are written as rows set one by one would be, first and with their stamps; marked written, they are not', async () => {
    const { w, writes, stamped } = writer(10);
    w.seed(
      [row('a'), row('b'), row('f')],
      new Map([
        ['a', '1:2:3:4'],
        ['b', '5:6:7:8'],
        ['x', '9:9:9:9'],
      ]),
    );
    w.markWritten();
    await w.flush();
    expect(writes).toEqual([]);
    // a run finishes: the seeded rows come first, the new one after, each with its stamp (a failed seeded row has none)
    w.set(row('c'), '2:2:2:2');
    w.set(row('b'), '6:6:6:6');
    await w.flush();
    expect(writes).toEqual([['a', 'b', 'f', 'c']]);
    expect(stamped).toEqual([
      [
        ['a', '1:2:3:4'],
        ['b', '6:6:6:6'],
        ['c', '2:2:2:2'],
      ],
    ]);
    // not marked written: a seed alone is written on the timer, like set()
    const second = writer(10);
    second.w.seed([row('d')], new Map([['d', '3:3:3:3']]));
    await vi.advanceTimersByTimeAsync(2000);
    expect(second.writes).toEqual([['d']]);
    expect(second.stamped).toEqual([[['d', '3:3:3:3']]]);
  });
});
