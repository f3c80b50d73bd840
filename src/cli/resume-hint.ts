/**
 * How to resume an interrupted process, in the terms of whatever started it: a Slurm array task is requeued or
 * resubmitted (retyping `lnsweep run … --shard K/N` on a login node is not what a Slurm user does), a Kubernetes
 * Indexed Job restarts its own pod, a queue worker is started again, a plain run is rerun.
 */
type Env = Readonly<Record<string, string | undefined>>;

const set = (v: string | undefined): v is string => v !== undefined && v !== '';

/** The lines to print after "interrupted; every finished run is kept." `command` is the plain rerun. */
export function resumeHint(command: string, env: Env): string {
  if (set(env.SLURM_ARRAY_JOB_ID) && set(env.SLURM_ARRAY_TASK_ID)) {
    const task = `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
    return (
      `Resume this Slurm array task (it skips what is finished) with:\n  scontrol requeue ${task}\n` +
      `or resubmit just this task of your array script:\n  sbatch --array=${env.SLURM_ARRAY_TASK_ID} YOUR_SCRIPT.sbatch`
    );
  }
  if (set(env.SLURM_JOB_ID)) {
    return `Resume this Slurm job (it skips what is finished) with:\n  scontrol requeue ${env.SLURM_JOB_ID}\nor submit the same script again`;
  }
  if (set(env.JOB_COMPLETION_INDEX)) {
    return (
      `Kubernetes restarts the pod of index ${env.JOB_COMPLETION_INDEX} while the Job's backoffLimit allows, and it ` +
      `resumes where this one stopped; nothing to do by hand. Outside the Job:\n  ${command}`
    );
  }
  return `Resume with:\n  ${command}`;
}
