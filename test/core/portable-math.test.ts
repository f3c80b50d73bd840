/**
 * The portable transcendentals (src/core/portable-math.ts) and their AssemblyScript twins in the built module
 * (src/core/wasm/normal.ts, `npm run build` first): the TypeScript and WebAssembly logarithms and inverse normal CDFs
 * bit for bit over ~10⁷ arguments, each function within 1 ulp of Math.* and, on a sample, within 1 ulp of an exact
 * oracle that owes nothing to Math.* (exact-math.ts). The pinned draws at the end hold the streams' numbers to what
 * they were on Node 20 (V8 11.3, whose Math.log, sin and cos are fdlibm's), whatever Node runs the test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invNormalCdf } from '../../src/core/normal.js';
import { cos, log, sin } from '../../src/core/portable-math.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { exactLog, exactSinCos, ulpsFrom } from './exact-math.js';

interface MathExports {
  portableLog(x: number): number;
  invNormalCdf(u: number): number;
}

function wasmMath(): MathExports {
  const bytes = readFileSync(new URL('../../dist/core/wasm/steps.wasm', import.meta.url));
  const WA = (
    globalThis as unknown as {
      WebAssembly: {
        Module: new (b: Uint8Array) => object;
        Instance: new (m: object, i: object) => { exports: unknown };
        Memory: new (d: object) => object;
      };
    }
  ).WebAssembly;
  const memory = new WA.Memory({ initial: 1, maximum: 1 });
  return new WA.Instance(new WA.Module(bytes), { env: { memory } }).exports as MathExports;
}

/**
 * Whether Math.log, Math.sin and Math.cos are fdlibm's here: V8 11 (Node 20), on which every result so far was computed
 * (checked by hand: ~10⁷ arguments each, bit for bit). There the ports must give exactly Math's bits, which is the
 * claim that no run's numbers changed; on other engines within 1 ulp.
 */
const MATH_IS_FDLIBM = process.versions.v8.startsWith('11.');
const TOLERANCE_ULPS = MATH_IS_FDLIBM ? 0 : 1;

const F = new Float64Array(1);
const B = new BigInt64Array(F.buffer);
const U = new Uint32Array(F.buffer);

/** Units in the last place between two doubles of the same sign (0 when both are the same NaN, ∞ or bits). */
function ulpDistance(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  if (Number.isNaN(a) || Number.isNaN(b) || Math.sign(a) !== Math.sign(b)) return Infinity;
  F[0] = a;
  const x = B[0];
  F[0] = b;
  const d = x - B[0];
  return Number(d < 0n ? -d : d);
}

/** A fixed stream of arguments (xoshiro128** words), so a failure names an argument that reproduces. */
function* logArguments(count: number): Generator<number> {
  const rng = new Xoshiro128([0x10c, 0xa5, 0x7e57, 1]);
  const specials = [
    0,
    -0,
    -1,
    Infinity,
    -Infinity,
    NaN,
    1,
    2,
    0.5,
    Number.MIN_VALUE,
    2 ** -1022,
    2 ** -1022 - 2 ** -1074,
    Number.MAX_VALUE,
    2 ** -54,
  ];
  yield* specials;
  for (let i = 0; i < count; i++) {
    switch (i % 5) {
      case 0: // the noise's and Box–Muller's arguments: 53-bit uniforms u and 1 − u
        yield rng.nextDouble();
        break;
      case 1:
        yield 1 - rng.nextDouble();
        break;
      case 2: // any positive double, subnormals and huge ones included
        U[0] = rng.nextUint32();
        U[1] = rng.nextUint32() >>> 1;
        yield F[0];
        break;
      case 3: // near 1, where log(1 + f) takes its short paths (|f| < 2^-20) with k = 0
        yield 1 + (rng.nextDouble() - 0.5) * 2 ** -(rng.nextUint32() % 40);
        break;
      default: // near other powers of two: the same short paths with k ≠ 0
        yield (1 + (rng.nextDouble() - 0.5) * 2 ** -(rng.nextUint32() % 40)) * 2 ** ((rng.nextUint32() % 2000) - 1000);
    }
  }
}

describe('portable log (fdlibm e_log.c) in TypeScript and WebAssembly', () => {
  it('the two ports give the same bits over 10⁷ arguments, and those of Math.log (within 1 ulp off V8 11)', () => {
    const w = wasmMath();
    let count = 0,
      differ = 0,
      worst = 0;
    for (const x of logArguments(10_000_000)) {
      const ts = log(x);
      count++;
      if (!Object.is(ts, w.portableLog(x))) {
        differ++;
        if (differ < 5) expect.soft(w.portableLog(x), `wasm log(${x})`).toBe(ts);
      }
      worst = Math.max(worst, ulpDistance(ts, Math.log(x)));
    }
    expect(count).toBeGreaterThan(10_000_000);
    expect(differ).toBe(0);
    expect(worst).toBeLessThanOrEqual(TOLERANCE_ULPS);
  });

  it('is within 1 ulp of the exact logarithm (BigInt oracle, 4000 arguments)', () => {
    let worst = 0;
    let n = 0;
    for (const x of logArguments(4000)) {
      if (!(x > 0) || x === Infinity) continue;
      worst = Math.max(worst, ulpsFrom(log(x), exactLog(x)));
      n++;
    }
    expect(n).toBeGreaterThan(3900);
    expect(worst).toBeLessThan(1);
  });

  it('keeps the special values of log', () => {
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(NaN)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
    expect(log(1)).toBe(0);
  });
});

