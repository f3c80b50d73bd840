/**
 * WebAssembly against JavaScript step loops, measured side by side in one process: for each configuration a core of
 * each kind on the same parameters and seeds, both warmed with the same first call (the JavaScript batch-1 loop's
 * speed depends on the size of its first call: a large one gives its fast mode), then timed chunks alternating
 * between the two, medians of the repeats. Wall clock on a shared machine: compare the ratio, not the absolute rates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from 'd3-array';
import { createCore, type Core } from '../core/engine.js';
import { defaultParams } from '../core/params.js';
import { wasmAvailable } from '../core/steps-wasm.js';
import { METRIC_NAMES, type Kernel, type Optimizer, type RunSeeds, type TrainParams } from '../core/types.js';

const SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };

/** [kernel, optimizer, batch, m, the issue's target ratio over JavaScript] at the paper's n = 200, d = 20. */
const CONFIGS: [Kernel, Optimizer, number, number, number][] = [
  ['subspace', 'sgd', 1, 1000, 3.5],
  ['subspace', 'sam', 1, 1000, 2.8],
  ['subspace', 'sgd', 32, 1000, 3.3],
  ['subspace', 'sam', 32, 1000, 0],
  ['subspace', 'gd', 1, 1000, 0],
  ['dense', 'sgd', 1, 1000, 3],
  ['dense', 'oscillate', 1, 1000, 3],
];

export interface WasmBenchRow {
  kernel: Kernel;
  optimizer: Optimizer;
  batch: number;
  m: number;
  jsStepsPerSec: number;
  wasmStepsPerSec: number;
  ratio: number;
  target: number | null;
}

function rate(core: Core, steps: number): number {
  const t0 = performance.now();
  const taken = core.advance(steps);
  const ms = performance.now() - t0;
  if (taken !== steps) throw new Error(`[bench] bug: run diverged after ${taken} steps`);
  return (steps / Math.max(ms, 1e-3)) * 1000;
}

function benchPair(p: TrainParams, targetMs: number, repeats: number): { js: number; wasm: number } {
  const js = createCore(p, SEEDS, { wasm: false });
  const wa = createCore(p, SEEDS, { wasm: true });
  if (!wa.wasm) throw new Error('[bench] the WebAssembly loops are not available here (npm run build)');
  // Calibrate on the JavaScript loop with one large first call (its fast mode), then warm the other the same way.
  let n = 1 << 16;
  while (n > 16 && (n / rate(js, n)) * 1000 > 4 * targetMs) n >>= 2;
  const steps = Math.max(16, Math.round((rate(js, n) * targetMs) / 1000));
  rate(wa, n);
  rate(wa, steps);
  const rj: number[] = [], rw: number[] = [];
  for (let r = 0; r < repeats; r++) {
    rj.push(rate(js, steps));
    rw.push(rate(wa, steps));
  }
  return { js: median(rj) ?? NaN, wasm: median(rw) ?? NaN };
}

export interface WasmRowBench {
  m: number;
  jsMsPerRow: number;
  wasmMsPerRow: number;
  ratio: number;
}

/** One metric row on the subspace kernel after 1000 steps, JavaScript against WebAssembly, alternating. */
function benchRow(m: number, repeats: number): WasmRowBench {
  const { engine: _engine, ...base } = defaultParams();
  const p: TrainParams = { ...base, width: m, d: 20, n: 200, lr: 1 / m, sigma: 4, kernel: 'subspace' };
  const cores = [createCore(p, SEEDS, { wasm: false }), createCore(p, SEEDS, { wasm: true })];
  const row = new Float64Array(METRIC_NAMES.length);
  const ms: number[][] = [[], []];
  for (const c of cores) {
    c.advance(1000);
    for (let r = 0; r < 3; r++) c.metrics.row(row);
  }
  for (let r = 0; r < Math.max(repeats, 5); r++) {
    cores.forEach((c, i) => {
      const t0 = performance.now();
      c.metrics.row(row);
      ms[i].push(performance.now() - t0);
    });
  }
  const js = median(ms[0]) ?? NaN, wasm = median(ms[1]) ?? NaN;
  return { m, jsMsPerRow: js, wasmMsPerRow: wasm, ratio: js / wasm };
}

export function runWasmBench(opts: { quick?: boolean; outDir: string; log: (line: string) => void }): WasmBenchRow[] {
  const { log } = opts;
  const quick = opts.quick ?? false;
  if (!wasmAvailable()) {
    log('wasm bench: WebAssembly SIMD loops not available here (missing build or no SIMD): skipped');
    return [];
  }
  const targetMs = quick ? 40 : 200;
  const repeats = quick ? 3 : 7;
  const { engine: _engine, ...base } = defaultParams();
  const rows: WasmBenchRow[] = [];
  for (const [kernel, optimizer, batch, m, target] of CONFIGS) {
    const p: TrainParams = { ...base, width: m, d: 20, n: 200, lr: 1e-3, sigma: 4, rho: 0.05, optimizer, batch, kernel };
    const { js, wasm } = benchPair(p, targetMs, repeats);
    rows.push({ kernel, optimizer, batch, m, jsStepsPerSec: js, wasmStepsPerSec: wasm, ratio: wasm / js, target: target || null });
  }
  log(`wasm bench: WebAssembly against JavaScript step loops, alternating, medians of ${repeats}`);
  log('kernel    opt        B      m      js steps/s    wasm steps/s   ratio  target');
  for (const r of rows) {
    log(`${r.kernel.padEnd(10)}${r.optimizer.padEnd(11)}${String(r.batch).padStart(2)}${String(r.m).padStart(7)}` +
      `${Math.round(r.jsStepsPerSec).toLocaleString('en-US').padStart(16)}${Math.round(r.wasmStepsPerSec).toLocaleString('en-US').padStart(16)}` +
      `${r.ratio.toFixed(2).padStart(8)}${(r.target ? `≥${r.target}` : '-').padStart(8)}`);
  }
  const metricRows = [1000, 100000].map((m) => benchRow(m, repeats));
  log('metric row, subspace kernel, d=20:   m     js ms/row   wasm ms/row   js/wasm');
  for (const r of metricRows) {
    log(`${''.padEnd(36)}${String(r.m).padStart(6)}${r.jsMsPerRow.toFixed(3).padStart(14)}${r.wasmMsPerRow.toFixed(3).padStart(14)}${r.ratio.toFixed(2).padStart(10)}`);
  }
  writeFileSync(join(opts.outDir, 'bench-wasm.json'), JSON.stringify({ when: new Date().toISOString(), node: process.version, quick, repeats, rows, metricRows }, null, 2));
  log(`wrote ${join(opts.outDir, 'bench-wasm.json')}`);
  return rows;
}
