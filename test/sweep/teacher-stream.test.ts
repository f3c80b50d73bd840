import { describe, expect, it } from 'vitest';
import { makeData } from '../../src/core/data.js';
import { defaultParams } from '../../src/core/params.js';
import type { RunParams } from '../../src/core/types.js';
import { runSeeds } from '../../src/sweep/index.js';

/** θ* of replicate r in a sweep with seed 7, through the same seeds a planned run gets. */
function teacherOf(over: Partial<RunParams>, replicate = 0): Float64Array {
  const p: RunParams = { ...defaultParams(), ...over };
  return makeData(p, runSeeds(p, 7, replicate)).thetaStar;
}

const unit = (v: Float64Array) => Array.from(v, (x) => x / Math.hypot(...v));

describe('θ* is seeded from the sweep seed, the replicate, d and the sparsity alone', () => {
  it('is the same vector for every n', () => {
    const base = Array.from(teacherOf({ n: 200 }));
    for (const n of [10, 50, 1000]) expect(Array.from(teacherOf({ n }))).toEqual(base);
  });

  it('has the same direction for every teacher_norm, which only scales it', () => {
    const base = teacherOf({ teacher_norm: 1 });
    for (const s of [0.5, 3]) {
      const t = teacherOf({ teacher_norm: s });
      expect(Math.hypot(...t)).toBeCloseTo(s, 12);
      unit(t).forEach((x, j) => expect(x).toBeCloseTo(unit(base)[j], 14));
    }
    const sparse = (norm: number, n: number) => unit(teacherOf({ teacher_sparsity: 4, teacher_norm: norm, n }));
    sparse(2, 30).forEach((x, j) => expect(x).toBeCloseTo(sparse(1, 200)[j], 14));
  });

  it('changes with the replicate, d and the sparsity', () => {
    const base = Array.from(teacherOf({}));
    expect(Array.from(teacherOf({}, 1))).not.toEqual(base);
    expect(Array.from(teacherOf({ teacher_sparsity: 4 }))).not.toEqual(base);
    expect(teacherOf({ d: 10 })).toHaveLength(10);
  });
});
