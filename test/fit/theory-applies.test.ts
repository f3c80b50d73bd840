/**
 * The paper's laws are for label-noise SGD: a fit over SAM runs (refine-collapse.yaml) sets no theory beside its
 * exponents, while the same runs under SGD do (the report's Scaling section and `fit` print what fitScaling gives).
 */
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/core/params.js';
import type { RunParams } from '../../src/core/types.js';
import { fitScaling } from '../../src/analysis/fit/fit.js';
import type { SummaryRow } from '../../src/io/index.js';

// lazy escape ∝ σ^-2 exactly, two replicates per σ (×1.1 and ×0.9), so the fit itself is well posed either way
const rows = (optimizer: RunParams['optimizer']): SummaryRow[] =>
  [0.5, 1, 2, 4].flatMap((sigma, i) =>
    [1.1, 0.9].map(
      (k, replicate) =>
        ({
          run_id: `${optimizer}${i}${replicate}`,
          replicate,
          status: 'done',
          params: { ...defaultParams(), optimizer, sigma, rho: optimizer === 'sam' ? 0.1 : 0 },
          lazy_escape_step: Math.round((k * 1e4) / sigma ** 2),
          final: {},
          extra: {},
        }) as unknown as SummaryRow,
    ),
  );

describe('the theory beside a fit', () => {
  it('is Theorem 2 (σ exponent −2) for label-noise SGD runs', () => {
    const f = fitScaling(rows('sgd'), { metric: 'lazy_escape_step', params: ['sigma'], resamples: 50 });
    expect(f.exponents[0]).toBeCloseTo(-2, 2);
    expect(f.theory?.exponents).toEqual([-2]);
    expect(f.points.every((p) => p.theory !== null)).toBe(true);
  });

  it('is absent for SAM runs, which the law says nothing about', () => {
    const f = fitScaling(rows('sam'), { metric: 'lazy_escape_step', params: ['sigma'], resamples: 50 });
    expect(f.exponents[0]).toBeCloseTo(-2, 2);
    expect(f.theory).toBeNull();
    expect(f.points.every((p) => p.theory === null)).toBe(true);
  });
});
