/**
 * Whole runs at the paper's setting (n=200, d=20, m=1000, η=1e-3, gaussian label noise σ=2, a metric row every 1000
 * steps, one worker), at batch 1 and 32, three ways, taken in turn within every repeat (the order reversed every
 * other repeat) so that load from elsewhere hits them alike:
 *   - `lnsweep run` of a one-run sweep: the whole process (start, plan, worker thread, run file, summary);
 *   - the same run's training in this process (`train`: steps and metric rows, no process, thread or file);
 *   - the C yardstick (scripts/bench/yardstick.c: the same algorithm at -O3, set-up, steps and rows) as a process.
 * Steps/s by wall clock and by CPU time (user + system: the steadier one on a shared machine), and per repeat the
 * ratios whole run / in process ("whole run vs kernel loop") and whole run / C, medians over the repeats. Each repeat
 * also times a run of FIXED_STEPS steps both ways (`lnsweep run` and C): the CPU a process costs whatever its length
 * (start, modules, set-up, plan, files), and the run's CPU beyond it against C's beyond its own: the training's rate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from 'd3-array';
import { defaultParams } from '../core/params.js';
import { train } from '../core/train.js';
import type { RunSeeds, TrainParams } from '../core/types.js';
import { buildYardstick, CLI_PATH, timeProcess, type ProcessTime } from './processes.js';

const SEEDS: RunSeeds = { data: [1, 2, 3, 4], teacher: [3, 1, 4, 1], init: [5, 6, 7, 8], sgd: [9, 10, 11, 12] };
const LOG_EVERY = 1000;
/** steps of the short run that gives a process's fixed cost (one logged row after t = 0) */
const FIXED_STEPS = 1000;
/** [batch, steps, quick steps, the issue's target for whole run / C] */
const CONFIGS: [number, number, number, number][] = [
  [1, 20_000_000, 2_000_000, 0.9],
  [32, 2_000_000, 200_000, 0.6],
];

interface Rates {
  wall: number;
  cpu: number;
}

export interface WholeRunRow {
  batch: number;
  steps: number;
  logEvery: number;
  /** steps/s, medians over the repeats */
  lnsweepRun: Rates;
  inProcess: Rates;
  yardstick: Rates | null;
  /** medians of the per-repeat ratios */
  runOverInProcess: Rates;
  runOverYardstick: Rates | null;
  inProcessOverYardstick: Rates | null;
  /** CPU seconds of a FIXED_STEPS-step run as a whole process, medians: what a run costs whatever its length */
  fixedCpuS: { run: number; yardstick: number | null };
  /** C's CPU beyond its fixed cost over the run's beyond its own (medians of the per-repeat ratios): the training's rate */
  beyondFixedRunOverYardstick: number | null;
  target: number;
}

export interface WholeRunReport {
  repeats: number;
  /** why the C yardstick did not run (no gcc), or null */
  yardstickMissing: string | null;
  rows: WholeRunRow[];
}

function sweepYaml(batch: number, steps: number): string {
  return [
    'name: bench-whole-run',
    'seed: 1',
    `base: { n: 200, d: 20, width: 1000, alpha: 1, lr: 0.001, steps: ${steps}, log_every: ${LOG_EVERY}, optimizer: sgd, batch: ${batch}, noise: gaussian, sigma: 2 }`,
    '',
  ].join('\n');
}

function paperParams(batch: number, steps: number): TrainParams {
  const { engine: _engine, ...base } = defaultParams();
  return { ...base, n: 200, d: 20, width: 1000, lr: 1e-3, steps, log_every: LOG_EVERY, batch, noise: 'gaussian', sigma: 2 };
}

function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function timeInProcess(p: TrainParams): ProcessTime {
  const w0 = performance.now(),
    c0 = cpuS();
  const r = train(p, SEEDS);
  if (r.status !== 'done' || !r.wasm) throw new Error(`[bench] bug: the in-process run ${r.status}, wasm ${String(r.wasm)}`);
  return { wallS: (performance.now() - w0) / 1000, cpuS: cpuS() - c0, stdout: '' };
}

const rate = (steps: number, t: ProcessTime): Rates => ({ wall: steps / t.wallS, cpu: steps / t.cpuS });
const med = (xs: Rates[]): Rates => ({ wall: median(xs.map((x) => x.wall)) ?? NaN, cpu: median(xs.map((x) => x.cpu)) ?? NaN });
const over = (a: Rates, b: Rates): Rates => ({ wall: a.wall / b.wall, cpu: a.cpu / b.cpu });

