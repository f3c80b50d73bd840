/**
 * WebAssembly against JavaScript, measured side by side in one process, alternating between the two within every
 * repeat (medians), on a shared machine: compare the ratios more than the rates.
 *   - step loops: a core of each kind on the same parameters and seeds, both warmed with the same first call (the
 *     JavaScript batch-1 loop's speed depends on the size of its first call: a large one gives its fast mode);
 *   - one metric row on the subspace kernel after 1000 steps, at m = 1000 and 100000;
 *   - whole runs (`train`, setup included) at the default log_every = 1000, m = 1000, with LNSWEEP_WASM=0 against
 *     the default;
 *   - at m = 100000, WebAssembly only: steps/s logging a row every 10000 steps against logging none.
 */
import { median } from 'd3-array';
import { createCore, type Core } from '../core/engine.js';
import { defaultParams } from '../core/params.js';
import { wasmAvailable } from '../core/wasm-arena.js';
import { train } from '../core/train.js';
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

export interface WasmRowBench {
  m: number;
  jsMsPerRow: number;
  wasmMsPerRow: number;
  ratio: number;
}

export interface WasmBenchReport {
  available: boolean;
  repeats: number;
  rows: WasmBenchRow[];
  metricRows: WasmRowBench[];
  /** whole runs at log_every = 1000, m = 1000: steps/s of `train`, setup included */
  wholeRun: { m: number; steps: number; logEvery: number; jsStepsPerSec: number; wasmStepsPerSec: number; ratio: number } | null;
  /** m = 100000, WebAssembly: steps/s with a row every 10000 steps, and with none */
  wideLogging: { m: number; logEvery: number; noLogStepsPerSec: number; logStepsPerSec: number; ratio: number } | null;
}

function baseParams(): Omit<TrainParams, 'engine'> {
  const { engine: _engine, ...base } = defaultParams();
  return base;
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
  const rj: number[] = [],
    rw: number[] = [];
  for (let r = 0; r < repeats; r++) {
    rj.push(rate(js, steps));
    rw.push(rate(wa, steps));
  }
  return { js: median(rj) ?? NaN, wasm: median(rw) ?? NaN };
}

/** One metric row on the subspace kernel after 1000 steps, JavaScript against WebAssembly, alternating. */
function benchRow(m: number, repeats: number): WasmRowBench {
  const p: TrainParams = { ...baseParams(), width: m, d: 20, n: 200, lr: 1 / m, sigma: 4, kernel: 'subspace' };
  const cores = [createCore(p, SEEDS, { wasm: false }), createCore(p, SEEDS, { wasm: true })];
  const row = new Float64Array(METRIC_NAMES.length);
  const ms: number[][] = [[], []];
  // A logged row of a run has the second layer held one step before (a_step_abs_mean): hold it here too, since
  // that sum costs m·k more; its value does not matter for the timing.
  for (const c of cores) {
    c.advance(1000);
    for (let r = 0; r < 3; r++) {
      c.metrics.holdPrevious();
      c.metrics.row(row);
    }
  }
  for (let r = 0; r < Math.max(repeats, 5); r++) {
    cores.forEach((c, i) => {
      c.metrics.holdPrevious();
      const t0 = performance.now();
      c.metrics.row(row);
      ms[i].push(performance.now() - t0);
    });
  }
  const js = median(ms[0]) ?? NaN,
    wasm = median(ms[1]) ?? NaN;
  return { m, jsMsPerRow: js, wasmMsPerRow: wasm, ratio: js / wasm };
}

/** Steps/s of whole `train` runs with LNSWEEP_WASM=0 and without, alternating; the variable is restored after. */
function benchWholeRun(steps: number, repeats: number): NonNullable<WasmBenchReport['wholeRun']> {
  const p: TrainParams = { ...baseParams(), width: 1000, d: 20, n: 200, lr: 1e-3, sigma: 4, steps, log_every: 1000, kernel: 'subspace' };
  const saved = process.env.LNSWEEP_WASM;
  const timed = (wasm: boolean): number => {
    process.env.LNSWEEP_WASM = wasm ? '1' : '0';
    const t0 = performance.now();
    const result = train(p, SEEDS);
    const ms = performance.now() - t0;
    if (result.wasm !== wasm || result.stepsDone !== steps) throw new Error('[bench] bug: whole run took the wrong path or diverged');
    return (steps / ms) * 1000;
  };
  try {
    timed(false);
    timed(true);
    const js: number[] = [],
      wa: number[] = [];
    for (let r = 0; r < repeats; r++) {
      js.push(timed(false));
      wa.push(timed(true));
    }
    return {
      m: 1000,
      steps,
      logEvery: 1000,
      jsStepsPerSec: median(js) ?? NaN,
      wasmStepsPerSec: median(wa) ?? NaN,
      ratio: (median(wa) ?? NaN) / (median(js) ?? NaN),
    };
  } finally {
    if (saved === undefined) delete process.env.LNSWEEP_WASM;
    else process.env.LNSWEEP_WASM = saved;
  }
}

