import { describe, expect, it } from 'vitest';
import { chooseShard, shardPart } from '../../src/cli/shard-env.js';

const slurm = (id: number, min: number, max: number, count: number, step?: number) => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
  SLURM_ARRAY_TASK_COUNT: String(count),
  ...(step === undefined ? {} : { SLURM_ARRAY_TASK_STEP: String(step) }),
});

describe('the share a process takes', () => {
  it.each([
    ['--array=0-7, first task', slurm(0, 0, 7, 8), { k: 1, n: 8 }],
    ['--array=0-7, last task', slurm(7, 0, 7, 8), { k: 8, n: 8 }],
    ['--array=1-8, first task', slurm(1, 1, 8, 8), { k: 1, n: 8 }],
    ['--array=1-8, last task', slurm(8, 1, 8, 8), { k: 8, n: 8 }],
    ['--array=10-19%4 (throttled, offset)', slurm(12, 10, 19, 10), { k: 3, n: 10 }],
    ['--array=10-40:10 (stepped)', slurm(30, 10, 40, 4, 10), { k: 3, n: 4 }],
    ['a one-task array', slurm(5, 5, 5, 1), { k: 1, n: 1 }],
    ['Kubernetes index 0', { JOB_COMPLETION_INDEX: '0', LNSWEEP_SHARD_COUNT: '4' }, { k: 1, n: 4 }],
    ['Kubernetes index 3', { JOB_COMPLETION_INDEX: '3', LNSWEEP_SHARD_COUNT: '4' }, { k: 4, n: 4 }],
  ])('%s', (_name, env, shard) => {
    const choice = chooseShard(undefined, env);
    expect(choice.shard).toEqual(shard);
    expect(choice.reason).toContain(`shard ${shard.k}/${shard.n}`);
  });

  it('every task of a 0-based, a 1-based and an offset array takes a different share, and all of them together', () => {
    for (const min of [0, 1, 100]) {
      const ks = Array.from({ length: 6 }, (_, i) => chooseShard(undefined, slurm(min + i, min, min + 5, 6)).shard!.k);
      expect(ks).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('--shard wins over the environment, and --shard all takes the whole plan', () => {
    expect(chooseShard('2/5', slurm(0, 0, 7, 8))).toEqual({ shard: { k: 2, n: 5 }, reason: 'shard 2/5 from --shard' });
    expect(chooseShard('all', slurm(0, 0, 7, 8)).shard).toBeNull();
  });

  it('no flag and no batch system: the whole plan', () => {
    expect(chooseShard(undefined, {})).toEqual({ shard: null, reason: 'the whole plan' });
  });

  it('Slurm wins over Kubernetes when both are set', () => {
    expect(chooseShard(undefined, { ...slurm(2, 1, 3, 3), JOB_COMPLETION_INDEX: '0', LNSWEEP_SHARD_COUNT: '9' }).shard).toEqual({ k: 2, n: 3 });
  });

  it.each([
    ['an array that is not one evenly spaced range (--array=1,3,7)', slurm(3, 1, 7, 3), /not one evenly spaced range/],
    ['a task id off the step', slurm(15, 10, 40, 4, 10), /not on the array's range/],
    ['no SLURM_ARRAY_TASK_MIN', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4' }, /SLURM_ARRAY_TASK_MIN is not set/],
    ['no SLURM_ARRAY_TASK_COUNT', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '0' }, /SLURM_ARRAY_TASK_COUNT is not set/],
    ['a non-numeric id', { ...slurm(1, 0, 3, 4), SLURM_ARRAY_TASK_ID: 'x' }, /SLURM_ARRAY_TASK_ID=x: must be a whole number/],
    ['Kubernetes without LNSWEEP_SHARD_COUNT', { JOB_COMPLETION_INDEX: '2' }, /LNSWEEP_SHARD_COUNT is not set/],
    ['a Kubernetes index past the count', { JOB_COMPLETION_INDEX: '4', LNSWEEP_SHARD_COUNT: '4' }, /not below LNSWEEP_SHARD_COUNT=4/],
  ])('refuses %s, naming what it saw', (_name, env, message) => {
    expect(() => chooseShard(undefined, env)).toThrow(message);
    try {
      chooseShard(undefined, env);
    } catch (err) {
      expect((err as Error).name).toBe('UsageError');
    }
  });

  it("names a shard's own files", () => {
    expect(shardPart({ k: 2, n: 8 })).toBe('shard-2-of-8');
  });
});
