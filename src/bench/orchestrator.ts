/**
 * Orchestrator benchmarks, each on a real Piscina pool writing real files into a temp folder:
 *   1. scaling: one sweep of 8 equal mid-sized runs with 1 worker and with 2, set beside the machine's ceiling: the
 *      same training (no pool, no files) in one process, then in two independent processes at once. The four are
 *      measured in turn within each repeat, so load from elsewhere on a shared machine hits them alike; medians.
 *   2. coordinator cost: a sweep of tiny runs (the training itself is microseconds), with 1 and 2 workers: wall time
 *      per run, and the time the coordinator's own thread was busy per run (its event loop's active time: dispatch,
 *      messages, journal, summary), apart from what the workers spend writing their run files.
 *   3. Arrow writing: the share of worker time spent writing run files in the scaling sweep.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median } from 'd3-array';
import { collectProvenance, journalPath, readJournal } from '../io/index.js';
import { runSweep } from '../run/coordinator.js';
import { PoolExecutor } from '../run/executor.js';
import { planSweep } from '../sweep/index.js';

interface Opts {
  quick?: boolean;
  log: (line: string) => void;
}

interface SweepTiming {
  wallS: number;
  runs: number;
  /** worker seconds writing run files, and training, summed over runs (from the journal) */
  writeS: number;
  trainS: number;
  /** milliseconds the coordinator's thread was busy during the sweep */
  coordinatorMs: number;
}

async function timeSweep(yaml: string, workers: number): Promise<SweepTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-bench-'));
  try {
    const file = join(dir, 'bench.yaml');
    writeFileSync(file, yaml);
    const plan = planSweep(file);
    const executor = new PoolExecutor(workers);
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await runSweep({
      plan,
      runs: plan.runs,
      outDir: join(dir, 'out'),
      executor,
      provenance: collectProvenance(),
      progress: 'none',
      log: () => {},
    });
    const wallS = (performance.now() - t0) / 1000;
    const coordinatorMs = performance.eventLoopUtilization(elu0).active;
    await executor.destroy();
    let writeS = 0;
    let trainS = 0;
    for (const e of readJournal(journalPath(join(dir, 'out'))).events) {
      if (e.event !== 'run_done') continue;
      writeS += Number(e.write_s ?? 0);
      trainS += Number(e.wall_s ?? 0);
    }
    return { wallS, runs: plan.runs.length, writeS, trainS, coordinatorMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds for `processes` independent node processes to each train `runs` runs of `steps` steps, at once. */
async function rawTrainingSeconds(processes: number, runs: number, steps: number): Promise<number> {
  // the built child (dist/bench/train-child.js), from dist/chunks/ (the bundle) or src/bench/ (tests) alike
  const child = fileURLToPath(new URL('../../dist/bench/train-child.js', import.meta.url));
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: processes }, () => {
      const c = spawn(process.execPath, [child, String(runs), String(steps)], { stdio: 'inherit' });
      return new Promise<void>((ok, fail) => c.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`bench child exited ${code}`)))));
    }),
  );
  return (performance.now() - t0) / 1000;
}

export interface OrchestratorReport {
  repeats: number;
  scaling: {
    runs: number;
    steps_per_run: number;
    wall_s_1_worker: number;
    wall_s_2_workers: number;
    speedup: number;
    coordinator_ms_per_run_2_workers: number;
  };
  machine_ceiling: { wall_s_1_process: number; wall_s_2_processes: number; speedup: number };
  /** speed-up of 2 workers over the ceiling's, both medians of the same interleaved repeats */
  efficiency: number;
  overhead: {
    runs: number;
    wall_ms_per_run_1_worker: number;
    wall_ms_per_run_2_workers: number;
    coordinator_ms_per_run_1_worker: number;
    coordinator_ms_per_run_2_workers: number;
    worker_write_ms_per_run: number;
  };
  arrow_write_share_of_worker_time: number;
}

