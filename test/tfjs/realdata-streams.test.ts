/** The realdata experiment's data and noise streams: deterministic, shared where the sweep needs common draws. */
import { describe, expect, test } from 'vitest';
import { Xoshiro128 } from '../../src/core/rng.js';
import { CLASSES, loadMnistSubset } from '../../src/engines/realdata/mnist.js';
import { drawTargets } from '../../src/engines/realdata/train.js';
import { seedsOf, realParams } from './helpers.js';

describe('realdata streams', () => {
  const s = seedsOf(realParams());

  test('the subset is a function of the data seed; the training set does not depend on n_test; test is disjoint', () => {
    const a = loadMnistSubset(64, 256, 49, s.data);
    const b = loadMnistSubset(64, 32, 49, s.data);
    expect(Array.from(a.train.X)).toEqual(Array.from(b.train.X));
    expect(Array.from(a.train.label)).toEqual(Array.from(b.train.label));
    // a function of the seed: the same call again gives the same examples; another seed other ones
    const again = loadMnistSubset(64, 256, 49, s.data);
    expect(Array.from(again.train.X)).toEqual(Array.from(a.train.X));
    expect(Array.from(again.test.X)).toEqual(Array.from(a.test.X));
    const other = loadMnistSubset(64, 32, 49, seedsOf(realParams(), 1).data);
    expect(Array.from(other.train.label)).not.toEqual(Array.from(a.train.label));
    // disjoint: no held-out example is one of the training examples (both are normalised with the same training
    // mean, so the same image would give the same row)
    const rows = (set: typeof a.train) => Array.from({ length: set.N }, (_, e) => Array.from(set.X.subarray(e * set.d, (e + 1) * set.d)).join(','));
    const trainRows = new Set(rows(a.train));
    expect(trainRows.size).toBe(64);
    for (const r of rows(a.test)) expect(trainRows.has(r)).toBe(false);
    // several classes present, labels in range
    expect(new Set(a.train.label).size).toBeGreaterThanOrEqual(8);
    for (const l of a.test.label) expect(l >= 0 && l < CLASSES).toBe(true);
  });

  test('each example is centred by the training mean and scaled to ‖x‖ = √d, for d = 784, 196 and 49', () => {
    for (const d of [784, 196, 49]) {
      const { train } = loadMnistSubset(8, 8, d, s.data);
      for (let e = 0; e < train.N; e++) {
        let n2 = 0;
        for (let j = 0; j < d; j++) n2 += train.X[e * d + j] ** 2;
        expect(Math.sqrt(n2)).toBeCloseTo(Math.sqrt(d), 3);
      }
      // With two training examples the training mean is their midpoint, so once centred they are exact opposites,
      // and after scaling both to √d still are. Held-out examples are centred by that same (training) mean, not
      // their own, so two of them are not opposites.
      const two = loadMnistSubset(2, 2, d, s.data);
      for (let j = 0; j < d; j++) expect(two.train.X[j]).toBeCloseTo(-two.train.X[d + j], 5);
      let opposite = 0;
      for (let j = 0; j < d; j++) opposite = Math.max(opposite, Math.abs(two.test.X[j] + two.test.X[d + j]));
      expect(opposite).toBeGreaterThan(0.1);
    }
  });

  test('label noise: a larger τ replaces a superset of the labels on the same draws; τ = 0 replaces none', () => {
    const label = Int32Array.from({ length: 64 }, (_, i) => i % CLASSES);
    const flips = (tau: number) => {
      const out = new Float32Array(64 * CLASSES);
      const rng = new Xoshiro128(s.sgd);
      const changed: boolean[] = [];
      for (let step = 0; step < 20; step++) {
        drawTargets(rng, label, tau, out);
        for (let j = 0; j < 64; j++) changed.push(out[j * CLASSES + label[j]] !== 1);
      }
      return changed;
    };
    const none = flips(0);
    const some = flips(0.25);
    const more = flips(0.5);
    expect(none.every((c) => !c)).toBe(true);
    some.forEach((c, i) => c && expect(more[i]).toBe(true));
    expect(some.filter(Boolean).length).toBeGreaterThan(0.15 * some.length); // ≈ 0.9 · 0.25: not a vacuous superset
    expect(more.filter(Boolean).length).toBeGreaterThan(some.filter(Boolean).length);
    // a replaced label keeps its class with odds 1/10: the changed share is ≈ 0.9 τ
    const share = more.filter(Boolean).length / more.length;
    expect(share).toBeGreaterThan(0.38);
    expect(share).toBeLessThan(0.52);
  });
});
