/**
 * LiveFolder (src/io/out-folder/live.ts): a folder read as it changes gives the same rows and counts as reading it
 * whole; its first look takes the summary's rows for runs whose files keep the stamp the summary recorded, and reads
 * the others; journal
 * lines count once whole, a line still being written waits.
 */
import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveFolder, readOutDir, readPlan, readSummaryVerified, runFilePath, summaryPath, sweepStatus, writeSummary } from '../../src/io/index.js';
import { divergingSweep, runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = divergingSweep('lf');

function finishedFolder(): string {
  const dir = tempDir('lnsweep-live-');
  const out = join(dir, 'out');
  const r = runCli(['run', writeSweep(dir, 'lf', SWEEP), '--out', out, '--progress', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe('LiveFolder', () => {
  it('gives the rows and counts of reading the folder whole', () => {
    const out = finishedFolder();
    const live = new LiveFolder(out);
    expect(live.refresh()).toEqual({ changed: true, more: false });
    const whole = readOutDir(out, readPlan(out), { repair: false }).rows;
    // keys sorted (a summary's extra columns come back in name order), NaN spelled out (JSON has none)
    const key = (r: { run_id: string; status: string; final: object; extra?: object }) =>
      JSON.stringify([r.run_id, r.status, r.final, r.extra], (_k, v: unknown) =>
        typeof v === 'number' && Number.isNaN(v)
          ? 'NaN'
          : v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).sort())
            : v,
      );
    expect(live.rows().map(key).sort()).toEqual(whole.map(key).sort());
    const s = live.status();
    const st = sweepStatus(out);
    expect([s.total, s.done, s.diverged, s.failed, s.pending]).toEqual([st.total, st.done, st.diverged, st.failed, st.pending]);
    expect(s.problems.map((p) => [p.status, p.reason, p.count])).toEqual(st.problems.map((p) => [p.status, p.reason, p.count]));
    // nothing changed: nothing to do
    expect(live.refresh()).toEqual({ changed: false, more: false });
  });

  it("takes the summary's row for a run whose files keep the stamp it recorded, and reads a changed run file itself", async () => {
    const out = finishedFolder();
    const { rows, stamps } = readSummaryVerified(summaryPath(out));
    // a summary whose rows all say 0.123, with the stamps of the files as they are: the live folder believes it
    await writeSummary(
      summaryPath(out),
      rows.map((r) => ({ ...r, final: { ...r.final, test_loss: 0.123 } })),
      {},
      stamps,
    );
    const changed = rows.find((r) => r.status === 'done')!;
    // a later mtime changes the stamp (so does any write): that file is read again
    const later = Date.now() / 1000 + 60;
    utimesSync(runFilePath(out, changed.run_id), later, later);
    const live = new LiveFolder(out);
    live.refresh();
    const seen = live.rows();
    expect(seen).toHaveLength(rows.length);
    expect(seen.find((r) => r.run_id === changed.run_id)!.final.test_loss).toBe(changed.final.test_loss);
    expect(changed.final.test_loss).not.toBe(0.123);
    // every other row from the summary: no run file is read to check its columns
    expect(seen.filter((r) => r.final.test_loss === 0.123).length).toBe(rows.length - 1);
    // a summary without stamps (written by an older version) is not believed at all
    await writeSummary(
      summaryPath(out),
      rows.map((r) => ({ ...r, final: { ...r.final, test_loss: 0.123 } })),
      {},
    );
    const again = new LiveFolder(out);
    again.refresh();
    expect(again.rows().filter((r) => r.final.test_loss === 0.123)).toEqual([]);
  });

  it('counts a journal line once it is whole, and reads plan.json again when it changes', () => {
    const out = finishedFolder();
    const live = new LiveFolder(out);
    live.refresh();
    const start = live.status();
    // the plan gains a run (as refine adds rounds); its failure is being written to the journal
    const plan = readPlan(out);
    plan.runs.push({ ...plan.runs[0], run_id: 'ffffffffffffffff' });
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
    const line = JSON.stringify({
      t: new Date().toISOString(),
      event: 'run_failed',
      run_id: 'ffffffffffffffff',
      status: 'failed',
      error: 'E: x',
      engine: '',
    });
    appendFileSync(join(out, 'journal.jsonl'), line.slice(0, 20));
    live.refresh();
    expect([live.status().total, live.status().pending, live.status().failed]).toEqual([start.total + 1, 1, start.failed]);
    appendFileSync(join(out, 'journal.jsonl'), line.slice(20) + '\n');
    expect(live.refresh().changed).toBe(true);
    expect([live.status().pending, live.status().failed]).toEqual([0, start.failed + 1]);
    expect(live.status().problems.find((p) => p.status === 'failed')?.all_run_ids).toEqual(['ffffffffffffffff']);
  });
});
