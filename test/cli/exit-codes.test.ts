import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/errors.js';
import { exited, startCli, tempDir, writeSweep } from '../helpers.js';
import { runCliFor } from './helpers.js';

const SMALL = `name: small
seed: 3
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 2000, log_every: 500 }
replicates: 4
`;
// Short runs, held at step 4096 by the fault hook (src/run/faults.ts) until the test releases them: the signals
// land while runs are in flight however fast or loaded the machine is.
const LONG = `name: long
seed: 2
base: { n: 50, d: 10, width: 200, lr: 0.004, steps: 20000, log_every: 1000, sigma: 1 }
replicates: 4
`;
const held = (dir: string) => ({ LNSWEEP_FAULTS: JSON.stringify({ '*': { hold_at_step: 1, release_file: join(dir, 'release') } }) });
const heldRuns = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('release.held-') && !f.endsWith('.tmp'));

/** Polls (however long it takes) until `cond` holds; fails at once if the child exits first. */
async function until(child: { exitCode: number | null; output: () => string }, what: string, cond: () => boolean): Promise<void> {
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${what}:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('exit statuses by what happened', () => {
  it('--help lists every exit status of the table', () => {
    const r = runCliFor(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit status:');
    for (const code of Object.values(EXIT)) expect(r.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
    expect(r.stdout).toContain('lnsweep merge DIR');
  });

  it('summary.arrow that cannot be written after every run finished is exit 1, keeps the runs and names merge', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    // A non-empty folder where summary.arrow goes: the final rename fails only once every run is done.
    mkdirSync(join(out, 'summary.arrow', 'in-the-way'), { recursive: true });
    const r = runCliFor(['run', writeSweep(dir, 'small', SMALL), '--out', out, '--workers', '2']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`lnsweep merge ${out}`);
    expect(r.stderr).toContain('every finished run is kept');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readdirSync(join(out, 'runs')).filter((f) => /^[0-9a-f]{16}\.arrow$/.test(f))).toHaveLength(4);
  });

  describe('no space for plan.json', () => {
    const dir = tempDir();
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    // One page of tmpfs: folders and an empty file fit, a plan of a few KB does not.
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', disk], { encoding: 'utf8' });
    afterAll(() => void (mount.status === 0 && spawnSync('umount', [disk])));
    it('is an output failure (exit 1), not bad input', () => {
      expect(mount.status, `mount a 4k tmpfs (needs root): ${mount.stderr}`).toBe(0);
      const sweep = writeSweep(dir, 'wide', SMALL.replace('replicates: 4', 'replicates: 40'));
      const r = runCliFor(['run', sweep, '--out', join(disk, 'out'), '--workers', '1']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/plan\.json.*ENOSPC/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    });
  });

  it('SIGTERM twice exits 130 and keeps nothing partial', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const child = startCli(['run', writeSweep(dir, 'long', LONG), '--out', out, '--workers', '2'], held(dir));
    await until(child, 'two runs are held', () => heldRuns(dir).length === 2);
    child.kill('SIGTERM');
    // the second only once the first is handled: two signals sent at once may reach the process as one
    await until(child, 'the stop is announced', () => child.output().includes('finishing the runs in progress (2)'));
    child.kill('SIGTERM');
    const { code, signal } = await exited(child); // the held runs are never released: only the abort ends them
    expect(signal, child.output()).toBeNull();
    expect(code, child.output()).toBe(130);
    expect(readdirSync(join(out, 'runs')).filter((f) => f.includes('.tmp-') || f.endsWith('.arrow'))).toEqual([]);
  });

  it('a signal while the sweep file is still being read exits 130', async () => {
    const dir = tempDir();
    // --shard all: the line "taking the whole plan (--shard all)" marks the moment the plan is read
    const child = startCli(['run', writeSweep(dir, 'long', LONG), '--out', join(dir, 'out'), '--workers', '1', '--shard', 'all'], held(dir));
    await until(child, 'the plan is read', () => child.output().includes('taking'));
    child.kill('SIGTERM');
    child.kill('SIGTERM');
    child.kill('SIGTERM');
    // Signals sent at once may arrive as one; should that one come after the runs started, it only stops dispatch,
    // and the held run must be let go to end: 130 either way.
    writeFileSync(join(dir, 'release'), '');
    const { code, signal } = await exited(child);
    expect(signal, child.output()).toBeNull();
    expect(code, child.output()).toBe(130);
  });

  it('SIGHUP stops a run as SIGTERM does: finished runs kept, summary written, resume hint, exit 130', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    rmSync(out, { recursive: true, force: true });
    const child = startCli(['run', writeSweep(dir, 'long', LONG), '--out', out, '--workers', '2'], held(dir));
    await until(child, 'two runs are held', () => heldRuns(dir).length === 2);
    child.kill('SIGHUP');
    await until(child, 'the stop is announced', () => child.output().includes('finishing the runs in progress (2)'));
    writeFileSync(join(dir, 'release'), '');
    const { code, signal } = await exited(child);
    expect(signal, child.output()).toBeNull();
    expect(code, child.output()).toBe(130);
    expect(child.output()).toContain('Resume with');
    expect(existsSync(join(out, 'summary.arrow'))).toBe(true);
    // The two runs in flight at the signal finished and were kept; nothing else started.
    expect(readdirSync(join(out, 'runs')).filter((f) => /^[0-9a-f]{16}\.arrow$/.test(f))).toHaveLength(2);
  });
});