function benchConfig(dir: string, yardstick: string | null, batch: number, steps: number, target: number, repeats: number): WholeRunRow {
  const sweep = join(dir, `whole-b${batch}.yaml`),
    fixedSweep = join(dir, `fixed-b${batch}.yaml`);
  writeFileSync(sweep, sweepYaml(batch, steps));
  writeFileSync(fixedSweep, sweepYaml(batch, FIXED_STEPS));
  const p = paperParams(batch, steps);
  const runs: Rates[] = [],
    inProc: Rates[] = [],
    cs: Rates[] = [];
  const runOverIn: Rates[] = [],
    runOverC: Rates[] = [],
    inOverC: Rates[] = [];
  const fixedRun: number[] = [],
    fixedC: number[] = [],
    beyondFixed: number[] = [];
  const lnsweepRun = (file: string, out: string) =>
    timeProcess([process.execPath, CLI_PATH, 'run', file, '--out', out, '--workers', '1', '--progress', 'none']);
  const cRun = (n: number) => (yardstick === null ? null : timeProcess([yardstick, 'run', String(n), String(batch), String(LOG_EVERY)]));
  for (let r = 0; r < repeats; r++) {
    const out = join(dir, `out-b${batch}-${r}`),
      fixedOut = join(dir, `fixed-b${batch}-${r}`);
    const measure = {
      run: () => lnsweepRun(sweep, out),
      inProcess: () => timeInProcess(p),
      c: () => cRun(steps),
      fixed: () => ({ run: lnsweepRun(fixedSweep, fixedOut), c: cRun(FIXED_STEPS) }),
    };
    let run: ProcessTime, inP: ProcessTime, c: ProcessTime | null, fixed: { run: ProcessTime; c: ProcessTime | null };
    if (r % 2 === 0) {
      fixed = measure.fixed();
      c = measure.c();
      run = measure.run();
      inP = measure.inProcess();
    } else {
      inP = measure.inProcess();
      run = measure.run();
      c = measure.c();
      fixed = measure.fixed();
    }
    rmSync(out, { recursive: true, force: true });
    rmSync(fixedOut, { recursive: true, force: true });
    runs.push(rate(steps, run));
    inProc.push(rate(steps, inP));
    runOverIn.push(over(rate(steps, run), rate(steps, inP)));
    fixedRun.push(fixed.run.cpuS);
    if (c !== null && fixed.c !== null) {
      cs.push(rate(steps, c));
      runOverC.push(over(rate(steps, run), rate(steps, c)));
      inOverC.push(over(rate(steps, inP), rate(steps, c)));
      fixedC.push(fixed.c.cpuS);
      // at a few thousand steps (tests) the difference can be lost in the noise of the fixed cost: no ratio then
      if (run.cpuS > fixed.run.cpuS) beyondFixed.push((c.cpuS - fixed.c.cpuS) / (run.cpuS - fixed.run.cpuS));
    }
  }
  const hasC = cs.length > 0;
  return {
    batch,
    steps,
    logEvery: LOG_EVERY,
    lnsweepRun: med(runs),
    inProcess: med(inProc),
    yardstick: hasC ? med(cs) : null,
    runOverInProcess: med(runOverIn),
    runOverYardstick: hasC ? med(runOverC) : null,
    inProcessOverYardstick: hasC ? med(inOverC) : null,
    fixedCpuS: { run: median(fixedRun) ?? NaN, yardstick: hasC ? (median(fixedC) ?? NaN) : null },
    beyondFixedRunOverYardstick: hasC ? (median(beyondFixed) ?? NaN) : null,
    target,
  };
}

const fmtM = (x: Rates | null) => (x === null ? '-'.padStart(15) : `${(x.wall / 1e6).toFixed(2)} | ${(x.cpu / 1e6).toFixed(2)}`.padStart(15));
const fmtR = (x: Rates | null) => (x === null ? '-'.padStart(13) : `${x.wall.toFixed(2)} | ${x.cpu.toFixed(2)}`.padStart(13));

/** `steps`: every configuration at this many steps (tests); otherwise the table's, or its quick ones. */
export function runWholeRunBench(opts: { quick?: boolean; steps?: number; log: (line: string) => void }): WholeRunReport {
  const { log } = opts;
  const quick = opts.quick ?? false;
  const repeats = quick ? 2 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-bench-whole-'));
  try {
    const built = buildYardstick(dir);
    const yardstick = 'path' in built ? built.path : null;
    const yardstickMissing = 'missing' in built ? built.missing : null;
    if (yardstickMissing !== null) log(`whole-run bench: no C yardstick (${yardstickMissing}); its ratios are left out`);
    const rows = CONFIGS.map(([batch, steps, quickSteps, target]) =>
      benchConfig(dir, yardstick, batch, opts.steps ?? (quick ? quickSteps : steps), target, repeats),
    );
    log(
      `whole runs: n=200 d=20 m=1000 sgd, gaussian σ=2, log_every=${LOG_EVERY}, 1 worker; ` +
        `in turn, medians of ${repeats}; M steps/s and ratios as wall | CPU`,
    );
    log('batch     steps   lnsweep run     in process    C yardstick  run/in-proc        run/C   in-proc/C  target run/C');
    for (const r of rows) {
      log(
        `${String(r.batch).padStart(5)}${String(r.steps).padStart(10)}${fmtM(r.lnsweepRun)}${fmtM(r.inProcess)}${fmtM(r.yardstick)}` +
          `${fmtR(r.runOverInProcess)}${fmtR(r.runOverYardstick)}${fmtR(r.inProcessOverYardstick)}${`≥ ${r.target}`.padStart(14)}`,
      );
    }
    log(`fixed cost: CPU s of a ${FIXED_STEPS}-step run as a whole process; beyond it: C's CPU past its fixed cost / the run's`);
    log('batch  lnsweep run fixed  C fixed  run/C beyond fixed (CPU)');
    for (const r of rows) {
      const cFixed = r.fixedCpuS.yardstick === null ? '-' : r.fixedCpuS.yardstick.toFixed(3);
      const beyond = r.beyondFixedRunOverYardstick === null ? '-' : r.beyondFixedRunOverYardstick.toFixed(2);
      log(`${String(r.batch).padStart(5)}${r.fixedCpuS.run.toFixed(3).padStart(19)}${cFixed.padStart(9)}${beyond.padStart(27)}`);
    }
    return { repeats, yardstickMissing, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
