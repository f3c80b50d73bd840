import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummary } from '../../src/io/index.js';
import { runCli, startCli, exited, tempDir, writeSweep } from '../helpers.js';

const sweep = (name: string, seed: number, sigmas = '1') => `name: ${name}
seed: ${seed}
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 1000, log_every: 500 }
grid: { sigma: [${sigmas}] }
replicates: 2
`;

const planIds = (out: string): string[] =>
  (JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { runs: { run_id: string }[] }).runs.map((r) => r.run_id).sort();
const summaryIds = (out: string) =>
  readSummary(join(out, 'summary.arrow'))
    .map((r) => r.run_id)
    .sort();

describe('a folder holds one sweep unless asked otherwise', () => {
  it('refuses another sweep, changes nothing; --add runs it beside and status and merge see both', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const a = writeSweep(dir, 'a', sweep('alpha', 1));
    const b = writeSweep(dir, 'b', sweep('beta', 2));
    expect(runCli(['run', a, '--out', out]).code).toBe(0);
    const before = readFileSync(join(out, 'plan.json'), 'utf8');

    const refused = runCli(['run', b, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`${out} holds sweep 'alpha' (seed 1`);
    expect(refused.stderr).toContain('--add');
    expect(readFileSync(join(out, 'plan.json'), 'utf8')).toBe(before);

    const added = runCli(['run', b, '--out', out, '--add']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('2 runs, 0 already finished, 2 to do');
    expect(planIds(out)).toHaveLength(4);
    expect(runCli(['status', out]).stdout).toContain('alpha: 4 runs: 4 done');
    const merge = runCli(['merge', out]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(summaryIds(out)).toEqual(planIds(out));

    // the folder's own sweep again keeps the added runs; the added one again finds its runs done
    expect(runCli(['run', a, '--out', out]).stderr).toContain('4 runs, 4 already finished, 0 to do');
    expect(runCli(['run', b, '--out', out, '--add']).stderr).toContain('2 runs, 2 already finished, 0 to do');
    expect(planIds(out)).toHaveLength(4);
  });

  it('an added run computes with its own sweep seed: equal to running that sweep alone', () => {
    const dir = tempDir();
    const shared = join(dir, 'shared');
    const alone = join(dir, 'alone');
    const a = writeSweep(dir, 'a', sweep('alpha', 1));
    const b = writeSweep(dir, 'b', sweep('beta', 2));
    expect(runCli(['run', a, '--out', shared]).code).toBe(0);
    expect(runCli(['run', b, '--out', shared, '--add']).code).toBe(0);
    expect(runCli(['run', b, '--out', alone]).code).toBe(0);
    const finals = (out: string, ids: string[]) =>
      readSummary(join(out, 'summary.arrow'))
        .filter((r) => ids.includes(r.run_id))
        .map((r) => [r.run_id, r.final.test_loss])
        .sort();
    const bIds = planIds(alone);
    expect(finals(shared, bIds)).toEqual(finals(alone, bIds));
    expect(finals(shared, bIds)).toHaveLength(2);
  });

  it('the same sweep edited keeps runs marked refined or added, and drops its own dropped runs from the plan', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const path = writeSweep(dir, 'a', sweep('alpha', 1, '1, 2'));
    expect(runCli(['run', path, '--out', out]).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as {
      runs: { run_id: string; params: { sigma: number }; refine_round?: number }[];
    };
    const refined = plan.runs.find((r) => r.params.sigma === 2)!;
    refined.refine_round = 1;
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
    const droppedOwn = plan.runs.filter((r) => r.params.sigma === 2 && r !== refined).map((r) => r.run_id);

    writeSweep(dir, 'a', sweep('alpha', 1, '1'));
    const again = runCli(['run', path, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    const ids = planIds(out);
    expect(ids).toContain(refined.run_id);
    for (const id of droppedOwn) expect(ids).not.toContain(id);
    expect(ids).toHaveLength(3);
  });
});

/** Resolves once the child's output contains `text`; rejects if the child exits first. */
function waitFor(child: ReturnType<typeof startCli>, text: string): Promise<void> {
  return new Promise((res, rej) => {
    const poll = setInterval(() => {
      if (child.output().includes(text)) {
        clearInterval(poll);
        res();
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        rej(new Error(`exited (${child.exitCode}) before printing "${text}":\n${child.output()}`));
      }
    }, 50);
  });
}

describe('two coordinators on one folder', () => {
  it('the second is refused while the first runs, naming its pid and host; a killed holder is taken over', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    // its runs are held mid-run by the fault hook (src/run/faults.ts) and never released: the first coordinator is
    // certainly alive, holding the lock, while the test looks, however fast the machine
    const slow = writeSweep(
      dir,
      'slow',
      `name: slow
seed: 1
base: { n: 30, d: 6, width: 40, lr: 0.01, steps: 10000, log_every: 5000 }
replicates: 2
`,
    );
    const hold = { LNSWEEP_FAULTS: JSON.stringify({ '*': { hold_at_step: 1, release_file: join(dir, 'never-released') } }) };
    const first = startCli(['run', slow, '--out', out, '--workers', '1', '--progress', 'plain'], hold);
    await waitFor(first, 'to do');
    const second = runCli(['run', slow, '--out', out, '--workers', '1']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`is in use by another lnsweep command (run, pid ${first.pid} on ${hostname()}`);
    expect(second.stderr).not.toContain('to do');
    first.kill('SIGKILL');
    await exited(first);

    // the holder's pid is dead on this host: its lock is stale and the next coordinator takes it
    const third = startCli(['run', slow, '--out', out, '--workers', '1', '--progress', 'plain'], hold);
    await waitFor(third, 'to do');
    third.kill('SIGKILL');
    await exited(third);
    expect(third.output()).toContain('2 runs, 0 already finished, 2 to do');
    expect(third.output()).not.toContain('in use');
  });
});

describe('a plan.json of the wrong shape', () => {
  it('is bad input for status, merge and run: one line naming the file, exit 2', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const a = writeSweep(dir, 'a', sweep('alpha', 1));
    expect(runCli(['run', a, '--out', out]).code).toBe(0);
    for (const content of ['null', '{"runs": 5}', '{"name": "alpha", "seed": 1, "runs": [5]}']) {
      writeFileSync(join(out, 'plan.json'), content);
      for (const args of [
        ['status', out],
        ['merge', out],
        ['run', a, '--out', out],
      ]) {
        const r = runCli(args);
        expect(r.code, `${args[0]} with ${content}: ${r.stderr}`).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(`${join(out, 'plan.json')}: not a plan lnsweep wrote`);
      }
    }
  });
});

describe('planForFolder on a plan.json that holds the incoming plan', () => {
  it('takes the incoming plan itself (nothing parsed or merged); a plan.json with a refined run beside it keeps that run', async () => {
    const { planSweep } = await import('../../src/sweep/index.js');
    const { writePlanFile } = await import('../../src/io/index.js');
    const { planForFolder } = await import('../../src/run/ownership.js');
    const dir = tempDir();
    const out = dir;
    const incoming = planSweep(writeSweep(dir, 'a', sweep('alpha', 1, '1, 2')));
    writePlanFile(out, { ...incoming, provenance: { host: 'node-1' } });
    const held = planForFolder(out, incoming, { fresh: false, add: false });
    expect(held.plan).toBe(incoming);
    expect(held.runs).toBe(incoming.runs);

    const refined = { ...incoming.runs[0], run_id: 'ffffffffffffffff', refine_round: 1 };
    writePlanFile(out, { ...incoming, runs: [...incoming.runs, refined] });
    const kept = planForFolder(out, incoming, { fresh: false, add: false });
    expect(kept.plan.runs.map((r) => r.run_id)).toEqual([...incoming.runs.map((r) => r.run_id), refined.run_id]);
  });
});
