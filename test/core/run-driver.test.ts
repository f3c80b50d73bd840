import { describe, expect, it } from 'vitest';
import type { NeuronColumns } from '../../src/core/kernel-api.js';
import { METRIC_INDEX } from '../../src/core/metrics.js';
import { driveRun, type RunEngine } from '../../src/core/run-driver.js';
import type { TrainParams } from '../../src/core/types.js';

type DriverParams = Pick<TrainParams, 'steps' | 'log_every' | 'diverge_loss' | 'snapshot_steps' | 'width'>;

interface FakeOptions {
  /** train loss at step t (default 1) */
  loss?: (t: number) => number;
  /** the first step whose residual is non-finite: advance stops before taking it */
  breakAt?: number;
  pollEvery?: number;
  neurons?: boolean;
}

/** An engine that takes no real steps and records every call the driver makes. */
function fakeEngine(opts: FakeOptions = {}) {
  let t = 0;
  const calls = {
    advances: [] as { from: number; count: number; rowNext: boolean }[],
    checks: [] as { t: number; forRow: boolean }[],
    rows: [] as { t: number; logged: boolean }[],
    neurons: [] as number[],
  };
  const cols: NeuronColumns = { wn2: new Float64Array(2), dn2: new Float64Array(2), a: new Float64Array(2), ip: new Float64Array(2) };
  const engine: RunEngine = {
    tag: '[fake]',
    pollEvery: opts.pollEvery ?? 100,
    advance(count, rowNext) {
      if (t === opts.breakAt) throw new Error(`stepped on after the non-finite residual at step ${t}`);
      calls.advances.push({ from: t, count, rowNext });
      const taken = opts.breakAt !== undefined && t + count > opts.breakAt ? opts.breakAt - t : count;
      t += taken;
      return taken;
    },
    trainLoss(forRow) {
      calls.checks.push({ t, forRow });
      return opts.loss?.(t) ?? 1;
    },
    row(out, step, logged) {
      expect(step).toBe(t);
      calls.rows.push({ t, logged });
      out.fill(0);
      out[METRIC_INDEX.train_loss] = t; // so each logged row says which step filled it
    },
    ...(opts.neurons === false ? {} : { neurons: () => (calls.neurons.push(t), cols) }),
  };
  return { engine, calls };
}

const params = (over: Partial<DriverParams> = {}): DriverParams => ({
  steps: 1000,
  log_every: 300,
  diverge_loss: 10,
  snapshot_steps: [],
  width: 2,
  ...over,
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('the run driver', () => {
  it('logs a row at 0, every log_every steps and the last, snapshots in range, and checks the loss every 256 steps', () => {
    const { engine, calls } = fakeEngine();
    const run = driveRun(engine, params({ snapshot_steps: [999, 5, 300, 5, 2000] }), {});
    expect(run.status).toBe('done');
    expect(run.stepsDone).toBe(1000);
    expect(Array.from(run.metrics.step)).toEqual([0, 300, 600, 900, 1000]);
    expect(Array.from(run.metrics.values.train_loss)).toEqual([0, 300, 600, 900, 1000]);
    expect(calls.neurons).toEqual([5, 300, 999]);
    expect(Array.from(run.snapshots.step)).toEqual([5, 5, 300, 300, 999, 999]);
    expect(calls.rows).toEqual([0, 5, 300, 600, 900, 999, 1000].map((t) => ({ t, logged: t % 300 === 0 || t === 1000 })));
    const rowSteps = new Set([0, 5, 300, 600, 900, 999, 1000]);
    const checked = range(1001).filter((t) => t % 256 === 0 || rowSteps.has(t));
    expect(calls.checks).toEqual(checked.map((t) => ({ t, forRow: rowSteps.has(t) })));
  });

  it('steps in chunks that end at events, flagging those that end on a logged row', () => {
    const { engine, calls } = fakeEngine({ pollEvery: 100 });
    driveRun(engine, params({ steps: 1000, log_every: 300, snapshot_steps: [450] }), {});
    const events = new Set([...range(1001).filter((t) => t % 100 === 0 || t % 256 === 0 || t % 300 === 0), 450, 1000]);
    expect(calls.advances.map((a) => a.from + a.count)).toEqual([...events].filter((t) => t > 0).sort((a, b) => a - b));
    for (const a of calls.advances)
      expect(a.rowNext, `chunk to ${a.from + a.count}`).toBe((a.from + a.count) % 300 === 0 || a.from + a.count === 1000);
  });

  it('ends on a non-finite residual with a logged row at the step reached, and no loss check there', () => {
    const { engine, calls } = fakeEngine({ breakAt: 437 });
    const run = driveRun(engine, params(), {});
    expect(run).toMatchObject({ status: 'diverged', stepsDone: 437, divergeReason: 'non-finite residual at step 437' });
    expect(Array.from(run.metrics.step)).toEqual([0, 300, 437]);
    expect(calls.rows.at(-1)).toEqual({ t: 437, logged: true });
    expect(calls.checks.map((c) => c.t)).not.toContain(437);
  });

  it('ends at the first loss check above diverge_loss or NaN, with a logged row at that step', () => {
    for (const bad of [11, NaN]) {
      const { engine, calls } = fakeEngine({ loss: (t) => (t >= 700 ? bad : 1) });
      const run = driveRun(engine, params({ diverge_loss: 10 }), {});
      expect(run.status).toBe('diverged');
      expect(run.stepsDone).toBe(768); // the first check at or after 700: 768 = 3 · 256
      expect(run.divergeReason).toBe(`train loss ${bad.toPrecision(3)} > diverge_loss 10 at step 768`);
      expect(Array.from(run.metrics.step)).toEqual([0, 300, 600, 768]);
      expect(calls.rows.at(-1)).toEqual({ t: 768, logged: true });
    }
  });

  it('takes no snapshots, and no rows off the log, for an engine without neurons', () => {
    const { engine, calls } = fakeEngine({ neurons: false });
    const run = driveRun(engine, params({ snapshot_steps: [5, 999] }), {});
    expect(run.snapshots.step.length).toBe(0);
    expect(calls.rows.every((r) => r.logged)).toBe(true);
    expect(Array.from(run.metrics.step)).toEqual([0, 300, 600, 900, 1000]);
  });

  it("reports progress every pollEvery steps and at the end, and aborts with an AbortError in the engine's name", () => {
    const seen: number[] = [];
    driveRun(fakeEngine({ pollEvery: 256 }).engine, params(), { onProgress: (t) => seen.push(t) });
    expect(seen).toEqual([256, 512, 768, 1000]);
    let polls = 0;
    const abort = () => driveRun(fakeEngine({ pollEvery: 100 }).engine, params(), { shouldAbort: () => ++polls >= 3 });
    expect(abort).toThrow(expect.objectContaining({ name: 'AbortError', message: '[fake] run aborted at step 300' }));
  });
});
