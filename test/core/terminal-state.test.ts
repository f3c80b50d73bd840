/**
 * The terminal state in the model (src/core/terminal-state.ts): past the gate d·x ≥ 0.75 pred_w_norm2_final is the
 * limit equation's noise-sustained state, below it exactly the end point; the value depends only on the run's
 * parameters and seeds, whatever the order in which a process meets them.
 *
 * Against the engine at reduced scale (d = 5, n = 50, width d + 1 = 6, η = 0.001, two data sets: each its own Σ̂ and
 * θ̂*), x = 0.8 and 1.6 above the onset (x_c ≈ 0.3 at d = 5), 0.1 below it. The engine's side is the mean of three
 * runs on independent SGD streams, each ‖W‖²_F/ν time-averaged over the last two thirds of 600 noise units
 * (150 at x = 0.1). Spreads measured at these settings (scripts in the branch's report): one solve of the model's
 * length (1600 units at d = 5) 4.6–5.3% (x = 0.8) and 7.9–9.3% (1.6), one engine run 2.6–8.5% and 2.2–7.9%, so the
 * engine's mean of three ≤ 5%: the difference has a standard deviation of about 7% (x = 0.8) and 10% (1.6), and the
 * bounds are 15% and 20%, against an end point that is 30–40% (x = 0.8) and 3–4x (1.6) off. At x = 0.1 the engine
 * runs spread by 1.2% and sit within 4% of the end point, which the model gives there exactly. Measured model/engine
 * with the bounds set as above: 0.897, 0.979 (x = 0.8), 0.825, 0.832 (1.6; the limit equation's own mean over six
 * streams is 0.86–0.98 of these engine means: the model's one solve lies low in its spread on both data sets), 0.972,
 * 0.986 (0.1).
 * About 6 s on a loaded 2-core machine (two child processes for the order check).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initNetwork, makeData } from '../../src/core/data.js';
import { defaultParams } from '../../src/core/params.js';
import { PhaseModel, predictRun } from '../../src/core/phase-model.js';
import { stateSolved } from '../../src/core/terminal-state.js';
import { endPoint } from '../../src/core/theory.js';
import type { RunParams, RunSeeds } from '../../src/core/types.js';
import { endPointOf, engineState, problemOf, seedSet, type Setting } from './noise-state-runs.js';

const AT: Setting = { d: 5, n: 50, eta: 0.001 };

/** A run at noise ratio x on the reduced-scale setting: ±σ noise, ‖θ*‖ = 1, B = 1, x = (d − 1)ησ²/(2√d). */
function runAt(x: number, over: Partial<RunParams> = {}): RunParams {
  const { d, n, eta } = AT;
  const sigma = Math.sqrt((2 * Math.sqrt(d) * x) / ((d - 1) * eta));
  return { ...defaultParams(), n, d, width: d + 1, alpha: 1, lr: eta, sigma, teacher_norm: 1, steps: 10_000, log_every: 100, ...over };
}

const withSgd = (seeds: RunSeeds, s: number): RunSeeds => ({ ...seeds, sgd: [9 + s, 10, 11, 12] });

/** The model's terminal ‖W‖²_F/ν: pred_w_norm2_final·m/ν. */
function modelState(p: RunParams, seeds: RunSeeds): number {
  const pred = predictRun(p, seeds)!;
  return (pred.w_norm2_final! * p.width) / (p.lr * p.sigma * p.sigma);
}

describe('the terminal state in the model against the engine (d = 5, n = 50, two data sets)', () => {
  for (const k of [0, 1]) {
    it(`data set ${k}: above the onset (x = 0.8, 1.6) pred_w_norm2_final is where the engine settles, not the end point`, () => {
      for (const [x, bound] of [
        [0.8, 0.15],
        [1.6, 0.2],
      ]) {
        const model = modelState(runAt(x), seedSet(k));
        const engine = [0, 1, 2].reduce((acc, s) => acc + engineState(AT, withSgd(seedSet(k), s), x, 600) / 3, 0);
        const end = endPointOf(problemOf(AT, seedSet(k), x));
        expect(Math.abs(model / engine - 1), `x = ${x}: model ${model}, engine ${engine}`).toBeLessThan(bound);
        expect(engine / end, `x = ${x}: the end point ${end} is not the state`).toBeGreaterThan(1.3);
      }
    });

    it(`data set ${k}: below the onset (x = 0.1) the model gives the end point, where the engine sits`, () => {
      const p = runAt(0.1);
      const model = modelState(p, seedSet(k));
      const engine = [0, 1, 2].reduce((acc, s) => acc + engineState(AT, withSgd(seedSet(k), s), 0.1, 150) / 3, 0);
      expect(Math.abs(model / engine - 1), `model ${model}, engine ${engine}`).toBeLessThan(0.04);
    });
  }
});

