import { describe, expect, it } from 'vitest';
import { train } from '../../src/core/train.js';
import { METRIC_NAMES, type TrainParams } from '../../src/core/types.js';
import { sameBits } from '../support/bits.js';
import { OTHER_SEEDS, SEEDS, smallParams } from './helpers.js';

const CASES: Partial<TrainParams>[] = [
  {},
  { optimizer: 'sam', rho: 0.1, batch: 2 },
  { optimizer: 'oscillate', noise: 'gaussian' },
  { kernel: 'dense', snapshot_steps: [10] },
];

describe('seeds decide everything', () => {
  for (const over of CASES) {
    it(`same seed, same result to the bit; another seed, another result (${JSON.stringify(over)})`, () => {
      const p = smallParams({ steps: 300, log_every: 50, ...over });
      const a = train(p, SEEDS);
      const b = train(p, SEEDS);
      const c = train(p, OTHER_SEEDS);
      expect(a.metrics.rows).toBe(7); // steps 0, 50, …, 300
      for (const name of METRIC_NAMES) {
        expect(a.metrics.values[name]).toHaveLength(7);
        expect(sameBits(a.metrics.values[name], b.metrics.values[name]), name).toBe(true);
      }
      // per-neuron snapshots where asked for: one at step 10, m = 30 neurons, the same bits
      if (over.snapshot_steps) {
        expect(a.snapshots.w_norm2).toHaveLength(p.width);
        expect(sameBits(a.snapshots.w_norm2, b.snapshots.w_norm2)).toBe(true);
      } else {
        expect(a.snapshots.w_norm2).toHaveLength(0);
      }
      expect(c.metrics.values.train_loss[6]).not.toBe(a.metrics.values.train_loss[6]);
      // same data and init streams: step 0 agrees, the SGD stream differs after it
      expect(c.metrics.values.train_loss[0]).toBe(a.metrics.values.train_loss[0]);
    });
  }
});