/**
 * m = 100000 on the WebAssembly loops: `steps` steps in chunks of 256 with the divergence check between chunks, as
 * `train` takes them, with a metric row every `logEvery` steps or none; alternating, steps/s medians.
 */
function benchWideLogging(steps: number, repeats: number): NonNullable<WasmBenchReport['wideLogging']> {
  const m = 100000,
    logEvery = 10000,
    chunk = 256;
  const p: TrainParams = { ...baseParams(), width: m, d: 20, n: 200, lr: 1 / m, sigma: 4, kernel: 'subspace' };
  const core = createCore(p, SEEDS, { wasm: true });
  const row = new Float64Array(METRIC_NAMES.length);
  const timed = (log: boolean): number => {
    const t0 = performance.now();
    for (let t = 0; t < steps;) {
      const next = Math.min(t + chunk, Math.floor(t / logEvery + 1) * logEvery, steps);
      t += core.advance(next - t);
      core.metrics.checkLoss();
      if (log && t % logEvery === 0) {
        core.metrics.holdPrevious(); // as for a logged row of a run (benchRow)
        core.metrics.row(row);
      }
    }
    return (steps / (performance.now() - t0)) * 1000;
  };
  timed(true);
  const none: number[] = [],
    logged: number[] = [];
  for (let r = 0; r < repeats; r++) {
    none.push(timed(false));
    logged.push(timed(true));
  }
  return {
    m,
    logEvery,
    noLogStepsPerSec: median(none) ?? NaN,
    logStepsPerSec: median(logged) ?? NaN,
    ratio: (median(logged) ?? NaN) / (median(none) ?? NaN),
  };
}

const fmtRate = (x: number) => Math.round(x).toLocaleString('en-US');

export function runWasmBench(opts: { quick?: boolean; log: (line: string) => void }): WasmBenchReport {
  const { log } = opts;
  const quick = opts.quick ?? false;
  const targetMs = quick ? 40 : 200;
  const repeats = quick ? 3 : 7;
  if (!wasmAvailable()) {
    log('wasm bench: WebAssembly SIMD loops not available here (missing build or no SIMD): skipped');
    return { available: false, repeats, rows: [], metricRows: [], wholeRun: null, wideLogging: null };
  }
  const rows: WasmBenchRow[] = [];
  for (const [kernel, optimizer, batch, m, target] of CONFIGS) {
    const p: TrainParams = { ...baseParams(), width: m, d: 20, n: 200, lr: 1e-3, sigma: 4, rho: 0.05, optimizer, batch, kernel };
    const { js, wasm } = benchPair(p, targetMs, repeats);
    rows.push({ kernel, optimizer, batch, m, jsStepsPerSec: js, wasmStepsPerSec: wasm, ratio: wasm / js, target: target || null });
  }
  log(`wasm bench: WebAssembly against JavaScript step loops, alternating, medians of ${repeats}`);
  log('kernel    opt        B      m      js steps/s    wasm steps/s   ratio  target');
  for (const r of rows) {
    log(
      `${r.kernel.padEnd(10)}${r.optimizer.padEnd(11)}${String(r.batch).padStart(2)}${String(r.m).padStart(7)}` +
        `${fmtRate(r.jsStepsPerSec).padStart(16)}${fmtRate(r.wasmStepsPerSec).padStart(16)}` +
        `${r.ratio.toFixed(2).padStart(8)}${(r.target ? `≥${r.target}` : '-').padStart(8)}`,
    );
  }
  const metricRows = [1000, 100000].map((m) => benchRow(m, repeats));
  log('metric row, subspace kernel, d=20:   m     js ms/row   wasm ms/row   js/wasm');
  for (const r of metricRows) {
    log(
      `${''.padEnd(36)}${String(r.m).padStart(6)}${r.jsMsPerRow.toFixed(3).padStart(14)}${r.wasmMsPerRow.toFixed(3).padStart(14)}${r.ratio.toFixed(2).padStart(10)}`,
    );
  }
  const wholeRun = benchWholeRun(quick ? 100_000 : 1_000_000, quick ? 2 : 5);
  log(
    `whole runs (train, setup included), m=1000, log_every=1000, ${wholeRun.steps} steps: ` +
      `${fmtRate(wholeRun.jsStepsPerSec)} steps/s with LNSWEEP_WASM=0, ${fmtRate(wholeRun.wasmStepsPerSec)} by default: ` +
      `${wholeRun.ratio.toFixed(2)}x (target ≥ 3)`,
  );
  const wideLogging = benchWideLogging(quick ? 50_000 : 200_000, quick ? 2 : 5);
  log(
    `m=100000, WebAssembly: ${fmtRate(wideLogging.logStepsPerSec)} steps/s with a row every ${wideLogging.logEvery} steps, ` +
      `${fmtRate(wideLogging.noLogStepsPerSec)} with none: ${wideLogging.ratio.toFixed(2)}x (target ≥ 0.5)`,
  );
  return { available: true, repeats, rows, metricRows, wholeRun, wideLogging };
}
