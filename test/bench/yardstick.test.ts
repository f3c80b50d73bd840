/**
 * The C yardstick (scripts/bench/yardstick.c) is the algorithm of lnsweep's step loops, not a look-alike: built with
 * the machine's gcc as the bench builds it, its check mode steps a state drawn from uniforms and prints it in hex,
 * and the same state stepped by src's JavaScript loops (steps-b1.ts, steps-batch.ts) and by the WebAssembly loops must
 * give the same bits, gaussian noise included (its fdlibm logarithm and Acklam's Φ⁻¹ as in src/core). Its run mode,
 * timed by `lnsweep bench`, must run the paper's setting to a finite loss.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildYardstick } from '../../src/bench/processes.js';
import { createStepState } from '../../src/core/step-state.js';
import { primeB1, sgdB1 } from '../../src/core/steps-b1.js';
import { refreshTheta, sgdBatch } from '../../src/core/steps-batch.js';
import { stepLoopBytes, wasmLoopFor } from '../../src/core/steps-wasm.js';
import { acquireWasm } from '../../src/core/wasm-arena.js';
import { invNormalCdf } from '../../src/core/normal.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import type { TrainParams } from '../../src/core/types.js';
import { smallParams } from '../core/helpers.js';
import { probe, requireComponent, titled } from '../support/components.js';
import { tempDir } from '../helpers.js';

const skip = requireComponent('gcc', probe('gcc', ['--version']), 'apt-get install gcc');

/** The check mode's state: X, y, M, v from uniforms of seed [1, 2, 3, 4] in that order (yardstick.c, check()). */
function checkState(p: TrainParams, rows: number) {
  const { n, d } = p;
  const u = new Xoshiro128([1, 2, 3, 4]);
  const X = Float64Array.from({ length: n * d }, () => 2 * u.nextDouble() - 1);
  const y = Float64Array.from({ length: n }, () => 2 * u.nextDouble() - 1);
  const M = Float64Array.from({ length: rows * d }, () => 0.3 * (2 * u.nextDouble() - 1));
  const v = Float64Array.from({ length: rows }, () => 0.3 * (2 * u.nextDouble() - 1));
  return createStepState(p, { X, y, thetaStar: new Float64Array(d) }, M, v, rows, [9, 10, 11, 12]);
}

const hex = (a: Float64Array) => Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), (b) => b.toString(16).padStart(16, '0')).join(' ');
const words = (s: Int32Array) => Array.from(s, (w) => (w >>> 0).toString(16).padStart(8, '0')).join(' ');

describe.skipIf(skip !== null)(titled('the C yardstick', skip), () => {
  const dir = tempDir('lnsweep-yardstick-');
  const built = skip === null ? buildYardstick(dir) : { missing: 'skipped' };

  it('builds with gcc -O3', () => {
    expect(built).toHaveProperty('path');
  });

  const cases: [string, number, number, number, number][] = [
    // [what, batch, n, d, rows]: d = 5 and 7 leave a scalar tail after the SIMD lanes; rows odd and even
    ['batch 1, d = 20, 21 rows (the paper)', 1, 50, 20, 21],
    ['batch 1, d = 5, 6 rows', 1, 20, 5, 6],
    ['batch 7, d = 7, 9 rows', 7, 30, 7, 9],
    ['batch 32, d = 20, 21 rows', 32, 200, 20, 21],
  ];
  for (const [what, batch, n, d, rows] of cases) {
    it(`${what}: the same bits as the JavaScript and WebAssembly loops over 3000 steps of gaussian noise`, () => {
      if (!('path' in built)) throw new Error(built.missing);
      const steps = 3000;
      const r = spawnSync(built.path, ['check', String(steps), String(batch), String(n), String(d), String(rows)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const lines = Object.fromEntries(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]),
      );
      const p = smallParams({ n, d, batch, lr: 0.01, sigma: 1, noise: 'gaussian' });
      const js = checkState(p, rows);
      const wa = checkState(p, rows);
      const lease = acquireWasm(stepLoopBytes(n, d, rows, batch));
      if (lease === null || typeof lease === 'string') throw new Error(`no WebAssembly here: ${String(lease)}`);
      const loop = wasmLoopFor(lease, p, wa);
      if (batch === 1) {
        primeB1(js, 0);
        expect(sgdB1(js, 0, steps)).toBe(steps);
      } else {
        refreshTheta(js);
        expect(sgdBatch(js, 0, steps)).toBe(steps);
      }
      expect(loop(wa, 0, steps)).toBe(steps);
      lease.release();
      expect(lines.taken).toBe(String(steps));
      for (const s of [js, wa]) {
        expect(lines.M).toBe(hex(s.M));
        expect(lines.v).toBe(hex(s.v));
        expect(lines.rng).toBe(words(s.rng.s));
      }
    });
  }

  it("draws gaussian noise with the same bits as src's Φ⁻¹ and portable logarithm (3·10⁶ uniforms, a third in each tail)", () => {
    if (!('path' in built)) throw new Error(built.missing);
    const count = 1_000_000;
    const r = spawnSync(built.path, ['logcheck', String(count)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const u = new Xoshiro128([9, 8, 7, 6]);
    const z = new Float64Array(3);
    const bits = new BigUint64Array(z.buffer);
    let sum = 0n;
    for (let i = 0; i < count; i++) {
      const x = u.nextDouble();
      z[0] = invNormalCdf(x);
      z[1] = invNormalCdf(x * 0.05);
      z[2] = invNormalCdf(1 - x * 0.05);
      sum = (sum + bits[0] + bits[1] + bits[2]) & 0xffffffffffffffffn;
    }
    expect(r.stdout.trim()).toBe(sum.toString(16).padStart(16, '0'));
  });

  it('runs the paper setting (n=200, d=20, m=1000, σ=2) with a metric row every 1000 steps, and learns', () => {
    if (!('path' in built)) throw new Error(built.missing);
    const r = spawnSync(built.path, ['run', '300000', '1', '1000'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { steps: number; rows: number; initial_loss: number; train_loss: number };
    expect(out.steps).toBe(300000);
    expect(out.rows).toBe(301);
    // from ≈ 1 at the NTK init, the clean train loss falls several-fold in 300k steps (η = 1e-3; lnsweep's own runs
    // of this setting reach ≈ 0.2 there)
    expect(out.train_loss).toBeGreaterThan(0);
    expect(out.train_loss).toBeLessThan(out.initial_loss / 3);
  });
});
