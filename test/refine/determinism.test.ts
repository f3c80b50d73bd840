/**
 * The runs a round adds depend only on earlier rounds' results: the same boundary file, byte for byte, and the same
 * plan for any worker count, when refinement is stopped between rounds or killed mid-round and resumed, and when the
 * rounds are planned with --plan-only; and no run is ever done twice.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/io/index.js';
import { journalPaths } from '../../src/io/index.js';
import { exited, startCli } from '../helpers.js';
import { readPlanFile, refine, runInto, SMOOTH_5X5 } from './helpers.js';

const FLAGS = ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--budget', '100', '--replicates', '1'];
const boundaryBytes = (dir: string) => readFileSync(join(dir, 'boundary-final_w_norm2_mean.arrow'));
const runIds = (dir: string) => readPlanFile(dir).runs.map((r) => [r.run_id, r.refine_round ?? 0]);
const timesDone = (dir: string) => {
  const counts = new Map<string, number>();
  for (const e of journalPaths(dir).flatMap((p) => readJournal(p).events)) {
    if (e.event === 'run_done') counts.set(String(e.run_id), (counts.get(String(e.run_id)) ?? 0) + 1);
  }
  return counts;
};

describe('refinement is deterministic', () => {
  const one = runInto(SMOOTH_5X5, undefined, 1);
  const r1 = refine(one, ...FLAGS, '--rounds', '3', '--workers', '1');

  it('gives the same plan and boundary with 1 and 2 workers, and stopped after round 1 then resumed', () => {
    expect(r1.code, r1.stderr).toBe(0);
    expect(new Set(runIds(one).map(([, k]) => k))).toEqual(new Set([0, 1, 2, 3]));
    const two = runInto(SMOOTH_5X5, undefined, 2);
    expect(refine(two, ...FLAGS, '--rounds', '1', '--workers', '2').code).toBe(0);
    expect(new Set(runIds(two).map(([, k]) => k))).toEqual(new Set([0, 1]));
    const again = refine(two, ...FLAGS, '--rounds', '3', '--workers', '2');
    expect(again.code, again.stderr).toBe(0);
    expect(runIds(two)).toEqual(runIds(one));
    expect(boundaryBytes(two).equals(boundaryBytes(one))).toBe(true);
    expect([...timesDone(two).values()].every((n) => n === 1)).toBe(true);
    expect(timesDone(two).size).toBe(runIds(two).length);
  });

  it('gives the same result when killed in the middle of a round and resumed, doing no run twice', async () => {
    const dir = runInto(SMOOTH_5X5, undefined, 1);
    // Round 2's runs are the same as in `one` (that is the point of the test), so the fault hook (src/run/faults.ts)
    // can hold each at step 4096 until the test lets it go: the first is let go and finishes, the second is killed
    // mid-run; the speed of the machine decides nothing.
    const round2 = runIds(one)
      .filter(([, k]) => k === 2)
      .map(([id]) => String(id));
    expect(round2.length).toBeGreaterThan(2);
    const release = (id: string) => join(dir, `release-${id}`);
    const faults = Object.fromEntries(round2.map((id) => [id, { hold_at_step: 1, release_file: release(id) }]));
    const child = startCli(['refine', dir, ...FLAGS, '--rounds', '3', '--workers', '1', '--progress', 'none'], {
      LNSWEEP_FAULTS: JSON.stringify(faults),
    });
    const heldIds = () => round2.filter((id) => existsSync(`${release(id)}.held-${id}`));
    const until = async (cond: () => boolean) => {
      while (!cond()) {
        if (child.exitCode !== null) throw new Error(`refine ended first:\n${child.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(() => heldIds().length === 1);
    const [first] = heldIds();
    writeFileSync(release(first), '');
    await until(() => existsSync(join(dir, 'runs', `${first}.arrow`)) && heldIds().length === 2);
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');
    const before = timesDone(dir);
    const resumed = refine(dir, ...FLAGS, '--rounds', '3', '--workers', '2');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runIds(dir)).toEqual(runIds(one));
    expect(boundaryBytes(dir).equals(boundaryBytes(one))).toBe(true);
    const after = timesDone(dir);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    for (const id of before.keys()) expect(after.get(id)).toBe(1);
  });

  it('with --plan-only adds one round at a time and runs nothing; the rounds are the same', () => {
    const dir = runInto(SMOOTH_5X5, undefined, 2);
    const planned = refine(dir, ...FLAGS, '--rounds', '3', '--plan-only');
    expect(planned.code, planned.stderr).toBe(0);
    const round1 = readPlanFile(dir).runs.filter((r) => r.refine_round === 1);
    expect(round1.length).toBeGreaterThan(0);
    expect(round1.some((r) => existsSync(join(dir, 'runs', `${r.run_id}.arrow`)))).toBe(false);
    // round 1 is not done: asking again adds nothing
    const waiting = refine(dir, ...FLAGS, '--rounds', '3', '--plan-only');
    expect(waiting.code).toBe(0);
    expect(waiting.stderr).toContain('not finished');
    expect(readPlanFile(dir).runs).toHaveLength(25 + round1.length);
    const rest = refine(dir, ...FLAGS, '--rounds', '3', '--workers', '2');
    expect(rest.code, rest.stderr).toBe(0);
    expect(runIds(dir)).toEqual(runIds(one));
    expect(boundaryBytes(dir).equals(boundaryBytes(one))).toBe(true);
  });
});