export async function runOrchestratorBench(opts: Opts): Promise<OrchestratorReport> {
  const repeats = opts.quick ? 1 : 5;
  const midSteps = opts.quick ? 100_000 : 1_000_000;
  const scalingYaml = `name: bench-scaling
seed: 1
base: { n: 200, d: 20, width: 1000, lr: 0.001, steps: ${midSteps}, log_every: 1000, sigma: 4 }
replicates: 8
`;
  const tinyRuns = opts.quick ? 50 : 400;
  const tinyYaml = `name: bench-tiny
seed: 1
base: { n: 8, d: 4, width: 8, lr: 0.01, steps: 10, log_every: 5 }
replicates: ${tinyRuns}
`;
  opts.log('\n## Orchestrator (real Piscina pool, real files)');
  const one: number[] = [],
    two: number[] = [],
    rawOne: number[] = [],
    rawTwo: number[] = [];
  const scalingCoord: number[] = [],
    writeShare: number[] = [];
  for (let r = 0; r < repeats; r++) {
    one.push((await timeSweep(scalingYaml, 1)).wallS);
    const t2 = await timeSweep(scalingYaml, 2);
    two.push(t2.wallS);
    scalingCoord.push(t2.coordinatorMs / t2.runs);
    writeShare.push(t2.writeS / (t2.writeS + t2.trainS));
    rawOne.push(await rawTrainingSeconds(1, 8, midSteps));
    rawTwo.push(await rawTrainingSeconds(2, 4, midSteps));
  }
  const tiny = { wall1: [] as number[], wall2: [] as number[], coord1: [] as number[], coord2: [] as number[], write: [] as number[] };
  for (let r = 0; r < repeats; r++) {
    const t1 = await timeSweep(tinyYaml, 1);
    const t2 = await timeSweep(tinyYaml, 2);
    tiny.wall1.push((1000 * t1.wallS) / t1.runs);
    tiny.wall2.push((1000 * t2.wallS) / t2.runs);
    tiny.coord1.push(t1.coordinatorMs / t1.runs);
    tiny.coord2.push(t2.coordinatorMs / t2.runs);
    tiny.write.push((1000 * t1.writeS) / t1.runs);
  }
  const speedup = (median(one) ?? NaN) / (median(two) ?? NaN);
  const ceiling = (median(rawOne) ?? NaN) / (median(rawTwo) ?? NaN);
  const result: OrchestratorReport = {
    repeats,
    scaling: {
      runs: 8,
      steps_per_run: midSteps,
      wall_s_1_worker: median(one) ?? NaN,
      wall_s_2_workers: median(two) ?? NaN,
      speedup,
      coordinator_ms_per_run_2_workers: median(scalingCoord) ?? NaN,
    },
    machine_ceiling: { wall_s_1_process: median(rawOne) ?? NaN, wall_s_2_processes: median(rawTwo) ?? NaN, speedup: ceiling },
    efficiency: speedup / ceiling,
    overhead: {
      runs: tinyRuns,
      wall_ms_per_run_1_worker: median(tiny.wall1) ?? NaN,
      wall_ms_per_run_2_workers: median(tiny.wall2) ?? NaN,
      coordinator_ms_per_run_1_worker: median(tiny.coord1) ?? NaN,
      coordinator_ms_per_run_2_workers: median(tiny.coord2) ?? NaN,
      worker_write_ms_per_run: median(tiny.write) ?? NaN,
    },
    arrow_write_share_of_worker_time: median(writeShare) ?? NaN,
  };
  const f2 = (x: number) => x.toFixed(2);
  opts.log(`| measure (medians of ${repeats}, interleaved) | value |\n|---|---|`);
  opts.log(`| 8 runs × ${midSteps} steps, 1 worker (s) | ${f2(result.scaling.wall_s_1_worker)} |`);
  opts.log(`| same, 2 workers (s) | ${f2(result.scaling.wall_s_2_workers)} |`);
  opts.log(`| speedup 2 vs 1 workers | ${f2(speedup)}x |`);
  opts.log(`| machine ceiling: same training, 2 independent processes vs 1 (no pool, no files) | ${f2(ceiling)}x |`);
  opts.log(`| scaling efficiency against that ceiling (target ≥ 95%) | ${(100 * result.efficiency).toFixed(1)}% |`);
  opts.log(`| coordinator thread busy per run, 8-run sweep, 2 workers (ms) | ${f2(result.scaling.coordinator_ms_per_run_2_workers)} |`);
  opts.log(
    `| tiny runs: wall ms per run, 1 / 2 workers | ${f2(result.overhead.wall_ms_per_run_1_worker)} / ${f2(result.overhead.wall_ms_per_run_2_workers)} |`,
  );
  opts.log(
    `| tiny runs: coordinator thread busy per run (ms, target ≤ 1), 1 / 2 workers | ${f2(result.overhead.coordinator_ms_per_run_1_worker)} / ${f2(result.overhead.coordinator_ms_per_run_2_workers)} |`,
  );
  opts.log(`| tiny runs: worker time writing a run's files (ms, fsync included) | ${f2(result.overhead.worker_write_ms_per_run)} |`);
  opts.log(`| share of worker time writing Arrow files, 8-run sweep | ${(100 * result.arrow_write_share_of_worker_time).toFixed(2)}% |`);
  return result;
}
