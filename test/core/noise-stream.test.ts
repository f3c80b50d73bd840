import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/engine.js';
import { LabelNoiseStream } from '../../src/core/noise.js';
import { SEEDS, smallParams } from './helpers.js';

const SEED = [11, 22, 33, 44] as const;

function drawSteps(over: Parameters<typeof smallParams>[0], steps: number) {
  const s = new LabelNoiseStream(smallParams(over), SEED);
  const idx = new Int32Array(s.perStep);
  const eps = new Float64Array(s.perStep);
  const idxs: number[] = [];
  const epss: number[] = [];
  for (let t = 0; t < steps; t++) {
    s.draw(t, idx, eps);
    idxs.push(...idx);
    epss.push(...eps);
  }
  return { idxs, epss, next: s.rng.nextUint32() };
}

describe('the label-noise stream', () => {
  it('draws the same samples whatever σ, the noise law and the schedule', () => {
    const ref = drawSteps({ sigma: 0, noise: 'none', batch: 3 }, 50);
    for (const over of [
      { sigma: 4, noise: 'rademacher' as const },
      { sigma: 2, noise: 'gaussian' as const },
      { sigma: 4, noise_schedule: 'periodic' as const, noise_period: 7 },
    ]) {
      const got = drawSteps({ ...over, batch: 3 }, 50);
      expect(got.idxs).toEqual(ref.idxs);
      expect(got.next).toBe(ref.next); // same words consumed
    }
  });

  it('gives rademacher ±σ with equal odds and gaussian with variance σ²', () => {
    const rad = drawSteps({ sigma: 3, noise: 'rademacher' }, 20000).epss;
    expect(new Set(rad)).toEqual(new Set([-3, 3]));
    expect(Math.abs(rad.reduce((s, e) => s + e, 0) / rad.length)).toBeLessThan(0.1);
    const gau = drawSteps({ sigma: 3, noise: 'gaussian' }, 20000).epss;
    const v = gau.reduce((s, e) => s + e * e, 0) / gau.length;
    expect(Math.abs(v / 9 - 1)).toBeLessThan(0.04);
    expect(drawSteps({ sigma: 3, noise: 'none' }, 100).epss.every((e) => e === 0)).toBe(true);
  });

  it('turns noise on at step t iff floor(t / period) is even', () => {
    const { epss } = drawSteps({ sigma: 1, noise_schedule: 'periodic', noise_period: 5 }, 40);
    epss.forEach((e, t) => expect(Math.abs(e)).toBe(Math.floor(t / 5) % 2 === 0 ? 1 : 0));
  });

  it('draws one uniform per sample and no index for gd', () => {
    const s = new LabelNoiseStream(smallParams({ optimizer: 'gd' }), SEED);
    expect(s.perStep).toBe(20);
    const idx = new Int32Array(20);
    const eps = new Float64Array(20);
    s.draw(0, idx, eps);
    expect(Array.from(idx)).toEqual(Array.from({ length: 20 }, (_, j) => j));
    const words = new LabelNoiseStream(smallParams({ optimizer: 'gd' }), SEED).rng;
    for (let k = 0; k < 40; k++) words.nextUint32();
    expect(s.rng.nextUint32()).toBe(words.nextUint32());
  });
});

describe('the step loops consume the stream as LabelNoiseStream defines it', () => {
  it('leaving the generator in the same state whatever σ, the noise law and the schedule', () => {
    for (const base of [{}, { batch: 3 }, { optimizer: 'sam' as const, rho: 0.1 }, { optimizer: 'gd' as const }]) {
      const states = [
        { sigma: 0, noise: 'none' as const },
        { sigma: 4 },
        { sigma: 2, noise: 'gaussian' as const },
        { sigma: 4, noise_schedule: 'periodic' as const, noise_period: 3 },
      ].map((over) => {
        const p = smallParams({ ...base, ...over });
        const core = createCore(p, SEEDS);
        core.advance(100);
        // the state LabelNoiseStream reaches after drawing the same 100 steps, plus one for the fused batch-1 loops
        // (steps-b1.ts), which draw step t + 1's sample while finishing step t
        const stream = new LabelNoiseStream(p, SEEDS.sgd);
        const idx = new Int32Array(stream.perStep);
        const eps = new Float64Array(stream.perStep);
        const fused = p.batch === 1 && (p.optimizer === 'sgd' || p.optimizer === 'sam');
        for (let t = 0; t < (fused ? 101 : 100); t++) stream.draw(t, idx, eps);
        expect(Array.from(core.state.rng.s)).toEqual(Array.from(stream.rng.s));
        return Array.from(core.state.rng.s);
      });
      for (const s of states) expect(s).toEqual(states[0]);
    }
  });
});
