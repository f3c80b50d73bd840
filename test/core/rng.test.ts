import { describe, expect, it } from 'vitest';
import { invNormalCdf } from '../../src/core/normal.js';
import { Xoshiro128 } from '../../src/core/rng.js';

describe('xoshiro128** streams', () => {
  it('reproduces the reference C implementation word for word', () => {
    // Values from prng.di.unimi.it/xoshiro128starstar.c compiled with gcc, seed {1, 2, 3, 4}.
    const rng = new Xoshiro128([1, 2, 3, 4]);
    const words = Array.from({ length: 8 }, () => rng.nextUint32());
    expect(words).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    const big = new Xoshiro128([0xdeadbeef, 0x12345678, 0xffffffff, 0x80000000]);
    for (let i = 0; i < 1000; i++) big.nextUint32();
    expect([big.nextUint32(), big.nextUint32()]).toEqual([4243292497, 3657338573]);
  });

  it('rejects an all-zero seed', () => {
    expect(() => new Xoshiro128([0, 0, 0, 0])).toThrow(/not all zero/);
  });

  it('draws doubles in [0, 1) from two words with 53 bits', () => {
    const a = new Xoshiro128([7, 7, 7, 7]);
    const b = new Xoshiro128([7, 7, 7, 7]);
    for (let i = 0; i < 1000; i++) {
      const u = a.nextDouble();
      const hi = b.nextUint32() >>> 5;
      const lo = b.nextUint32() >>> 6;
      expect(u).toBe((hi * 2 ** 26 + lo) / 2 ** 53);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('draws indices uniformly, one word each', () => {
    const rng = new Xoshiro128([3, 1, 4, 1]);
    const n = 7;
    const counts = new Array(n).fill(0);
    const draws = 70000;
    for (let i = 0; i < draws; i++) counts[rng.nextIndex(n)]++;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - draws / n) ** 2 / (draws / n);
    expect(chi2).toBeLessThan(22.5); // 6 dof, p ≈ 0.001
    const a = new Xoshiro128([3, 1, 4, 1]);
    const b = new Xoshiro128([3, 1, 4, 1]);
    a.nextIndex(200);
    b.nextUint32();
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const rng = new Xoshiro128([2, 7, 1, 8]);
    let s = 0,
      s2 = 0;
    const N = 200000;
    for (let i = 0; i < N; i++) {
      const z = rng.nextGaussian();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.01);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.015);
  });
});

describe('inverse normal CDF (Acklam)', () => {
  it('matches scipy.stats.norm.ppf to its stated 1.15e-9 relative error', () => {
    const cases: [number, number][] = [
      [1e-10, -6.361340902404056],
      [0.001, -3.090232306167813],
      [0.02, -2.053748910631823],
      [0.3, -0.5244005127080409],
      [0.975, 1.959963984540054],
      [0.999, 3.090232306167813],
    ];
    for (const [p, z] of cases) expect(Math.abs(invNormalCdf(p) - z) / Math.abs(z)).toBeLessThan(1.2e-9);
    expect(Math.abs(invNormalCdf(0.5))).toBeLessThan(1e-15);
  });

  it('stays finite at u = 0', () => {
    expect(Number.isFinite(invNormalCdf(0))).toBe(true);
    expect(invNormalCdf(0)).toBeLessThan(-8);
  });
});
