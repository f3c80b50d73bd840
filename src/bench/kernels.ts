/**
 * Kernel benchmark: steps/s of the dense and subspace kernels for sgd and sam at batch 1 and 32, on the issue's
 * sizes, with the cost of logging shown apart, against a numpy loop of the same batch-1 update
 * (scripts/bench_numpy.py, spawned with python3 after our timings so the two never share the CPU).
 *
 * Per configuration (medians over ≥ 5 repeats; `quick`: 3 repeats, shorter):
 *   steps/s     advance() alone, no metrics (wall clock; CPU-time rate beside it, since the machine is shared)
 *   ms/row      one metric row (per-neuron pass included)
 *   e2e@1000    steps/s of 1000-step chunks each followed by a row, i.e. log_every = 1000 (setup excluded)
 * Setup (data, init, subspace basis) is timed once and reported apart.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from 'd3-array';
import { createCore, type Core } from '../core/engine.js';
import { defaultParams } from '../core/params.js';
import { METRIC_NAMES, type Kernel, type Optimizer, type RunSeeds, type TrainParams } from '../core/types.js';

const SIZES: [number, number][] = [
  [1000, 20],
  [10000, 20],
  [100000, 20],
  [1000, 100],
];
const SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };
const LOG_EVERY = 1000;
/** An e2e chunk slower than this is not repeated: its rate is derived from the two measured parts instead. */
const MAX_E2E_CHUNK_S = 1.5;

export interface KernelBenchRow {
  kernel: Kernel;
  optimizer: Optimizer;
  batch: number;
  m: number;
  d: number;
  stepsPerSec: number;
  stepsPerSecCpu: number;
  msPerRow: number;
  e2eStepsPerSec: number;
  e2eDerived: boolean;
  setupMs: number;
  repeats: number;
  numpyStepsPerSec: number | null;
}

interface NumpyResult {
  m: number;
  d: number;
  steps_per_s: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** η·m fixed at the paper's 1e-3 × 1000 so every width is stable; σ = 4 as in the paper's noisy runs. */
function benchParams(m: number, d: number, optimizer: Optimizer, batch: number, kernel: Kernel): TrainParams {
  const { engine: _engine, ...base } = defaultParams();
  return { ...base, width: m, d, lr: (1e-3 * 1000) / m, sigma: 4, rho: 0.05, optimizer, batch, kernel };
}

function timeSteps(core: Core, steps: number): { wallMs: number; cpuMs: number } {
  const w0 = performance.now();
  const c0 = cpuMs();
  const taken = core.advance(steps);
  const out = { wallMs: performance.now() - w0, cpuMs: cpuMs() - c0 };
  if (taken !== steps) throw new Error(`[bench] bug: run diverged after ${taken} steps`);
  return out;
}

function benchOne(p: TrainParams, targetMs: number, repeats: number): Omit<KernelBenchRow, 'numpyStepsPerSec'> {
  const s0 = performance.now();
  const core = createCore(p, SEEDS);
  const setupMs = performance.now() - s0;
  // Calibrate (and warm the JIT) on a growing count until a call lasts ≥ 20 ms.
  let n = 16;
  let probe = timeSteps(core, n);
  while (probe.wallMs < 20 && n < 1 << 24) {
    n *= 4;
    probe = timeSteps(core, n);
  }
  const steps = Math.max(1, Math.round((n * targetMs) / Math.max(probe.wallMs, 1e-3)));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = timeSteps(core, steps);
    wall.push((steps / t.wallMs) * 1000);
    cpu.push((steps / Math.max(t.cpuMs, 1e-3)) * 1000);
  }
  const row = new Float64Array(METRIC_NAMES.length);
  // Warm the JIT on the row code too (≥ 3 calls, ≥ 50 ms or 50 calls), else the first configuration pays for it.
  for (let c = 0, w0 = performance.now(); c < 3 || (c < 50 && performance.now() - w0 < 50); c++) core.metrics.row(row);
  const rowMs: number[] = [];
  for (let r = 0; r < Math.max(repeats, 5); r++) {
    const t0 = performance.now();
    core.metrics.row(row);
    rowMs.push(performance.now() - t0);
  }
  const stepsPerSec = median(wall) ?? NaN;
  const msPerRow = median(rowMs) ?? NaN;
  const chunkMs = (LOG_EVERY / stepsPerSec) * 1000 + msPerRow;
  let e2eStepsPerSec = (LOG_EVERY / chunkMs) * 1000;
  const e2eDerived = chunkMs > MAX_E2E_CHUNK_S * 1000;
  if (!e2eDerived) {
    const chunks = Math.max(1, Math.round(targetMs / chunkMs));
    const rates: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      for (let c = 0; c < chunks; c++) {
        timeSteps(core, LOG_EVERY);
        core.metrics.row(row);
      }
      rates.push(((chunks * LOG_EVERY) / (performance.now() - t0)) * 1000);
    }
    e2eStepsPerSec = median(rates) ?? NaN;
  }
  return {
    kernel: core.kernel.kind,
    optimizer: p.optimizer,
    batch: p.batch,
    m: p.width,
    d: p.d,
    stepsPerSec,
    stepsPerSecCpu: median(cpu) ?? NaN,
    msPerRow,
    e2eStepsPerSec,
    e2eDerived,
    setupMs,
    repeats,
  };
}

