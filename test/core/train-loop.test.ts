import { describe, expect, it } from 'vitest';
import { train } from '../../src/core/train.js';
import { METRIC_NAMES } from '../../src/core/types.js';
import { SEEDS, smallParams } from './helpers.js';

describe('the run loop', () => {
  it('logs step 0, every log_every steps and the last step', () => {
    const res = train(smallParams({ steps: 105, log_every: 25 }), SEEDS);
    expect(res.status).toBe('done');
    expect(res.stepsDone).toBe(105);
    expect(Array.from(res.metrics.step)).toEqual([0, 25, 50, 75, 100, 105]);
    expect(res.metrics.rows).toBe(6);
    for (const name of METRIC_NAMES) expect(res.metrics.values[name].length).toBe(6);
  });

  it('writes no duplicate row when the last step is a multiple of log_every', () => {
    const res = train(smallParams({ steps: 100, log_every: 25 }), SEEDS);
    expect(Array.from(res.metrics.step)).toEqual([0, 25, 50, 75, 100]);
  });

  it('reports the kernel that ran', () => {
    expect(train(smallParams({ steps: 5 }), SEEDS).kernel).toBe('subspace');
    expect(train(smallParams({ steps: 5, kernel: 'dense' }), SEEDS).kernel).toBe('dense');
    expect(train(smallParams({ steps: 5, optimizer: 'oscillate' }), SEEDS).kernel).toBe('dense');
    expect(train(smallParams({ steps: 5, width: 4 }), SEEDS).kernel).toBe('dense');
  });

  it('gives the same rows whatever the chunking of hooks and checks', () => {
    // log_every 1 makes every step an event; 10000 makes only the ends events
    const a = train(smallParams({ steps: 5000, log_every: 1 }), SEEDS);
    const b = train(smallParams({ steps: 5000, log_every: 5000 }), SEEDS);
    const last = a.metrics.rows - 1;
    for (const name of METRIC_NAMES) expect(b.metrics.values[name][1]).toBe(a.metrics.values[name][last]);
  });

  it('reports progress every 4096 steps and at the end', () => {
    const seen: number[] = [];
    train(smallParams({ steps: 10000, log_every: 1000 }), SEEDS, { onProgress: (s) => seen.push(s) });
    expect(seen).toEqual([4096, 8192, 10000]);
  });

  it('throws an AbortError when shouldAbort says so', () => {
    let polls = 0;
    const run = () => train(smallParams({ steps: 20000 }), SEEDS, { shouldAbort: () => ++polls >= 2 });
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(polls).toBe(2);
  });
});
