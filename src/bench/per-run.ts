/**
 * The per-run floor (issue 23): a sweep of many tiny runs (200 steps, n=20, d=5, m=20) on 2 workers as a whole
 * `lnsweep run` process, against spawning a process per job (`xargs -P2 -n1 true`), measured in turn within every
 * repeat so that load from elsewhere hits both alike:
 *   per-run overhead = (wall × workers − Σ the runs' own wall_s) / runs   (everything a run costs beyond its training:
 *                      start-up, dispatch, messages, writing and committing its files, journal, summary)
 *   per-job cost     = wall × 2 / jobs                                     (fork, exec, exit of `true`, two at a time)
 * and their ratio (the issue's target: ≤ 2), medians over the repeats. Beside them the same two in CPU time, which a
 * loaded machine disturbs less than wall time (a thread waiting for a core costs wall time, not CPU):
 *   CPU overhead per run = (CPU − Σ the runs' own wall_s) / runs   (every thread of the process: coordinator, workers,
 *                                                                  V8's garbage collector and compiler, libuv's pool)
 *   CPU per job          = CPU of xargs and its children / jobs
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from 'd3-array';
import { journalPath, readJournal } from '../io/index.js';
import { CLI_PATH, timeProcess } from './processes.js';

const WORKERS = 2;

export interface PerRunReport {
  runs: number;
  repeats: number;
  workers: number;
  /** medians over the repeats */
  run_wall_s: number;
  training_s_per_run_ms: number;
  overhead_ms_per_run: number;
  xargs_ms_per_job: number;
  /** median of the per-repeat ratios overhead / xargs */
  overhead_over_spawn: number;
  /** the same in CPU time (module comment), medians over the repeats */
  cpu_overhead_ms_per_run: number;
  xargs_cpu_ms_per_job: number;
  cpu_overhead_over_spawn: number;
  target: number;
}

export const tinySweepYaml = (name: string, runs: number): string =>
  `name: ${name}\nseed: 1\nbase: { n: 20, d: 5, width: 20, lr: 0.01, steps: 200, log_every: 100, sigma: 1 }\nreplicates: ${runs}\n`;

/** Seconds of training the journal records for the runs that finished (run_done's wall_s). */
function trainingSeconds(outDir: string): { seconds: number; runs: number } {
  let seconds = 0;
  let runs = 0;
  for (const e of readJournal(journalPath(outDir)).events) {
    if (e.event !== 'run_done') continue;
    seconds += Number(e.wall_s);
    runs++;
  }
  return { seconds, runs };
}

/** `jobs` runs of `true`, two at a time: wall and CPU seconds. */
function timeXargs(jobs: number): { wallS: number; cpuS: number } {
  return timeProcess(['bash', '-c', `seq ${jobs} | xargs -P${WORKERS} -n1 true`]);
}

/** `runs`: the sweep's size (tests); otherwise 5,000, or 500 with `quick`. */
export function runPerRunBench(opts: { quick?: boolean; runs?: number; repeats?: number; log: (line: string) => void }): PerRunReport {
  const runs = opts.runs ?? (opts.quick ? 500 : 5000);
  const repeats = opts.repeats ?? (opts.quick ? 1 : 3);
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-bench-per-run-'));
  try {
    const sweep = join(dir, 'tiny.yaml');
    writeFileSync(sweep, tinySweepYaml('bench-per-run', runs));
    const walls: number[] = [],
      training: number[] = [],
      overheads: number[] = [],
      spawns: number[] = [],
      ratios: number[] = [],
      cpuOverheads: number[] = [],
      cpuSpawns: number[] = [],
      cpuRatios: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const out = join(dir, `out-${r}`);
      const measureRun = () =>
        timeProcess([process.execPath, CLI_PATH, 'run', sweep, '--out', out, '--workers', String(WORKERS), '--progress', 'none']);
      let run: { wallS: number; cpuS: number }, xargs: { wallS: number; cpuS: number };
      if (r % 2 === 0) {
        run = measureRun();
        xargs = timeXargs(runs);
      } else {
        xargs = timeXargs(runs);
        run = measureRun();
      }
      const t = trainingSeconds(out);
      if (t.runs !== runs) throw new Error(`[bench] ${t.runs} of ${runs} tiny runs finished`);
      rmSync(out, { recursive: true, force: true });
      const overhead = (1000 * (run.wallS * WORKERS - t.seconds)) / runs;
      const spawn = (1000 * xargs.wallS * WORKERS) / runs;
      const cpuOverhead = (1000 * (run.cpuS - t.seconds)) / runs;
      const cpuSpawn = (1000 * xargs.cpuS) / runs;
      walls.push(run.wallS);
      training.push((1000 * t.seconds) / runs);
      overheads.push(overhead);
      spawns.push(spawn);
      ratios.push(overhead / spawn);
      cpuOverheads.push(cpuOverhead);
      cpuSpawns.push(cpuSpawn);
      cpuRatios.push(cpuOverhead / cpuSpawn);
    }
    const report: PerRunReport = {
      runs,
      repeats,
      workers: WORKERS,
      run_wall_s: median(walls) ?? NaN,
      training_s_per_run_ms: median(training) ?? NaN,
      overhead_ms_per_run: median(overheads) ?? NaN,
      xargs_ms_per_job: median(spawns) ?? NaN,
      overhead_over_spawn: median(ratios) ?? NaN,
      cpu_overhead_ms_per_run: median(cpuOverheads) ?? NaN,
      xargs_cpu_ms_per_job: median(cpuSpawns) ?? NaN,
      cpu_overhead_over_spawn: median(cpuRatios) ?? NaN,
      target: 2,
    };
    const f = (x: number) => x.toFixed(2);
    opts.log(`\n## Per-run floor: ${runs} runs of 200 steps (n=20 d=5 m=20), ${WORKERS} workers, in turn with xargs, medians of ${repeats}`);
    opts.log('| measure | value |\n|---|---|');
    opts.log(`| lnsweep run, wall (s) | ${f(report.run_wall_s)} |`);
    opts.log(`| training per run (ms, the runs' own wall_s) | ${f(report.training_s_per_run_ms)} |`);
    opts.log(`| overhead per run: (wall × ${WORKERS} − Σ wall_s) / runs (ms) | ${f(report.overhead_ms_per_run)} |`);
    opts.log(`| xargs -P${WORKERS} -n1 true, per job: wall × ${WORKERS} / jobs (ms) | ${f(report.xargs_ms_per_job)} |`);
    opts.log(`| overhead / process spawn (target ≤ ${report.target}) | ${f(report.overhead_over_spawn)} |`);
    opts.log(`| CPU overhead per run: (CPU − Σ wall_s) / runs (ms) | ${f(report.cpu_overhead_ms_per_run)} |`);
    opts.log(`| xargs -P${WORKERS} -n1 true, CPU per job (ms) | ${f(report.xargs_cpu_ms_per_job)} |`);
    opts.log(`| CPU overhead / CPU of a process spawn | ${f(report.cpu_overhead_over_spawn)} |`);
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
