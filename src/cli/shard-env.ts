/**
 * Which share of the plan this process takes: `--shard K/N`, else the batch system's environment. Only the CLI
 * reads the environment (docs/design.md#layers); everything below it gets a plain `Shard`.
 *
 *   --shard K/N                        K/N as given (`--shard all`: the whole plan, whatever the environment says)
 *   Slurm job array                    K = (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP + 1
 *                                      N = SLURM_ARRAY_TASK_COUNT
 *     --array=0-7     ids 0..7   → K 1..8 of 8
 *     --array=1-8     ids 1..8   → K 1..8 of 8
 *     --array=10-40:10 ids 10,20,30,40 → K 1..4 of 4
 *     --array=1,3,7   (not evenly spaced: MIN + (COUNT−1)·STEP ≠ MAX) → refused: pass --shard K/N
 *   Kubernetes Indexed Job             K = JOB_COMPLETION_INDEX + 1 (the index is 0-based)
 *                                      N = LNSWEEP_SHARD_COUNT (Kubernetes does not tell a pod the Job's completions)
 *   none of these                      the whole plan
 *
 * A wrong mapping would be silent and costly (two tasks doing one share, another share never done), so anything
 * that does not give exactly one K in 1..N is refused with the variables it saw.
 */
import { parseShard, type Shard } from '../sweep/index.js';
import { UsageError } from './errors.js';

export interface ShardChoice {
  shard: Shard | null;
  /** one line for the log: which share and why */
  reason: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function chooseShard(flag: string | undefined, env: Env): ShardChoice {
  if (flag !== undefined) {
    if (flag.trim() === 'all') return { shard: null, reason: 'the whole plan (--shard all)' };
    const shard = parseShard(flag);
    return { shard, reason: `shard ${shard.k}/${shard.n} from --shard` };
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') return fromSlurm(env);
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') return fromKubernetes(env);
  return { shard: null, reason: 'the whole plan' };
}

function whole(name: string, value: string | undefined, min: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`[shard] ${name}=${value}: must be a whole number ≥ ${min}`);
  return n;
}

function fromSlurm(env: Env): ShardChoice {
  const seen =
    `SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID}, SLURM_ARRAY_TASK_MIN=${env.SLURM_ARRAY_TASK_MIN ?? '(unset)'}, ` +
    `SLURM_ARRAY_TASK_MAX=${env.SLURM_ARRAY_TASK_MAX ?? '(unset)'}, SLURM_ARRAY_TASK_STEP=${env.SLURM_ARRAY_TASK_STEP ?? '(unset)'}, ` +
    `SLURM_ARRAY_TASK_COUNT=${env.SLURM_ARRAY_TASK_COUNT ?? '(unset)'}`;
  const refuse = (why: string): never => {
    throw new UsageError(`[shard] cannot tell this array task's share: ${why} (${seen}); pass --shard K/N`);
  };
  const id = whole('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID, 0)!;
  const count = whole('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT, 1) ?? refuse('SLURM_ARRAY_TASK_COUNT is not set');
  // Slurm sets MIN, MAX and STEP for every array job; without MIN a 0-based and a 1-based array look the same.
  const min = whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN, 0) ?? refuse('SLURM_ARRAY_TASK_MIN is not set');
  const step = whole('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP, 1) ?? 1;
  const max = whole('SLURM_ARRAY_TASK_MAX', env.SLURM_ARRAY_TASK_MAX, 0);
  if (max !== null && min + (count - 1) * step !== max) refuse('the array is not one evenly spaced range');
  if (id < min || (id - min) % step !== 0) refuse("the task id is not on the array's range");
  const k = (id - min) / step + 1;
  if (k > count) refuse("the task id is past the array's end");
  return { shard: { k, n: count }, reason: `shard ${k}/${count} from the Slurm array (${seen})` };
}

function fromKubernetes(env: Env): ShardChoice {
  const index = whole('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX, 0)!;
  const count = whole('LNSWEEP_SHARD_COUNT', env.LNSWEEP_SHARD_COUNT, 1);
  if (count === null) {
    throw new UsageError(
      `[shard] JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX} (a Kubernetes Indexed Job) but LNSWEEP_SHARD_COUNT is ` +
        `not set: set it to the Job's completions (Kubernetes does not tell a pod), or pass --shard K/N`,
    );
  }
  if (index >= count) {
    throw new UsageError(
      `[shard] JOB_COMPLETION_INDEX=${index} is not below LNSWEEP_SHARD_COUNT=${count}: make the Job's completions equal LNSWEEP_SHARD_COUNT`,
    );
  }
  return {
    shard: { k: index + 1, n: count },
    reason: `shard ${index + 1}/${count} from the Kubernetes Indexed Job (JOB_COMPLETION_INDEX=${index}, LNSWEEP_SHARD_COUNT=${count})`,
  };
}

/** The part name of a shard's own journal and summary: `shard-2-of-8`. */
export const shardPart = (s: Shard): string => `shard-${s.k}-of-${s.n}`;
