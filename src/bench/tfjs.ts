/**
 * tfjs bench: steps/s of each TensorFlow.js backend that loads here against the native kernels, at the paper's
 * setting (n = 200, d = 20, m = 1000, batch 1, label-noise sgd at σ = 4, η = 1e-3), and a realdata step (network
 * and linearised model together) per backend at the sizes of the test and of sweeps/realdata.yaml.
 *
 * Per configuration: medians over `repeats` timed chunks after a warm-up chunk; steps only, no metric rows (the same
 * for both engines: the tfjs engine's rows are the core's MetricComputer on copied-out weights). A backend that does
 * not load is listed with the reason (tfjs-node offline: its libtensorflow was never downloaded).
 */
import { cpus } from 'node:os';
import { median } from 'd3-array';
import { initNetwork, makeData } from '../core/data.js';
import { createCore } from '../core/engine.js';
import { LabelNoiseStream } from '../core/noise.js';
import { defaultParams } from '../core/params.js';
import type { Kernel, Optimizer, RunParams, RunSeeds } from '../core/types.js';
import { BACKEND_ORDER, loadTfjs, type TfjsBackend } from '../engines/tfjs/backend.js';
import { createTfLinearModel } from '../engines/tfjs/linear.js';
import { CLASSES, loadMnistSubset } from '../engines/realdata/mnist.js';
import { createRealDataModels } from '../engines/realdata/model.js';
import { drawTargets, initTwoLayer } from '../engines/realdata/train.js';
import { Xoshiro128 } from '../core/rng.js';

const SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };

interface Row {
  engine: string;
  optimizer: Optimizer;
  stepsPerSec: number | null;
  note?: string;
}

/** Median steps/s of `chunk(k)` (which takes k steps), the chunk sized to ≈ targetMs after a warm-up. */
function rate(chunk: (k: number) => void, targetMs: number, repeats: number): number {
  let k = 1;
  for (;;) {
    const t0 = performance.now();
    chunk(k);
    const ms = performance.now() - t0;
    if (ms > targetMs / 4 || k > 1e7) {
      k = Math.max(1, Math.round((k * targetMs) / Math.max(ms, 1e-3)));
      break;
    }
    k *= 4;
  }
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    chunk(k);
    rates.push(k / ((performance.now() - t0) / 1000));
  }
  return median(rates) ?? NaN;
}

function paperParams(optimizer: Optimizer, kernel: Kernel): RunParams {
  return { ...defaultParams(), optimizer, kernel, sigma: 4, rho: optimizer === 'sam' ? 0.05 : 0 };
}

function nativeRate(optimizer: Optimizer, kernel: Kernel, targetMs: number, repeats: number): number {
  const core = createCore(paperParams(optimizer, kernel), SEEDS);
  return rate((k) => core.advance(k), targetMs, repeats);
}

async function tfjsRates(backend: TfjsBackend, targetMs: number, repeats: number): Promise<{ linear: Row[]; realdata: Row[] }> {
  const { tf } = await loadTfjs([backend]);
  const linear: Row[] = [];
  for (const optimizer of ['sgd', 'sam'] as const) {
    const p = paperParams(optimizer, 'dense');
    const model = createTfLinearModel(tf, p, makeData(p, SEEDS), initNetwork(p, SEEDS.init));
    const stream = new LabelNoiseStream(p, SEEDS.sgd);
    const W = new Float64Array(p.width * p.d);
    const a = new Float64Array(p.width);
    let t = 0;
    const stepsPerSec = rate(
      (k) => {
        for (const end = t + k; t < end; t++) model.step(t, stream);
        model.readInto(W, a); // forces any pending work to finish inside the timing
      },
      targetMs,
      repeats,
    );
    model.dispose();
    linear.push({ engine: `tfjs/${backend}`, optimizer, stepsPerSec });
  }
  const realdata: Row[] = [];
  for (const [width, d] of [
    [128, 49],
    [256, 49],
  ] as const) {
    const { train, test } = loadMnistSubset(64, 256, d, SEEDS.data);
    const p = { width, lr: 0.05, rho: 0, optimizer: 'gd' as const, activation: 'erf' as const };
    const models = createRealDataModels(tf, p, train, test, initTwoLayer(width, d, 1, SEEDS.init));
    const rng = new Xoshiro128(SEEDS.sgd);
    const targets = new Float32Array(64 * CLASSES);
    const stepsPerSec = rate(
      (k) => {
        for (let i = 0; i < k; i++) {
          drawTargets(rng, train.label, 0.5, targets);
          models.step(targets);
        }
        models.weights();
      },
      targetMs,
      repeats,
    );
    models.dispose();
    realdata.push({ engine: `tfjs/${backend}`, optimizer: 'gd', stepsPerSec, note: `realdata n=64 d=${d} m=${width}, both models` });
  }
  return { linear, realdata };
}

export async function runTfjsBench(opts: { quick?: boolean; log: (line: string) => void }): Promise<unknown> {
  const { log } = opts;
  const quick = opts.quick ?? false;
  const targetMs = quick ? 200 : 1000;
  const repeats = quick ? 3 : 5;
  log(`tfjs bench: paper setting n=200 d=20 m=1000, batch 1, σ=4; ${repeats} repeats, medians`);
  const rows: Row[] = [];
  for (const kernel of ['subspace', 'dense'] as const) {
    for (const optimizer of ['sgd', 'sam'] as const) {
      rows.push({ engine: `native/${kernel}`, optimizer, stepsPerSec: nativeRate(optimizer, kernel, targetMs, repeats) });
    }
  }
  const realdata: Row[] = [];
  const skipped: { backend: TfjsBackend; reason: string }[] = [];
  for (const backend of BACKEND_ORDER) {
    try {
      const r = await tfjsRates(backend, targetMs, repeats);
      rows.push(...r.linear);
      realdata.push(...r.realdata);
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0].slice(0, 160);
      skipped.push({ backend, reason });
      rows.push({ engine: `tfjs/${backend}`, optimizer: 'sgd', stepsPerSec: null, note: `not available: ${reason}` });
    }
  }
  await loadTfjs(); // leave the thread on the default backend

  const ref = (opt: Optimizer, kernel: Kernel) => rows.find((r) => r.engine === `native/${kernel}` && r.optimizer === opt)?.stepsPerSec ?? null;
  const fmt = (x: number | null) => (x === null ? '-' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));
  const ratio = (a: number | null, b: number | null) => (a && b ? (b / a).toPrecision(3) : '-');
  log(`${'engine'.padEnd(16)}${'opt'.padEnd(5)}${'steps/s'.padStart(12)}${'native dense ÷'.padStart(16)}${'native subspace ÷'.padStart(19)}`);
  for (const r of rows) {
    const tail = r.note ? `  ${r.note}` : '';
    log(
      `${r.engine.padEnd(16)}${r.optimizer.padEnd(5)}${fmt(r.stepsPerSec).padStart(12)}${ratio(r.stepsPerSec, ref(r.optimizer, 'dense')).padStart(16)}${ratio(r.stepsPerSec, ref(r.optimizer, 'subspace')).padStart(19)}${tail}`,
    );
  }
  log('÷: how many times faster the native kernel is (same update, same streams)');
  for (const r of realdata) log(`${r.engine.padEnd(16)}${r.optimizer.padEnd(5)}${fmt(r.stepsPerSec).padStart(12)}  ${r.note}`);
  const report = {
    when: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    quick,
    repeats,
    rows,
    realdata,
    skipped,
  };
  return report;
}
