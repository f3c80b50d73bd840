/** Every per-step tensor is freed (tf.tidy): the live tensor count is the same after 10 steps and after 200. */
import { describe, expect, test } from 'vitest';
import { initNetwork, makeData } from '../../src/core/data.js';
import { LabelNoiseStream } from '../../src/core/noise.js';
import { loadTfjs } from '../../src/engines/tfjs/backend.js';
import { createTfLinearModel } from '../../src/engines/tfjs/linear.js';
import { CLASSES, loadMnistSubset } from '../../src/engines/realdata/mnist.js';
import { createRealDataModels } from '../../src/engines/realdata/model.js';
import { drawTargets, initTwoLayer } from '../../src/engines/realdata/train.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { realParams, seedsOf, smallParams } from './helpers.js';

describe('no tensor leaks', () => {
  test.each(['sgd', 'sam', 'gd'] as const)('linear model, %s: numTensors stable over steps, back to the start after dispose', async (optimizer) => {
    const { tf } = await loadTfjs();
    const p = smallParams({ optimizer, rho: 0.05, batch: optimizer === 'sgd' ? 3 : 1 });
    const s = seedsOf(p);
    const data = makeData(p, s);
    const before = tf.memory().numTensors;
    const model = createTfLinearModel(tf, p, data, initNetwork(p, s.init));
    const stream = new LabelNoiseStream(p, s.sgd);
    const W = new Float64Array(p.width * p.d);
    const a = new Float64Array(p.width);
    let t = 0;
    for (; t < 10; t++) model.step(t, stream);
    model.readInto(W, a);
    const after10 = tf.memory().numTensors;
    for (; t < 200; t++) model.step(t, stream);
    model.readInto(W, a);
    expect(tf.memory().numTensors).toBe(after10);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test.each(['gd', 'sam'] as const)('realdata network and linearisation, %s: stable over steps and evaluations', async (optimizer) => {
    const { tf } = await loadTfjs();
    const p = realParams({ optimizer, rho: 0.05, width: 16, n_test: 32 });
    const s = seedsOf(p);
    const { train, test: held } = loadMnistSubset(p.n, p.n_test, p.d, s.data);
    const before = tf.memory().numTensors;
    const models = createRealDataModels(tf, p, train, held, initTwoLayer(p.width, p.d, p.alpha, s.init));
    const rng = new Xoshiro128(s.sgd);
    const targets = new Float32Array(p.n * CLASSES);
    const stepAndLook = () => {
      drawTargets(rng, train.label, 0.5, targets);
      models.step(targets);
      models.evaluate();
      models.weights();
    };
    for (let i = 0; i < 5; i++) stepAndLook();
    const after5 = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) stepAndLook();
    expect(tf.memory().numTensors).toBe(after5);
    models.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
