/**
 * `lnsweep bench`: the WebAssembly step loops against the JavaScript ones, the kernels against a numpy reference of the same update, then the orchestrator (1 worker
 * against 2, per-run overhead), then each TensorFlow.js backend against the native kernels. Speed is measured here, never in timed tests.
 */
import { mkdirSync } from 'node:fs';
import { runKernelBench } from '../../bench/kernels.js';
import { runOrchestratorBench } from '../../bench/orchestrator.js';
import { runTfjsBench } from '../../bench/tfjs.js';
import { runWasmBench } from '../../bench/wasm.js';
import { EXIT_OK } from '../errors.js';

export async function benchCommand(args: { quick: boolean; out: string }): Promise<number> {
  mkdirSync(args.out, { recursive: true });
  const log = (line: string) => process.stdout.write(line + '\n');
  runWasmBench({ quick: args.quick, outDir: args.out, log });
  await runKernelBench({ quick: args.quick, outDir: args.out, log });
  await runOrchestratorBench({ quick: args.quick, outDir: args.out, log });
  await runTfjsBench({ quick: args.quick, outDir: args.out, log });
  return EXIT_OK;
}
