import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { resumeHint } from '../../src/cli/resume-hint.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

const LONG = `name: hint
seed: 2
description: a sweep that explains itself
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 20000, log_every: 1000, sigma: 1 }
replicates: 4
`;

/** Polls (however long it takes) until `cond` holds; fails at once if the child exits first. */
async function until(child: { exitCode: number | null; output: () => string }, what: string, cond: () => boolean): Promise<void> {
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${what}:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('resume hints match how the process was started', () => {
  const rerun = 'npx lnsweep run s.yaml --out o';
  it('a Slurm array task: scontrol requeue JOB_TASK, or resubmit that task', () => {
    const h = resumeHint(rerun, { SLURM_ARRAY_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: '3', SLURM_JOB_ID: '4245' });
    expect(h).toContain('scontrol requeue 4242_3');
    expect(h).toContain('sbatch --array=3');
    expect(h).not.toContain(rerun);
  });
  it('a Kubernetes Indexed Job: the Job restarts the pod', () => {
    const h = resumeHint(rerun, { JOB_COMPLETION_INDEX: '5' });
    expect(h).toMatch(/Kubernetes restarts the pod of index 5/);
  });
  it('a plain run: the same command again', () => {
    expect(resumeHint(rerun, {})).toBe(`Resume with:\n  ${rerun}`);
  });

  it('an interrupted Slurm array task prints scontrol requeue, not a --shard command line', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const slurm = {
      SLURM_ARRAY_JOB_ID: '777',
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '1',
      SLURM_ARRAY_TASK_STEP: '1',
      SLURM_ARRAY_TASK_COUNT: '2',
      SLURM_JOB_ID: '778',
    };
    // the task's first run is held at step 4096 (src/run/faults.ts) until the stop is announced: pending runs are certain
    const release = join(dir, 'release');
    const hold = { LNSWEEP_FAULTS: JSON.stringify({ '*': { hold_at_step: 1, release_file: release } }) };
    const child = startCli(['run', writeSweep(dir, 'hint', LONG), '--out', out, '--workers', '1'], { ...slurm, ...hold });
    await until(child, 'a run is held', () => readdirSync(dir).some((f) => f.startsWith('release.held-') && !f.endsWith('.tmp')));
    child.kill('SIGTERM');
    await until(child, 'the stop is announced', () => child.output().includes('finishing the runs in progress (1)'));
    writeFileSync(release, '');
    const { code } = await exited(child);
    expect(code, child.output()).toBe(130);
    expect(child.output()).toContain('scontrol requeue 777_1');
    expect(child.output()).not.toContain('--shard 2/2');
  });
});

describe("a sweep file's description", () => {
  it('is kept in plan.json and in the provenance of every file the sweep writes', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const sweep = writeSweep(dir, 'desc', LONG.replace('steps: 20000', 'steps: 200').replace('log_every: 1000', 'log_every: 100'));
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    expect(runCli(['merge', out]).code).toBe(0);
    expect((JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { description?: string }).description).toBe('a sweep that explains itself');
    const files = [...readdirSync(join(out, 'runs')).map((f) => join(out, 'runs', f)), join(out, 'summary.arrow'), join(out, 'metrics.arrow')];
    expect(files.length).toBe(6);
    for (const f of files) {
      const meta = tableFromIPC(readFileSync(f)).schema.metadata;
      expect(meta.get('lnsweep.sweep_description'), f).toBe('a sweep that explains itself');
    }
  });
});