/** Runs scripts/bench_numpy.py on one thread of BLAS; resolves to null (with a logged reason) when it cannot. */
function runNumpy(quick: boolean, log: (line: string) => void): Promise<{ numpy: string; results: NumpyResult[] } | null> {
  const script = fileURLToPath(new URL('../../scripts/bench_numpy.py', import.meta.url));
  const args = [script, '--sizes', SIZES.map(([m, d]) => `${m}x${d}`).join(','), '--seconds', quick ? '0.1' : '0.4', '--repeats', quick ? '3' : '5'];
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  return new Promise((resolve) => {
    const child = spawn('python3', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => {
      log(`[bench] numpy reference not run: ${e.message}`);
      resolve(null);
    });
    child.on('close', (code) => {
      if (code !== 0) {
        log(`[bench] numpy reference failed (exit ${code}): ${err.trim().split('\n').pop() ?? ''}`);
        resolve(null);
        return;
      }
      try {
        resolve(JSON.parse(out) as { numpy: string; results: NumpyResult[] });
      } catch {
        log(`[bench] numpy reference printed no JSON: ${out.slice(0, 200)}`);
        resolve(null);
      }
    });
  });
}

function fmt(x: number | null, digits = 3): string {
  if (x === null || !Number.isFinite(x)) return '-';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(digits);
}

export async function runKernelBench(opts: { quick?: boolean; log: (line: string) => void }): Promise<unknown> {
  const { log } = opts;
  const quick = opts.quick ?? false;
  const targetMs = quick ? 30 : 250;
  const repeats = quick ? 3 : 5;
  log(
    `kernel bench: ${quick ? 'quick' : 'full'}, ${repeats} repeats, medians; node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}`,
  );
  const rows: Omit<KernelBenchRow, 'numpyStepsPerSec'>[] = [];
  for (const [m, d] of SIZES) {
    for (const kernel of ['subspace', 'dense'] as const) {
      for (const optimizer of ['sgd', 'sam'] as const) {
        for (const batch of [1, 32]) rows.push(benchOne(benchParams(m, d, optimizer, batch, kernel), targetMs, repeats));
      }
    }
  }
  const numpy = await runNumpy(quick, log);
  const numpyRate = (m: number, d: number): number | null => numpy?.results.find((r) => r.m === m && r.d === d)?.steps_per_s ?? null;
  const full: KernelBenchRow[] = rows.map((r) => ({
    ...r,
    numpyStepsPerSec: r.optimizer === 'sgd' && r.batch === 1 ? numpyRate(r.m, r.d) : null,
  }));

  const head = ['kernel', 'opt', 'B', 'm', 'd', 'steps/s', '(cpu)', 'ms/row', 'e2e@1000', 'setup ms', 'numpy', 'x numpy', 'e2e x numpy'];
  const table = full.map((r) => [
    r.kernel,
    r.optimizer,
    String(r.batch),
    String(r.m),
    String(r.d),
    fmt(r.stepsPerSec),
    fmt(r.stepsPerSecCpu),
    fmt(r.msPerRow),
    fmt(r.e2eStepsPerSec) + (r.e2eDerived ? '*' : ''),
    fmt(r.setupMs),
    fmt(r.numpyStepsPerSec),
    r.numpyStepsPerSec ? fmt(r.stepsPerSec / r.numpyStepsPerSec) : '-',
    r.numpyStepsPerSec ? fmt(r.e2eStepsPerSec / r.numpyStepsPerSec) : '-',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...table.map((t) => t[c].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  log(line(head));
  for (const t of table) log(line(t));
  log('* derived from steps/s and ms/row (one 1000-step chunk takes over 1.5 s); B = batch; numpy: sgd batch 1 only');

  const pick = (m: number) => full.find((r) => r.kernel === 'subspace' && r.optimizer === 'sgd' && r.batch === 1 && r.m === m && r.d === 20);
  const small = pick(1000);
  const large = pick(100000);
  const summary: Record<string, number | null> = {
    subspace_sgd_b1_m1000_steps_per_s: small?.stepsPerSec ?? null,
    subspace_sgd_b1_m1000_vs_numpy: small?.numpyStepsPerSec ? small.stepsPerSec / small.numpyStepsPerSec : null,
    width_ratio_no_metrics: small && large ? large.stepsPerSec / small.stepsPerSec : null,
    width_ratio_e2e_log1000: small && large ? large.e2eStepsPerSec / small.e2eStepsPerSec : null,
    log_every_for_half_rate: null,
  };
  if (small && large) {
    // Smallest E with E/(E/s_L + L_L) ≥ ½·E/(E/s_S + L_S): E ≥ (L_L − 2 L_S) / (2/s_S − 1/s_L), rows in seconds.
    const den = 2 / small.stepsPerSec - 1 / large.stepsPerSec;
    const num = (large.msPerRow - 2 * small.msPerRow) / 1000;
    summary.log_every_for_half_rate = num <= 0 ? 1 : den > 0 ? Math.ceil(num / den) : null;
    log(
      `subspace sgd B=1 d=20: ${fmt(small.stepsPerSec)} steps/s at m=1000 (target 1,000,000); m=100000/m=1000: ` +
        `${fmt(summary.width_ratio_no_metrics)} without metrics, ${fmt(summary.width_ratio_e2e_log1000)} at log_every=1000; ` +
        `half the m=1000 rate needs log_every ≥ ${fmt(summary.log_every_for_half_rate)}`,
    );
  }
  const report = {
    when: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    quick,
    repeats,
    numpy: numpy?.numpy ?? null,
    rows: full,
    summary,
  };
  return report;
}
