/**
 * The real-data experiment's linearised model is a fixed baseline: gd on the clean labels whatever the run's τ and
 * optimiser (as the paper's notebook trains it), so its columns are identical across runs that share data and init,
 * while the network's follow the run's own noise and optimiser.
 */
import { describe, expect, test } from 'vitest';
import type { RealDataColumns } from '../../src/engines/realdata/columns.js';
import { trainRealData } from '../../src/engines/realdata/train.js';
import type { RunParams } from '../../src/core/types.js';
import { realParams, seedsOf } from './helpers.js';

const LIN = ['lin_train_loss', 'lin_test_loss', 'lin_test_acc', 'lin_w1_fro', 'lin_w1_move'] as const;

async function columns(over: Partial<RunParams>): Promise<RealDataColumns> {
  const p = realParams({ steps: 60, log_every: 20, ...over });
  return (await trainRealData(p, seedsOf(p))).columns;
}

describe('the linearised baseline', () => {
  test('is trained by gd on clean labels: the same under label noise and under sam, unlike the network', async () => {
    const clean = await columns({ tau: 0 });
    const noisy = await columns({ tau: 0.5 });
    const sam = await columns({ tau: 0.5, optimizer: 'sam', rho: 0.05 });
    for (const other of [noisy, sam]) {
      for (const name of LIN) expect(Array.from(other.values[name]), name).toEqual(Array.from(clean.values[name]));
      expect(other.values.train_loss[other.rows - 1]).not.toBe(clean.values.train_loss[clean.rows - 1]);
    }
    // and it did train: its loss fell
    expect(clean.values.lin_train_loss[clean.rows - 1]).toBeLessThan(clean.values.lin_train_loss[0]);
  });
});