describe('the gate', () => {
  /** The model's columns without a terminal state: the end point on the run's Σ̂, and the Phase I model relaxing to it. */
  function endPointModel(p: RunParams, seeds: RunSeeds) {
    const model = new PhaseModel(p, makeData(p, seeds), initNetwork(p, seeds.init));
    return { w2: endPoint(p, { trace: model.sigmaTrace, along: model.sigmaAlong }), end: model.meanW2(model.tauAt(p.steps)) };
  }

  it("gives a run below d·x = 0.75 exactly the end point, the per-run bench's tiny run among them", () => {
    // the bench's tiny run: n = 20, d = 5, m = 20, lr 0.01, σ = 1: x = 4·0.01/(2√5) = 0.0089, d·x = 0.045
    const tiny: RunParams = { ...defaultParams(), n: 20, d: 5, width: 20, lr: 0.01, sigma: 1, steps: 200, log_every: 10 };
    const justBelow = runAt(0.74 / 5);
    for (const p of [tiny, justBelow]) {
      expect(stateSolved(p)).toBe(false);
      const pred = predictRun(p, seedSet(0))!;
      const ref = endPointModel(p, seedSet(0));
      expect(pred.w_norm2_final).toBe(ref.w2.w2);
      expect(pred.a_norm2_final).toBe(ref.w2.a2);
      expect(pred.w_norm2_end).toBe(ref.end);
    }
  });

  it('solves the state from d·x = 0.75 on, which moves both the terminal state and the end of the trajectory', () => {
    const p = runAt(0.76 / 5);
    expect(stateSolved(p)).toBe(true);
    const pred = predictRun(p, seedSet(0))!;
    const ref = endPointModel(p, seedSet(0));
    expect(pred.w_norm2_final).not.toBe(ref.w2.w2);
    expect(pred.w_norm2_end).not.toBe(ref.end);
  });
});

describe('the memoized state', () => {
  // two runs on one data set at one x (other width and α: one solve serves both), one at another x, and one that is
  // not a rich start (σ/α² < 8), whose model hands off to the limit equation's paths (relaxation.ts)
  const runs = [runAt(0.8), runAt(0.8, { width: 12, alpha: 2 }), runAt(1.6), runAt(0.8, { width: 12, alpha: 3 })];
  const script = `
    const { predictRun } = await import(${JSON.stringify(resolve(__dirname, '../../dist/core/phase-model.js'))});
    const [runs, order, seeds] = JSON.parse(process.argv[1]);
    const out = [];
    for (const i of order) out[i] = predictRun(runs[i], seeds);
    console.log(JSON.stringify(out));`;
  const inChild = (order: number[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([runs, order, seedSet(0)])], { encoding: 'utf8' }),
    ) as unknown[];

  it('is the same bits whatever the order a process meets the runs in, in another process too', () => {
    const here = runs.map((p) => predictRun(p, seedSet(0)));
    // JSON keeps every bit of a double (shortest round-trip form)
    expect(inChild([0, 1, 2, 3])).toEqual(JSON.parse(JSON.stringify(here)));
    expect(inChild([3, 2, 1, 0])).toEqual(JSON.parse(JSON.stringify(here)));
    // the two runs at one x share the state, which does not depend on the width or the init: the same ‖W‖²_F
    expect(here[0]!.w_norm2_final! * 6).toBeCloseTo(here[1]!.w_norm2_final! * 12, 12);
  });
});
