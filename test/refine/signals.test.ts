/**
 * refine on SIGINT, SIGTERM or SIGHUP takes run's signal path: it says so, lets the run in flight finish (held at its
 * first step by the fault-injection hook until the test releases it, so nothing races), prints how to resume, exits
 * 130, releases the folder's lock and leaves no temp file; the same command then carries on.
 */
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/io/index.js';
import { exited, startCli, tempDir } from '../helpers.js';
import { readPlanFile, refine, runInto, SMOOTH_5X5 } from './helpers.js';

const FLAGS = ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--rounds', '2', '--budget', '100', '--replicates', '1', '--workers', '2'];

async function until(what: string, ok: () => boolean, child: { output: () => string; exitCode: number | null }): Promise<void> {
  for (let waited = 0; !ok(); waited += 20) {
    if (child.exitCode !== null || waited > 100_000) throw new Error(`gave up waiting for ${what}:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

describe('refine interrupted by a signal', () => {
  const grid = runInto(SMOOTH_5X5);

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s: message, the held run finishes, resume hint, 130, no lock or temp file left',
    async (signal) => {
      const dir = join(tempDir(), 'out');
      cpSync(grid, dir, { recursive: true });
      // plan round 1, and hold the first run the coordinator will start (equal costs go in run id order)
      expect(refine(dir, ...FLAGS, '--plan-only').code).toBe(0);
      const held = readPlanFile(dir)
        .runs.filter((r) => r.refine_round === 1)
        .map((r) => r.run_id)
        .sort()[0];
      const release = join(tempDir(), 'release');
      const child = startCli(['refine', dir, ...FLAGS, '--progress', 'none'], {
        LNSWEEP_FAULTS: JSON.stringify({ [held]: { hold_at_step: 0, release_file: release } }),
      });
      // the fault hook marks the run held (src/run/faults.ts) before it writes any file of its own
      await until('the held run to start', () => existsSync(`${release}.held-${held}`), child);
      child.kill(signal);
      await until('the stop message', () => child.output().includes('finishing the runs in progress'), child);
      expect(existsSync(join(dir, 'runs', `${held}.arrow`))).toBe(false);
      writeFileSync(release, '');
      const { code } = await exited(child);
      expect(code, child.output()).toBe(130);
      expect(child.output()).toContain('refine interrupted; every finished run is kept');
      expect(child.output()).toContain(`Resume with:\n  npx lnsweep refine ${dir} --metric final_w_norm2_mean --level 0.6`);
      expect(existsSync(join(dir, 'runs', `${held}.arrow`))).toBe(true); // the run in flight finished
      expect(existsSync(join(dir, 'lnsweep.lock'))).toBe(false);
      expect(walk(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
      const events = readJournal(join(dir, 'journal.jsonl')).events;
      const startedIds = events.filter((e) => e.event === 'run_start').map((e) => e.run_id);
      expect(new Set(events.filter((e) => e.event === 'run_done').map((e) => e.run_id))).toEqual(new Set(startedIds));
      const resumed = refine(dir, ...FLAGS);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(new Set(readPlanFile(dir).runs.map((r) => r.refine_round ?? 0))).toEqual(new Set([0, 1, 2]));
    },
  );
});
