/**
 * Group commits (src/io/atomic.ts commitAside, src/run/group-commit.ts): files written aside are invisible under
 * their names until committed, a group that cannot be made durable names its file and leaves none of its files
 * named, and runs that finish while a commit is under way are committed together in the next one, each reported only
 * once its own commit has finished.
 */
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discardAside, isTempName, type PendingWrite } from '../../src/io/index.js';
import { commitAside, writeAllSync, writeBytesAside } from '../../src/io/atomic.js';
import { GroupCommitter } from '../../src/run/group-commit.js';
import type { RunOutcome } from '../../src/run/messages.js';
import { tempDir } from '../helpers.js';

const aside = (path: string, text: string): PendingWrite => writeBytesAside(path, (fd) => writeAllSync(fd, Buffer.from(text)));
const temps = (dir: string) => readdirSync(dir).filter(isTempName);

describe('files written aside, then committed in groups', () => {
  it('appear under their names only once committed, whole, with no temp file left', async () => {
    const dir = tempDir();
    const groups = ['a', 'b'].map((run) => [
      aside(join(dir, `${run}.neurons.arrow`), `${run} sidecar`),
      aside(join(dir, `${run}.arrow`), `${run} run`),
    ]);
    expect(readdirSync(dir).filter((f) => !isTempName(f))).toEqual([]);
    expect(temps(dir)).toHaveLength(4);

    expect(await commitAside(groups)).toEqual([null, null]);
    expect(readdirSync(dir).sort()).toEqual(['a.arrow', 'a.neurons.arrow', 'b.arrow', 'b.neurons.arrow']);
    expect(readFileSync(join(dir, 'b.neurons.arrow'), 'utf8')).toBe('b sidecar');
    expect(readFileSync(join(dir, 'a.arrow'), 'utf8')).toBe('a run');
  });

  it('a group one of whose files cannot be made durable names that file and names none of its files; the others commit', async () => {
    const dir = tempDir();
    const broken = [aside(join(dir, 'x.neurons.arrow'), 'x sidecar'), aside(join(dir, 'x.arrow'), 'x run')];
    const good = [aside(join(dir, 'y.arrow'), 'y run')];
    rmSync(broken[0].tmp); // its sidecar's bytes are gone before the commit: the fsync fails
    const [xError, yError] = await commitAside([broken, good]);
    expect(xError?.message).toContain(join(dir, 'x.neurons.arrow'));
    expect(yError).toBeNull();
    expect(existsSync(join(dir, 'x.arrow'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['y.arrow']);
  });

  it('an aside write is refused at a symbolic link and fails naming the file in a missing folder, leaving nothing', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'elsewhere.arrow'), join(dir, 'link.arrow'));
    expect(() => aside(join(dir, 'link.arrow'), 'x')).toThrow(/link\.arrow: a symbolic link/);
    const gone = join(dir, 'gone', 'r.arrow');
    expect(() => aside(gone, 'x')).toThrow(`${gone}: could not write: ENOENT`);
    expect(readdirSync(dir)).toEqual(['link.arrow']);
  });

  it('a writer that gives up before the commit leaves nothing behind', () => {
    const dir = tempDir();
    discardAside([aside(join(dir, 'z.arrow'), 'z')]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the executor’s group committer', () => {
  const outcome = (id: string): RunOutcome => ({
    type: 'result',
    run_id: id,
    status: 'done',
    error: null,
    steps_done: 10,
    wall_s: 0,
    write_s: 0,
    engine: 'native/dense',
    digest: null,
    prediction: null,
    pending: [{ path: `/nowhere/${id}.arrow`, tmp: `/nowhere/.${id}.tmp` }],
  });

  it('commits the runs that finished during a commit together in the next, each reported only after its own commit', async () => {
    const calls: string[][] = [];
    const durable = new Set<string>();
    let release = () => {};
    const committer = new GroupCommitter(async (groups) => {
      const ids = groups.map((g) => g[0].path.replace(/^\/nowhere\/|\.arrow$/g, ''));
      calls.push(ids);
      // the first commit is held until the test lets it go, so that b and c arrive while it is under way
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      for (const id of ids) durable.add(id);
      return ids.map(() => null);
    });
    const reported: string[] = [];
    const report = (p: Promise<RunOutcome>) =>
      p.then((o) => {
        expect(durable.has(o.run_id), `${o.run_id} reported before its commit`).toBe(true);
        expect(o.pending).toBeUndefined();
        reported.push(o.run_id);
      });
    const a = report(committer.commit(outcome('a')));
    await new Promise((r) => setImmediate(r));
    const rest = [report(committer.commit(outcome('b'))), report(committer.commit(outcome('c')))];
    await new Promise((r) => setImmediate(r));
    expect(reported).toEqual([]);
    release();
    await Promise.all([a, ...rest]);
    expect(calls).toEqual([['a'], ['b', 'c']]);
    expect(reported).toEqual(['a', 'b', 'c']);
  });

  it('a run whose files cannot be committed is reported failed, naming the file', async () => {
    const committer = new GroupCommitter((groups) => Promise.resolve(groups.map((g) => new Error(`${g[0].path}: could not write: ENOSPC`))));
    const o = await committer.commit(outcome('d'));
    expect(o.status).toBe('failed');
    expect(o.error).toContain('/nowhere/d.arrow: could not write: ENOSPC');
    expect(o.digest).toBeNull();
  });
});
