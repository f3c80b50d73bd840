/**
 * phase and report draw only this folder's runs (issue 22, item 6: a summary.arrow copied from another sweep with
 * the same axes was drawn by phase, every cell "diverged" while status said 4 done; report failed on a missing run
 * file). And phase on a folder with no results says so (the minor list: it said "nothing varies"), and report says
 * it has no summary (it said the summary lacked columns).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummary } from '../../src/io/index.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const sweep = (seed: number, divergeLoss: number) => `name: foreign
seed: ${seed}
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 300, log_every: 100, diverge_loss: ${divergeLoss} }
grid: { sigma: [0, 1], alpha: [1, 2] }
`;

const PHASE = ['--x', 'sigma', '--y', 'alpha', '--z', 'final_test_loss'];

describe("a summary.arrow that is not the folder's own", () => {
  it('is refused by phase and report in one line naming it and a run, and merge makes the folder drawable again', () => {
    const dir = tempDir();
    const mine = join(dir, 'mine');
    const other = join(dir, 'other');
    expect(runCli(['run', writeSweep(dir, 'mine', sweep(1, 1e6)), '--out', mine]).code).toBe(0);
    // the other sweep: the same axes, every run diverged
    expect(runCli(['run', writeSweep(dir, 'other', sweep(2, 1e-9)), '--out', other]).code).toBe(0);
    expect(readSummary(join(other, 'summary.arrow')).every((r) => r.status === 'diverged')).toBe(true);
    copyFileSync(join(other, 'summary.arrow'), join(mine, 'summary.arrow'));
    expect(runCli(['status', mine]).stdout).toContain('4 runs: 4 done, 0 diverged');

    const foreignId = readSummary(join(other, 'summary.arrow'))[0].run_id;
    for (const args of [
      ['phase', mine, ...PHASE],
      ['report', mine],
    ]) {
      const r = runCli(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), args[0]).toHaveLength(1);
      expect(r.stderr).toContain(
        `${join(mine, 'summary.arrow')} holds run "${foreignId}" which plan.json does not have: it is not this folder's summary (copied from another sweep?); ` +
          `\`lnsweep merge ${mine}\` rebuilds it from the run files`,
      );
    }
    expect(existsSync(join(mine, 'report.html'))).toBe(false);
    expect(existsSync(join(mine, 'phase-final_test_loss-sigma-alpha.svg'))).toBe(false);

    expect(runCli(['merge', mine]).code).toBe(0);
    const drawn = runCli(['phase', mine, ...PHASE]);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(readFileSync(join(mine, 'phase-final_test_loss-sigma-alpha.svg'), 'utf8')).not.toContain('diverged');
  });

  it('naming a run finished whose run file is gone is refused too', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect(runCli(['run', writeSweep(dir, 'mine', sweep(1, 1e6)), '--out', out]).code).toBe(0);
    const gone = readSummary(join(out, 'summary.arrow'))[2].run_id;
    rmSync(join(out, 'runs', `${gone}.arrow`));
    const r = runCli(['phase', out, ...PHASE]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${join(out, 'summary.arrow')} holds run "${gone}" as done, but its run file is missing`);
  });

  it('phase on a folder with a plan and no results says there is nothing to draw yet', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    mkdirSync(out);
    const plan = runCli(['plan', writeSweep(dir, 'mine', sweep(1, 1e6)), '--json']);
    writeFileSync(join(out, 'plan.json'), plan.stdout);
    const r = runCli(['phase', out, ...PHASE]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(`${out}: no finished or failed runs yet; nothing to draw`);
    // report draws every cell as pending, and says there is no summary rather than that it lacks columns
    const report = runCli(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toContain('[lnsweep] note: no summary.arrow yet; read the run files (`lnsweep merge` writes it)');
    expect(report.stderr).not.toContain('lacks the analysis columns');
  });
});
