import { describe, expect, it } from 'vitest';
import { initNetwork, makeData } from '../../src/core/data.js';
import { smallParams } from './helpers.js';

const SEED = [5, 4, 3, 2] as const;
const DATA_SEEDS = { data: SEED, teacher: [9, 8, 7, 6] } as const;

describe('data and initialisation', () => {
  it('scales the teacher to teacher_norm and labels with y = Xθ*', () => {
    const p = smallParams({ n: 50, d: 8, teacher_norm: 2.5 });
    const { X, thetaStar, y } = makeData(p, DATA_SEEDS);
    expect(Math.hypot(...thetaStar)).toBeCloseTo(2.5, 12);
    for (let i = 0; i < 50; i++) {
      let f = 0;
      for (let j = 0; j < 8; j++) f += X[i * 8 + j] * thetaStar[j];
      expect(y[i]).toBeCloseTo(f, 12);
    }
  });

  it('gives a sparse teacher exactly k non-zero coordinates', () => {
    const { thetaStar } = makeData(smallParams({ d: 20, teacher_sparsity: 3 }), DATA_SEEDS);
    expect(thetaStar.filter((x) => x !== 0).length).toBe(3);
    expect(Math.hypot(...thetaStar)).toBeCloseTo(1, 12);
  });

  it('draws θ* from the teacher stream alone: the data seed changes X, not θ*', () => {
    const a = makeData(smallParams({ n: 10 }), DATA_SEEDS);
    const b = makeData(smallParams({ n: 10 }), { ...DATA_SEEDS, data: [1, 1, 1, 1] });
    expect(Array.from(b.thetaStar)).toEqual(Array.from(a.thetaStar));
    expect(Array.from(b.X)).not.toEqual(Array.from(a.X));
  });

  it('draws NTK init with variances α²/d and α²/m', () => {
    const p = smallParams({ d: 10, width: 4000, alpha: 2 });
    const { W, a } = initNetwork(p, SEED);
    const varW = W.reduce((s, w) => s + w * w, 0) / W.length;
    const varA = a.reduce((s, x) => s + x * x, 0) / a.length;
    expect(varW / (4 / 10)).toBeGreaterThan(0.97);
    expect(varW / (4 / 10)).toBeLessThan(1.03);
    expect(varA / (4 / 4000)).toBeGreaterThan(0.93);
    expect(varA / (4 / 4000)).toBeLessThan(1.07);
  });

  it('starts oscillate at ±q with odds 1/4 each and 0 with odds 1/2, with the same W as sgd', () => {
    const p = smallParams({ width: 8000, lr: 0.0016, optimizer: 'oscillate' });
    const { W, a } = initNetwork(p, SEED);
    const q = 0.2; // 0.0016^{1/4}
    const plus = a.filter((x) => Math.abs(x - q) < 1e-15).length / a.length;
    const minus = a.filter((x) => Math.abs(x + q) < 1e-15).length / a.length;
    const zero = a.filter((x) => x === 0).length / a.length;
    expect(plus + minus + zero).toBe(1);
    expect(Math.abs(plus - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(minus - 0.25)).toBeLessThan(0.02);
    expect(Array.from(W)).toEqual(Array.from(initNetwork({ ...p, optimizer: 'sgd' }, SEED).W));
  });
});
