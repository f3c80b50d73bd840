import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { LabelNoiseStream } from '../../src/core/noise.js';
import type { TrainParams } from '../../src/core/types.js';
import { batchLoss, relDiff, SEEDS, smallParams } from './helpers.js';

/** Central finite differences of batchLoss over every coordinate of W and a. */
function fdGrad(p: TrainParams, W: Float64Array, a: Float64Array, X: Float64Array, y: Float64Array, idx: Int32Array, eps: Float64Array) {
  const { width: m, d } = p;
  const h = 1e-6;
  const loss = () => batchLoss(W, a, m, d, X, y, idx, eps);
  const diff = (arr: Float64Array, k: number) => {
    const keep = arr[k];
    arr[k] = keep + h;
    const up = loss();
    arr[k] = keep - h;
    const down = loss();
    arr[k] = keep;
    return (up - down) / (2 * h);
  };
  return { gW: W.map((_, k) => diff(W, k)), ga: a.map((_, i) => diff(a, i)) };
}

/** The gradient a kernel applied in its first step, read back as (before − after) / lr. */
function appliedGradient(p: TrainParams) {
  const core = createCore(p, SEEDS);
  const before = core.kernel.denseWeights();
  expect(core.advance(1)).toBe(1);
  const after = core.kernel.denseWeights();
  const stream = new LabelNoiseStream(p, SEEDS.sgd);
  const idx = new Int32Array(stream.perStep);
  const eps = new Float64Array(stream.perStep);
  stream.draw(0, idx, eps);
  return {
    before,
    idx,
    eps,
    data: core.data,
    gW: before.W.map((w, k) => (w - after.W[k]) / p.lr),
    ga: before.a.map((x, i) => (x - after.a[i]) / p.lr),
  };
}

describe('gradients match finite differences', () => {
  for (const kernel of ['dense', 'subspace'] as const) {
    for (const batch of [1, 3]) {
      it(`sgd applies ∇W and ∇a of the sampled loss (${kernel}, batch ${batch})`, () => {
        const p = smallParams({ n: 10, d: 4, width: 8, kernel, batch, sigma: 0.7 });
        const got = appliedGradient(p);
        const fd = fdGrad(p, got.before.W, got.before.a, got.data.X, got.data.y, got.idx, got.eps);
        expect(relDiff(got.gW, fd.gW)).toBeLessThan(1e-6);
        expect(relDiff(got.ga, fd.ga)).toBeLessThan(1e-6);
      });

      it(`sam applies the gradient at the ascent point θ + ρ g/‖g‖ (${kernel}, batch ${batch})`, () => {
        const p = smallParams({ n: 10, d: 4, width: 8, kernel, batch, optimizer: 'sam', rho: 0.3, sigma: 0.7 });
        const got = appliedGradient(p);
        const { X, y } = got.data;
        const g = fdGrad(p, got.before.W, got.before.a, X, y, got.idx, got.eps);
        const norm = Math.sqrt([...g.gW, ...g.ga].reduce((s, x) => s + x * x, 0));
        const Wt = got.before.W.map((w, k) => w + (p.rho * g.gW[k]) / norm);
        const at = got.before.a.map((x, i) => x + (p.rho * g.ga[i]) / norm);
        const fd = fdGrad(p, Wt, at, X, y, got.idx, got.eps);
        expect(relDiff(got.gW, fd.gW)).toBeLessThan(1e-6);
        expect(relDiff(got.ga, fd.ga)).toBeLessThan(1e-6);
        // and it is not the plain gradient: the ascent point matters at this ρ
        expect(relDiff(got.gW, g.gW)).toBeGreaterThan(1e-3);
      });
    }
  }
});
