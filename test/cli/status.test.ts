/**
 * `lnsweep status`: divergences and failures grouped by reason, each with its count, a few run ids and the
 * parameters its runs share; `--json` for scripts; `--watch` following a sweep while it runs (a run held at a known
 * point by the LNSWEEP_FAULTS hook, never raced), in place on a terminal, plain lines elsewhere.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readSummary } from '../../src/io/index.js';
import { CLI, divergingSweep, exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';

// σ = 8 diverges at once (a tiny diverge_loss); two runs of σ = 1 fail by injection
const SWEEP = divergingSweep('st', 2);

interface Planned {
  run_id: string;
  params: { sigma: number; alpha: number };
}

function setUp(faults: (runs: Planned[]) => Record<string, unknown>): {
  dir: string;
  out: string;
  sweep: string;
  runs: Planned[];
  env: Record<string, string>;
} {
  const dir = tempDir('lnsweep-status-');
  const sweep = writeSweep(dir, 'st', SWEEP);
  const plan = runCli(['plan', sweep, '--json']);
  expect(plan.code, plan.stderr).toBe(0);
  const runs = (JSON.parse(plan.stdout) as { runs: Planned[] }).runs;
  return { dir, out: join(dir, 'out'), sweep, runs, env: { LNSWEEP_FAULTS: JSON.stringify(faults(runs)) } };
}

describe('status of a folder with divergences and failures', () => {
  const failing = (runs: Planned[]) => runs.filter((r) => r.params.sigma === 1 && r.params.alpha === 1).map((r) => r.run_id);
  const s = setUp((runs) => Object.fromEntries(failing(runs).map((id) => [id, 'throw'])));
  const run = runCli(['run', s.sweep, '--out', s.out, '--workers', '2', '--progress', 'none'], s.env);
  const diverged = () => readSummary(join(s.out, 'summary.arrow')).filter((r) => r.status === 'diverged');

  it('groups them by reason, with a few run ids and the parameters their runs share', () => {
    expect(run.code, run.stderr).toBe(1);
    const r = runCli(['status', s.out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('st: 12 runs: 6 done, 4 diverged, 2 failed, 0 pending');
    expect(lines[1]).toBe('  diverged (4): train loss … > diverge_loss … at step …');
    const ids = diverged()
      .map((x) => x.run_id)
      .sort();
    expect(ids).toHaveLength(4);
    // three ids and "1 more"; every diverged run has σ = 8 and its diverge_loss (α varies among them)
    expect(lines[2]).toMatch(
      new RegExp(
        `^    runs ${ids.slice(0, 3).join(', ')} and 1 more; all with sigma = 8, diverge_loss = 0\\.001; e\\.g\\. train loss \\S+ > diverge_loss 0\\.001 at step \\d+$`,
      ),
    );
    const failed = failing(s.runs).sort();
    expect(lines[3]).toBe('  failed (2): Error: injected fault for …');
    expect(lines[4]).toBe(
      `    runs ${failed.join(', ')}; all with alpha = 1, sigma = 1, diverge_loss = 1000000; e.g. Error: injected fault for ${failed[0]}`,
    );
    expect(lines).toHaveLength(5);
  });

  it('--json: the counts and every group with all its run ids', () => {
    const r = runCli(['status', s.out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      total: number;
      done: number;
      diverged: number;
      failed: number;
      pending: number;
      problems: { status: string; reason: string; count: number; run_ids: string[]; shared: Record<string, unknown> }[];
    };
    expect([j.total, j.done, j.diverged, j.failed, j.pending]).toEqual([12, 6, 4, 2, 0]);
    expect(j.problems.map((p) => [p.status, p.count])).toEqual([
      ['diverged', 4],
      ['failed', 2],
    ]);
    expect(j.problems[0].run_ids).toEqual(
      diverged()
        .map((x) => x.run_id)
        .sort(),
    );
    expect(j.problems[0].shared).toEqual({ sigma: 8, diverge_loss: 0.001 });
    expect(j.problems[1].run_ids).toEqual(failing(s.runs).sort());
  });

  it('--watch on a folder with nothing pending ends by itself (a plain line per change while it reads the folder)', () => {
    const r = runCli(['status', s.out, '--watch', '--interval', '0.2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/Z st: 12 runs: 6 done, 4 diverged, 2 failed, 0 pending \| 100\.0% of the work \(by cost\); nothing running$/);
  });
});

describe('status --watch while a sweep runs', () => {
  it(
    'names the run in flight and where, redraws in place on a terminal, plain lines elsewhere, and ends with the sweep',
    { timeout: 120_000 },
    async () => {
      const gate = join(tempDir('lnsweep-gate-'), 'go');
      const s = setUp((runs) => ({ [runs[5].run_id]: { hold_at_step: 0, release_file: gate } }));
      const held = s.runs[5].run_id;
      const sweep = startCli(['run', s.sweep, '--out', s.out, '--workers', '2', '--progress', 'none'], s.env);
      // a watch needs the folder's plan, which `run` writes first
      while (!existsSync(join(s.out, 'plan.json'))) await new Promise((r) => setTimeout(r, 20));
      const env = { ...process.env, CI: 'true' };
      const json = spawn(process.execPath, [CLI, 'status', s.out, '--watch', '--interval', '0.2', '--json'], { env });
      // `script` gives this one a pseudo-terminal
      const tty = spawn('script', ['-qec', `${process.execPath} ${CLI} status ${s.out} --watch --interval 0.2`, '/dev/null'], { env });
      const [jsonExit, ttyExit] = [exited(json), exited(tty)];
      onTestFinished(() => {
        // whatever happened above, nothing held is left behind
        writeFileSync(gate, '');
        for (const child of [sweep, json, tty]) child.kill('SIGKILL');
      });
      let out = '';
      let screen = '';
      json.stdout.on('data', (b) => (out += b));
      tty.stdout.on('data', (b) => (screen += b));
      const states = () =>
        out
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { done: number; diverged: number; pending: number; running: { part: string; runs: { run_id: string }[] }[] });
      // held with 11 runs finished and the 12th running: the watch says so
      const t0 = Date.now();
      while (!states().some((j) => j.pending === 1 && j.running.some((p) => p.runs.some((r) => r.run_id === held)))) {
        if (Date.now() - t0 > 60_000) throw new Error(`no state with the held run in flight:\n${out}\n${sweep.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(
        states()
          .find((j) => j.pending === 1)!
          .running.map((p) => p.part),
      ).toEqual(['run']);
      while (!screen.includes(`1 running: ${held}`)) {
        if (Date.now() - t0 > 60_000) throw new Error(`the terminal never showed the held run:\n${screen}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      writeFileSync(gate, '');
      expect((await exited(sweep)).code, sweep.output()).toBe(0);
      expect((await jsonExit).code).toBe(0);
      expect((await ttyExit).code).toBe(0);
      const last = states().at(-1)!;
      expect([last.pending, last.running.length, last.done + last.diverged]).toEqual([0, 0, 12]);
      // on the terminal: the first frame, then each next one drawn over it (cursor up over the last frame, clear below)
      const escapes = screen.split('\u001b[').slice(1);
      expect(escapes.some((e) => /^\d+A/.test(e)) && escapes.some((e) => e.startsWith('J'))).toBe(true);
      expect(screen).toContain('st: 12 runs: 8 done, 4 diverged, 0 failed, 0 pending');
    },
  );
});
