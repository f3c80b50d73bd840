/**
 * The WebAssembly step loops (src/core/wasm/steps.ts, loaded from dist/: `npm run build` first) against the
 * JavaScript loops, bit for bit: same parameters, same seeds, 10k steps in uneven chunks (so the copies in and out
 * of the instance's memory are exercised), then every stepped array, the generator's state and a metric row.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/core/engine.js';
import { wasmAvailable } from '../../src/core/wasm-arena.js';
import { train } from '../../src/core/train.js';
import { METRIC_NAMES, type NoiseKind, type Optimizer, type TrainParams } from '../../src/core/types.js';
import { SEEDS, smallParams } from './helpers.js';

const STEPS = 10_000;
const CHUNKS = [1, 2, 997, 3000, 6000];

/** Index of the first element whose bits differ, or -1. */
function firstBitDiff(a: Float64Array | Int32Array, b: Float64Array | Int32Array): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return Math.floor(i / a.BYTES_PER_ELEMENT);
  return -1;
}

function runChunks(core: Core): number[] {
  const taken: number[] = [];
  for (const c of CHUNKS) taken.push(core.advance(c));
  return taken;
}

function expectSameBits(p: TrainParams): { wasm: boolean } {
  const js = createCore(p, SEEDS, { wasm: false });
  const wa = createCore(p, SEEDS, { wasm: true });
  expect(js.wasm).toBe(false);
  const taken = runChunks(js);
  expect(runChunks(wa)).toEqual(taken);
  expect(
    taken.reduce((x, y) => x + y, 0),
    'the comparison is over a run that did not diverge',
  ).toBe(STEPS);
  expect(firstBitDiff(wa.kernel.M, js.kernel.M)).toBe(-1);
  expect(firstBitDiff(wa.kernel.v, js.kernel.v)).toBe(-1);
  expect(firstBitDiff(wa.state.h, js.state.h)).toBe(-1);
  expect(firstBitDiff(wa.state.rng.s, js.state.rng.s)).toBe(-1);
  expect([wa.state.idx, wa.state.eps, wa.state.f]).toEqual([js.state.idx, js.state.eps, js.state.f]);
  const rj = new Float64Array(METRIC_NAMES.length),
    rw = new Float64Array(METRIC_NAMES.length);
  js.metrics.row(rj);
  wa.metrics.row(rw);
  expect(firstBitDiff(rw, rj)).toBe(-1);
  return { wasm: wa.wasm };
}

const OPTIMIZERS: Optimizer[] = ['sgd', 'sam', 'gd', 'oscillate'];
const NOISES: [NoiseKind, 'constant' | 'periodic'][] = [
  ['none', 'constant'],
  ['rademacher', 'constant'],
  ['gaussian', 'constant'],
  ['rademacher', 'periodic'],
  ['gaussian', 'periodic'],
];
/** small: d = 5 exercises the scalar tail after the SIMD lanes; wide: the paper's n, d and m = 1000. */
const WIDTHS: [string, Partial<TrainParams>][] = [
  ['small', {}],
  ['width 1000', { n: 200, d: 20, width: 1000, lr: 1e-3 }],
];

describe('WebAssembly step loops', () => {
  it('are built and runnable here (npm run build)', () => {
    expect(wasmAvailable()).toBe(true);
  });

  it('import nothing but their memory: gaussian noise is drawn inside the module, never through a call out', () => {
    const WA = (
      globalThis as unknown as {
        WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] } };
      }
    ).WebAssembly;
    const mod = new WA.Module(readFileSync(new URL('../../dist/core/wasm/steps.wasm', import.meta.url)));
    expect(WA.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });

  for (const optimizer of OPTIMIZERS) {
    for (const [noise, schedule] of NOISES) {
      for (const batch of [1, 7, 32]) {
        if ((optimizer === 'gd' || optimizer === 'oscillate') && batch !== 1) continue;
        for (const [wname, wover] of WIDTHS) {
          const title = `${optimizer} ${noise}/${schedule} batch ${batch} ${wname}: same bits as JavaScript over ${STEPS} steps`;
          it(title, () => {
            const p = smallParams({
              ...wover,
              optimizer,
              batch,
              noise,
              noise_schedule: schedule,
              noise_period: 250,
              sigma: noise === 'none' ? 0 : 1,
              rho: 0.05,
              steps: STEPS,
              ...(optimizer === 'oscillate' ? { kernel: 'dense' as const } : {}),
            });
            expect(expectSameBits(p).wasm).toBe(true);
          });
        }
      }
    }
  }

  it('the dense kernel at batch 1 gives the same bits too', () => {
    for (const optimizer of ['sgd', 'sam'] as const) {
      expect(expectSameBits(smallParams({ optimizer, kernel: 'dense', steps: STEPS, noise: 'gaussian' })).wasm).toBe(true);
    }
  });

  // The batch-1 row pass takes an odd row on its own first, then pairs, each over whole lane pairs of four components
  // and a tail of one to three: d = 3, 6, 7, 13 give k = d+1 = 4, 7, 8, 14 rows and tails of 3, 2, 3, 1 (the widths
  // above give 6 and 21 rows, tails of 1 and 0).
  for (const d of [3, 6, 7, 13]) {
    it(`sgd and sam gaussian batch 1 at d = ${d} (${d + 1} rows, a tail of ${d & 3}): same bits as JavaScript`, () => {
      for (const optimizer of ['sgd', 'sam'] as const) {
        const p = smallParams({ n: 40, d, width: 60, optimizer, noise: 'gaussian', rho: 0.05, steps: STEPS });
        expect(expectSameBits(p).wasm).toBe(true);
      }
    });
  }

  it('a diverging run stops at the same step either way', () => {
    const p = smallParams({ lr: 0.5, sigma: 3, steps: STEPS });
    const js = createCore(p, SEEDS, { wasm: false });
    const wa = createCore(p, SEEDS, { wasm: true });
    const tj = js.advance(STEPS);
    expect(tj).toBeLessThan(STEPS);
    expect(wa.advance(STEPS)).toBe(tj);
  });
});

describe('LNSWEEP_WASM=0 forces the JavaScript loops', () => {
  const saved = process.env.LNSWEEP_WASM;
  afterEach(() => {
    if (saved === undefined) delete process.env.LNSWEEP_WASM;
    else process.env.LNSWEEP_WASM = saved;
  });

  it('and the whole run gives the same metrics; only the provenance flag differs', () => {
    const p = smallParams({ steps: 3000, log_every: 100, noise: 'gaussian' });
    process.env.LNSWEEP_WASM = '0';
    const off = train(p, SEEDS);
    delete process.env.LNSWEEP_WASM;
    const on = train(p, SEEDS);
    expect(off.wasm).toBe(false);
    expect(on.wasm).toBe(true);
    for (const name of METRIC_NAMES) expect(firstBitDiff(on.metrics.values[name], off.metrics.values[name]), name).toBe(-1);
  });
});
