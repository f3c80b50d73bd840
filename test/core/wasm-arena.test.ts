/**
 * The thread's WebAssembly memory (src/core/wasm-arena.ts): one memory lent to one core at a time and kept between
 * runs, sized to what a run needs, replaced by a larger one only when a run needs more, and a memory of its own for a
 * core created while the thread's is lent. (What happens when V8 refuses a memory is test/run/address-space.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { acquireWasm, type WasmLease } from '../../src/core/wasm-arena.js';
import { train } from '../../src/core/train.js';
import { SEEDS, smallParams } from './helpers.js';

function lease(bytes: number): WasmLease {
  const l = acquireWasm(bytes);
  if (l === null || typeof l === 'string') throw new Error(`no WebAssembly memory here: ${String(l)}`);
  return l;
}

describe("the thread's WebAssembly memory", () => {
  it('is lent to one core at a time and kept: a released memory is lent again, a held one is not', () => {
    const a = lease(100_000);
    const b = lease(100_000); // a is held: b gets a memory of its own
    expect(b.buffer).not.toBe(a.buffer);
    b.release();
    a.release();
    const c = lease(50_000); // the thread's memory, free again and large enough
    expect(c.buffer).toBe(a.buffer);
    c.release();
  });

  it('is sized to what a run needs, in whole pages (no headroom, never grown), and replaced when too small', () => {
    const a = lease(100_000);
    const size = a.buffer.byteLength;
    expect(size % 65536).toBe(0);
    expect(size).toBeLessThanOrEqual(100_000 + 2 * 65536); // the run's bytes, a page of static data, rounding
    a.release();
    const big = lease(4 * size);
    expect(big.buffer).not.toBe(a.buffer);
    expect(big.buffer.byteLength).toBeGreaterThanOrEqual(4 * size);
    big.release();
    const small = lease(size / 2);
    expect(small.buffer).toBe(big.buffer);
    small.release();
  });

  it('whole runs borrow it and give it back, one after another', () => {
    const first = lease(1 << 20); // the thread's memory, larger than the runs below need
    const mine = first.buffer;
    first.release();
    const p = smallParams({ steps: 500, log_every: 100, noise: 'gaussian' });
    expect([train(p, SEEDS).wasm, train(p, SEEDS).wasm]).toEqual([true, true]);
    const after = lease(1000); // had a run kept it, this would be a memory of its own
    expect(after.buffer).toBe(mine);
    const core = createCore(p, SEEDS); // lent: the core gets its own, still WebAssembly
    expect(core.wasm).toBe(true);
    after.release();
    core.release();
  });
});