describe('inverse normal CDF in TypeScript and WebAssembly', () => {
  it('gives the same bits at every kind of uniform the noise draws (10⁶ from the stream, the tails, u = 0)', () => {
    const w = wasmMath();
    const rng = new Xoshiro128([9, 8, 7, 6]);
    const us = [0, 2 ** -53, 0.02425, 0.02425 - 2 ** -53, 1 - 0.02425, 1 - 0.02425 + 2 ** -53, 0.5, 1 - 2 ** -53];
    for (let i = 0; i < 1_000_000; i++) {
      const u = rng.nextDouble();
      us.push(u, u * 0.05, 1 - u * 0.05); // a third in the tails, where the logarithm is used
    }
    let differ = 0;
    for (const u of us) if (!Object.is(invNormalCdf(u), w.invNormalCdf(u))) differ++;
    expect(differ).toBe(0);
  });
});

describe('portable sin and cos (fdlibm) for Box–Muller angles', () => {
  it('give the bits of Math.sin and Math.cos (within 1 ulp off V8 11) over 5·10⁶ angles in [0, 2π) and near multiples of π/2', () => {
    const rng = new Xoshiro128([4, 4, 4, 4]);
    let worst = 0;
    const check = (x: number) => {
      worst = Math.max(worst, ulpDistance(sin(x), Math.sin(x)), ulpDistance(cos(x), Math.cos(x)));
    };
    for (let i = 0; i < 4_000_000; i++) check(6.283185307179586 * rng.nextDouble());
    for (let k = 1; k <= 4; k++) {
      // reduction's cancellation paths: x within 2^-16 … 2^-56 (relative) of kπ/2, both sides
      for (let i = 0; i < 250_000; i++) check(((k * Math.PI) / 2) * (1 + (rng.nextDouble() - 0.5) * 2 ** -(16 + (rng.nextUint32() % 40))));
    }
    expect(worst).toBeLessThanOrEqual(TOLERANCE_ULPS);
  });

  it('are within 1 ulp of the exact values (BigInt oracle, 3000 angles)', () => {
    const rng = new Xoshiro128([5, 5, 5, 5]);
    let worst = 0;
    for (let i = 0; i < 3000; i++) {
      const x = i < 8 ? (i * Math.PI) / 4 : i < 2000 ? 6.283185307179586 * rng.nextDouble() : 1000 * rng.nextDouble();
      const [s, c] = exactSinCos(x);
      worst = Math.max(worst, ulpsFrom(sin(x), s), ulpsFrom(cos(x), c));
    }
    expect(worst).toBeLessThan(1);
  });

  it('refuse an argument beyond their reduction (2^19·π/2) rather than answer wrongly', () => {
    expect(() => sin(1e7)).toThrow(/beyond/);
    expect(sin(8e5)).toBe(Math.sin(8e5));
    expect(cos(Infinity)).toBeNaN();
  });
});

describe('pinned draws: the streams are the same bits on any Node', () => {
  // Computed under Node 20.20 (V8 11.3) by the tests' own reference streams (reference-streams.ts, with Math.log,
  // Math.sin and Math.cos), not by src: a few values, then sha256 of the little-endian bytes of 200,000 draws.
  const sha = (a: Float64Array) => createHash('sha256').update(new Uint8Array(a.buffer)).digest('hex');

  it('the first gaussians of seed [1, 2, 3, 4] and quantiles in both tails', () => {
    const rng = new Xoshiro128([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => rng.nextGaussian())).toEqual([
      0.0023160358209962737, 0.00002008232818520777, -0.34781769817790176, 1.077177378344954, 1.7724566363321301, 0.9550282076863736,
    ]);
    expect([invNormalCdf(2 ** -40), invNormalCdf(0.001), invNormalCdf(1 - 0.001), invNormalCdf(0)]).toEqual([
      -7.04770024924609, -3.090232304709404, 3.090232304709404, -8.292361069819783,
    ]);
  });

  it('200,000 gaussians (Box–Muller) and 200,000 noise quantiles', () => {
    const g = new Xoshiro128([1, 2, 3, 4]);
    expect(sha(Float64Array.from({ length: 200_000 }, () => g.nextGaussian()))).toBe(
      '0c8be6feb537925c13f62d15210e0208a56293982210fa6f1242b3b47b8d7f7f',
    );
    const u = new Xoshiro128([9, 8, 7, 6]);
    expect(sha(Float64Array.from({ length: 200_000 }, () => invNormalCdf(u.nextDouble())))).toBe(
      '180f10946ceabd1009ea7f570323dac448719fb5d461580ca7aa7740f8f31e15',
    );
  });
});
