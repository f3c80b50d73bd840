import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { resumeHint } from '../../src/cli/resume-hint.js';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

const LONG = `name: hint
seed: 2
description: a sweep that explains itself
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 3000000, log_every: 10000, sigma: 1 }
replicates: 4
`;

async function waitForOutput(child: { output: () => string }, text: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!child.output().includes(text)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for "${text}" in:\n${child.output()}`);
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
    const child = startCli(['run', writeSweep(dir, 'hint', LONG), '--out', out, '--workers', '1'], slurm);
    await waitForOutput(child, 'to do');
    child.kill('SIGTERM');
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
    const sweep = writeSweep(dir, 'desc', LONG.replace('steps: 3000000', 'steps: 200').replace('log_every: 10000', 'log_every: 100'));
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
