/**
 * Orchestrator benchmarks, each on a real Piscina pool writing real files into a temp folder:
 *   1. scaling: one sweep of equal mid-sized runs with 1 worker, then with 2; the ratio of wall times;
 *   2. overhead: a sweep of tiny runs (the training itself is microseconds), wall time per run = what planning,
 *      dispatch, messages, file writes, journal and summary cost per run;
 *   3. Arrow writing: the share of worker time spent writing run files in the scaling sweep.
 * The scaling ratio is set beside the machine's own ceiling, measured in the same run: the same training (no pool,
 * no files) in one process, then in two independent processes at once. On a VM two vCPUs rarely give a full 2x.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from 'd3-array';
import { collectProvenance, journalPath, readJournal } from '../io/index.js';
import { runSweep } from '../run/coordinator.js';
import { PoolExecutor } from '../run/executor.js';
import { planSweep } from '../sweep/index.js';

interface Opts {
  quick?: boolean;
  outDir: string;
  log: (line: string) => void;
}

async function timeSweep(yaml: string, workers: number): Promise<{ wallS: number; runs: number; writeS: number; trainS: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-bench-'));
  try {
    const file = join(dir, 'bench.yaml');
    writeFileSync(file, yaml);
    const plan = planSweep(file);
    const executor = new PoolExecutor(workers);
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
    await executor.destroy();
    let writeS = 0;
    let trainS = 0;
    for (const e of readJournal(journalPath(join(dir, 'out'))).events) {
      if (e.event !== 'run_done') continue;
      writeS += Number(e.write_s ?? 0);
      trainS += Number(e.wall_s ?? 0);
    }
    return { wallS, runs: plan.runs.length, writeS, trainS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds for `processes` independent node processes to each train `runs` runs of `steps` steps, at once. */
async function rawTrainingSeconds(processes: number, runs: number, steps: number): Promise<number> {
  const core = new URL('../core/index.js', import.meta.url).href;
  const seeds = new URL('../sweep/seeds.js', import.meta.url).href;
  const code = `
    const { train, defaultParams } = await import(${JSON.stringify(core)});
    const { runSeeds } = await import(${JSON.stringify(seeds)});
    const p = { ...defaultParams(), steps: ${steps}, sigma: 4, kernel: 'subspace' };
    for (let r = 0; r < ${runs}; r++) train(p, runSeeds(p, 1, r));`;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'inherit' });
      return new Promise<void>((ok, fail) =>
        child.on('exit', (c) => (c === 0 ? ok() : fail(new Error(`bench child exited ${c}`)))),
      );
    }),
  );
  return (performance.now() - t0) / 1000;
}

export async function runOrchestratorBench(opts: Opts): Promise<unknown> {
  const repeats = opts.quick ? 1 : 3;
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
  const one: number[] = [];
  const two: number[] = [];
  let writeShare = 0;
  for (let r = 0; r < repeats; r++) {
    one.push((await timeSweep(scalingYaml, 1)).wallS);
    const t2 = await timeSweep(scalingYaml, 2);
    two.push(t2.wallS);
    writeShare = t2.writeS / (t2.writeS + t2.trainS);
  }
  const rawOne: number[] = [];
  const rawTwo: number[] = [];
  for (let r = 0; r < repeats; r++) {
    rawOne.push(await rawTrainingSeconds(1, 8, midSteps));
    rawTwo.push(await rawTrainingSeconds(2, 4, midSteps));
  }
  const tiny: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = await timeSweep(tinyYaml, 1);
    tiny.push((1000 * t.wallS) / t.runs);
  }
  const [oneS, twoS, rawOneS, rawTwoS, tinyMs] = [one, two, rawOne, rawTwo, tiny].map((xs) => median(xs) ?? NaN);
  const result = {
    scaling: { runs: 8, steps_per_run: midSteps, wall_s_1_worker: oneS, wall_s_2_workers: twoS, speedup: oneS / twoS },
    machine_ceiling: { wall_s_1_process: rawOneS, wall_s_2_processes: rawTwoS, speedup: rawOneS / rawTwoS },
    overhead: { runs: tinyRuns, ms_per_run_1_worker: tinyMs },
    arrow_write_share_of_worker_time: writeShare,
    repeats,
  };
  opts.log(`| measure | value |\n|---|---|`);
  opts.log(`| 8 runs × ${midSteps} steps, 1 worker (median s) | ${result.scaling.wall_s_1_worker.toFixed(2)} |`);
  opts.log(`| same, 2 workers (median s) | ${result.scaling.wall_s_2_workers.toFixed(2)} |`);
  opts.log(`| speedup 2 vs 1 workers | ${result.scaling.speedup.toFixed(2)}x |`);
  opts.log(`| machine ceiling: same training, 2 independent processes vs 1 (no pool, no files) | ${result.machine_ceiling.speedup.toFixed(2)}x |`);
  opts.log(`| scaling efficiency against that ceiling | ${((100 * result.scaling.speedup) / result.machine_ceiling.speedup).toFixed(1)}% |`);
  opts.log(`| tiny runs: orchestration ms per run (median of ${repeats}) | ${result.overhead.ms_per_run_1_worker.toFixed(2)} |`);
  opts.log(`| share of worker time writing Arrow files | ${(100 * writeShare).toFixed(2)}% |`);
  writeFileSync(join(opts.outDir, 'bench-orchestrator.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}
