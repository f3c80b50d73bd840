/**
 * `lnsweep bench`: the WebAssembly step loops against the JavaScript ones, whole runs against the same training in
 * process and against the C yardstick (scripts/bench/yardstick.c), the per-run floor of a sweep of tiny runs against
 * a process spawn, folder commands on 1,000 and 20,000 finished runs against `node -e 0`, the kernels against a numpy
 * reference of the same update, then the orchestrator (1 worker against 2, per-run overhead), then each TensorFlow.js backend
 * against the native kernels. Speed is measured here, never in timed tests. Each section's figures go to
 * `<out>/bench-<section>.json`; with --json, every figure goes to stdout as one JSON document and the tables to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runFolderBench } from '../../bench/folder.js';
import { runKernelBench } from '../../bench/kernels.js';
import { runOrchestratorBench } from '../../bench/orchestrator.js';
import { runPerRunBench } from '../../bench/per-run.js';
import { runTfjsBench } from '../../bench/tfjs.js';
import { runWasmBench } from '../../bench/wasm.js';
import { runWholeRunBench } from '../../bench/whole-run.js';
import { EXIT_OK, UsageError } from '../errors.js';

const BENCH_SECTIONS = ['wasm', 'whole-run', 'per-run', 'folder', 'kernels', 'orchestrator', 'tfjs'] as const;
type Section = (typeof BENCH_SECTIONS)[number];

export async function benchCommand(args: { quick: boolean; out: string; json?: boolean; only?: string }): Promise<number> {
  const only = args.only !== undefined ? args.only.split(',').map((s) => s.trim()) : [...BENCH_SECTIONS];
  if (only.every((s) => s === '')) throw new UsageError(`--only '${args.only}': name at least one section (sections: ${BENCH_SECTIONS.join(', ')})`);
  const unknown = only.filter((s) => !(BENCH_SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new UsageError(`--only: unknown section '${unknown[0]}' (sections: ${BENCH_SECTIONS.join(', ')})`);
  mkdirSync(args.out, { recursive: true });
  const stream = args.json ? process.stderr : process.stdout;
  const log = (line: string) => stream.write(line + '\n');
  const run: Record<Section, () => unknown> = {
    wasm: () => runWasmBench({ quick: args.quick, log }),
    'whole-run': () => runWholeRunBench({ quick: args.quick, log }),
    'per-run': () => runPerRunBench({ quick: args.quick, log }),
    folder: () => runFolderBench({ quick: args.quick, log }),
    kernels: () => runKernelBench({ quick: args.quick, log }),
    orchestrator: () => runOrchestratorBench({ quick: args.quick, log }),
    tfjs: () => runTfjsBench({ quick: args.quick, log }),
  };
  const report: Record<string, unknown> = {
    when: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? null,
    cores: cpus().length,
    quick: args.quick,
  };
  for (const section of BENCH_SECTIONS) {
    if (!only.includes(section)) continue;
    report[section] = await run[section]();
    const file = join(args.out, `bench-${section}.json`);
    writeFileSync(file, JSON.stringify({ when: report.when, node: report.node, quick: args.quick, ...(report[section] as object) }, null, 2) + '\n');
    log(`wrote ${file}`);
  }
  if (args.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  return EXIT_OK;
}
