import { describe, expect, it } from 'vitest';
import { initNetwork, makeData } from '../../src/core/data.js';
import { SEEDS, smallParams } from './helpers.js';
import { RefRng, refData, refInit, refInvNormal } from './reference-streams.js';

// The tests' own streams (reference-streams.ts) are only worth something if they are right on their own terms.
describe("the tests' own reference streams", () => {
  it('reproduce the xoshiro128** reference C implementation word for word', () => {
    // seed {1, 2, 3, 4}: the first word is rotl(2·5, 7)·9 = 1280·9 = 11520; the state after it has s1 = 0, so the
    // second word is 0; the rest from prng.di.unimi.it/xoshiro128starstar.c compiled with gcc.
    const rng = new RefRng([1, 2, 3, 4]);
    expect(Array.from({ length: 8 }, () => rng.word())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    const big = new RefRng([0xdeadbeef, 0x12345678, 0xffffffff, 0x80000000]);
    for (let i = 0; i < 1000; i++) big.word();
    expect([big.word(), big.word()]).toEqual([4243292497, 3657338573]);
  });

  it("give Acklam's Φ⁻¹ within its published 1.15e-9 relative error of the true normal quantiles", () => {
    // Φ⁻¹ at 0.5, 0.975, 0.01 (lower tail), 0.999 (upper tail), 1e-6, to 16 digits (standard tables).
    for (const [u, z] of [
      [0.5, 0],
      [0.975, 1.959963984540054],
      [0.01, -2.326347874040841],
      [0.999, 3.090232306167813],
      [1e-6, -4.753424308822899],
    ]) {
      expect(Math.abs(refInvNormal(u) - z)).toBeLessThanOrEqual(1.15e-9 * Math.max(1, Math.abs(z)));
    }
  });

  it("give src's data and init to rounding (two independent readings of the same documented order)", () => {
    for (const over of [{}, { teacher_sparsity: 2 }, { optimizer: 'oscillate' as const }]) {
      const p = smallParams(over);
      const src = makeData(p, SEEDS);
      const ref = refData(p, SEEDS);
      for (let i = 0; i < ref.X.length; i++) expect(src.X[i]).toBe(ref.X[i]);
      for (let j = 0; j < p.d; j++) expect(src.thetaStar[j]).toBeCloseTo(ref.theta[j], 14);
      const w = initNetwork(p, SEEDS.init);
      const r = refInit(p, SEEDS.init);
      expect(Array.from(w.W)).toEqual(Array.from(r.W));
      expect(Array.from(w.a)).toEqual(Array.from(r.a));
    }
  });
});
