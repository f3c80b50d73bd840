/**
 * Verified stamps (src/io/out-folder/stamps.ts, docs/formats.md "Verified stamps"): `run` records in summary.arrow the
 * stamp of every finished run's files; a later `status` or `run` takes the summary's row while the stamp holds and
 * opens no run file, and reads and checks again a file whose stamp changed — also one put back with the same size
 * and mtime (same bytes count, `touch -r`), whether by a rename (another inode) or in place (another ctime).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  mergeOutDir,
  metricsPath,
  readArrowFile,
  readOutDir,
  readPlan,
  readSummaryVerified,
  runFilePath,
  runStamp,
  summaryPath,
  sweepStatus,
} from '../../src/io/index.js';
import { divergingSweep, runCli, tempDir, writeSweep } from '../helpers.js';

/** Every file of runs/ the code under test reads or opens, by path. */
const opened = vi.hoisted(() => new Map<string, number>());
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const count = (path: unknown) => {
    if (String(path).includes('/runs/')) opened.set(String(path), (opened.get(String(path)) ?? 0) + 1);
  };
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    count(path);
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  const openSync = ((path: unknown, ...rest: unknown[]) => {
    count(path);
    return (fs.openSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.openSync;
  return { ...fs, default: { ...fs, readFileSync, openSync }, readFileSync, openSync };
});

function finishedFolder(): { sweep: string; out: string } {
  const dir = tempDir('lnsweep-stamps-');
  const sweep = writeSweep(dir, 'st', divergingSweep('st'));
  const out = join(dir, 'out');
  const r = runCli(['run', sweep, '--out', out, '--progress', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return { sweep, out };
}

/** The bytes of a run file with its leading magic broken: the same size, unreadable as Arrow. */
const broken = (path: string): Buffer => {
  const bytes = readFileSync(path);
  bytes.write('XXXXXX', 0, 'latin1');
  return bytes;
};

/** size, mtime (ns), ino and ctime (ns) of a file */
const statOf = (path: string) => {
  const s = statSync(path, { bigint: true });
  return { size: s.size, mtime: s.mtimeNs, ino: s.ino, ctime: s.ctimeNs };
};

describe('verified stamps', () => {
  it("records every finished run's stamp in the summary; an unchanged folder's status opens no run file", () => {
    const { out } = finishedFolder();
    const { rows, stamps } = readSummaryVerified(summaryPath(out));
    const finished = rows.filter((r) => r.status !== 'failed');
    expect(finished.length).toBe(6);
    expect([...stamps.keys()].sort()).toEqual(finished.map((r) => r.run_id).sort());
    for (const r of finished) expect(stamps.get(r.run_id)).toBe(runStamp(out, r.run_id));

    opened.clear();
    const s = sweepStatus(out);
    expect([s.done + s.diverged, s.corrupt, s.pending]).toEqual([6, 0, 0]);
    expect([...opened.keys()]).toEqual([]);

    // the counter sees a read: a file whose stamp changed (touched, same content) is read again, and only it
    const one = runFilePath(out, finished[0].run_id);
    execFileSync('touch', [one]);
    opened.clear();
    expect(sweepStatus(out).corrupt).toBe(0);
    expect([...opened.keys()]).toEqual([one]);
  });

  it('re-verifies a run file replaced under the same size and mtime by another inode', () => {
    const { out } = finishedFolder();
    const id = readSummaryVerified(summaryPath(out)).rows.find((r) => r.status === 'done')!.run_id;
    const path = runFilePath(out, id);
    const before = statOf(path);
    const aside = `${path}.aside`;
    writeFileSync(aside, broken(path));
    execFileSync('touch', ['-r', path, aside]);
    renameSync(aside, path);
    const after = statOf(path);
    expect([after.size, after.mtime]).toEqual([before.size, before.mtime]);
    expect(after.ino).not.toBe(before.ino);

    expect(sweepStatus(out).corrupt).toBe(1);
    expect(runCli(['status', out]).stdout).toContain('1 unreadable run file(s)');
  });

  it('re-verifies a run file rewritten in place, its size and mtime put back (only its ctime differs)', () => {
    const { sweep, out } = finishedFolder();
    const id = readSummaryVerified(summaryPath(out)).rows.find((r) => r.status === 'done')!.run_id;
    const path = runFilePath(out, id);
    const reference = `${path}.times`;
    writeFileSync(reference, '');
    execFileSync('touch', ['-r', path, reference]);
    const before = statOf(path);
    writeFileSync(path, broken(path));
    execFileSync('touch', ['-r', reference, path]);
    const after = statOf(path);
    expect([after.size, after.mtime, after.ino]).toEqual([before.size, before.mtime, before.ino]);
    expect(after.ctime).not.toBe(before.ctime);

    const view = readOutDir(out, readPlan(out), { repair: false });
    expect(view.scan.corrupt.map((c) => c.runId)).toEqual([id]);
    expect(view.scan.corrupt[0].reason).toContain(path);
    // `run` finds it too, redoes that run only, and records the new file's stamp
    const rerun = runCli(['run', sweep, '--out', out, '--progress', 'none']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`run ${id}: unreadable run file`);
    expect(rerun.stderr).toContain('1 to do');
    expect(readSummaryVerified(summaryPath(out)).stamps.get(id)).toBe(runStamp(out, id));
  });

  it('merge records the stamps of the run files it read, so status after it opens none; a broken file is left out', async () => {
    const { out } = finishedFolder();
    const ids = readSummaryVerified(summaryPath(out))
      .rows.filter((r) => r.status === 'done')
      .map((r) => r.run_id);
    // without a summary every run file is read, by merge once each
    rmSync(summaryPath(out));
    opened.clear();
    expect((await mergeOutDir(out, {})).skipped).toEqual([]);
    expect([...opened.values()].every((n) => n === 1)).toBe(true);
    expect(opened.size).toBe(6);
    opened.clear();
    expect(sweepStatus(out).corrupt).toBe(0);
    expect([...opened.keys()]).toEqual([]);

    // rewritten in place, size and mtime put back: read again, found broken, left out of both tables
    const path = runFilePath(out, ids[1]);
    const reference = `${path}.times`;
    writeFileSync(reference, '');
    execFileSync('touch', ['-r', path, reference]);
    writeFileSync(path, broken(path));
    execFileSync('touch', ['-r', reference, path]);
    const merged = await mergeOutDir(out, {});
    expect(merged.skipped.map((s) => s.runId)).toEqual([ids[1]]);
    expect(readArrowFile(metricsPath(out)).getChild('run_id')!.toArray()).not.toContain(ids[1]);
    expect(readSummaryVerified(summaryPath(out)).rows.map((r) => r.run_id)).not.toContain(ids[1]);
  });
});
