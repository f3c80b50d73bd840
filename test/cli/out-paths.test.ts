import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { expectRefusal, runCliFor } from './helpers.js';

const SWEEP = `name: paths
seed: 5
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }
replicates: 2
`;

describe('every problem with the output folder is exit 2, one line naming the path', () => {
  const dir = tempDir();
  const sweep = writeSweep(dir, 'paths', SWEEP);
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'not a folder');
  const dangling = join(dir, 'dangling');
  symlinkSync(join(dir, 'nowhere'), dangling);
  const cases: [string, string][] = [
    ['a file', aFile],
    ['a dangling symbolic link', dangling],
    ['/dev/null', '/dev/null'],
    ['/proc/self (it used to spin forever)', '/proc/self'],
  ];
  for (const [what, out] of cases) {
    it(`--out ${what}`, () => {
      expectRefusal(runCliFor(['run', sweep, '--out', out], { timeoutMs: 30_000 }), `--out ${out}`);
    });
  }

  it('a 300-character sweep name: refused, and no empty out/ left behind', () => {
    const cwd = join(dir, 'long-name');
    mkdirSync(cwd);
    const long = writeSweep(cwd, 'long', SWEEP.replace('name: paths', `name: ${'a'.repeat(300)}`));
    const r = runCliFor(['run', long], { cwd });
    expectRefusal(r, /ENAMETOOLONG|too long/);
    expect(r.stderr).toContain('--out out/aaaa');
    expect(readdirSync(cwd)).toEqual(['long.yaml']);
  });

  describe('on a read-only file system', () => {
    const ro = join(dir, 'ro');
    const done = join(dir, 'done');
    const roDone = join(dir, 'ro-done');
    mkdirSync(ro);
    mkdirSync(roDone);
    const tmpfs = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro', 'tmpfs', ro], { encoding: 'utf8' });
    // A finished folder, then the same folder seen through a read-only bind mount (root ignores file modes).
    const first = runCli(['run', sweep, '--out', done]);
    const bind = spawnSync('sh', ['-c', `mount --bind "${done}" "${roDone}" && mount -o remount,ro,bind "${roDone}"`], { encoding: 'utf8' });
    afterAll(() => {
      if (bind.status === 0) spawnSync('umount', [roDone]);
      if (tmpfs.status === 0) spawnSync('umount', [ro]);
    });

    it('--out inside it', () => {
      expect(tmpfs.status, `mount a read-only tmpfs (needs root): ${tmpfs.stderr}`).toBe(0);
      const r = runCliFor(['run', sweep, '--out', join(ro, 'out')]);
      expectRefusal(r, `--out ${join(ro, 'out')}`);
      expect(r.stderr).toMatch(/read-only|EROFS/);
    });

    it('--fresh on a folder there deletes nothing and says why', () => {
      expect(first.code, first.stderr).toBe(0);
      expect(bind.status, `read-only bind mount (needs root): ${bind.stderr}`).toBe(0);
      const before = readdirSync(join(roDone, 'runs')).sort();
      const r = runCliFor(['run', sweep, '--out', roDone, '--fresh']);
      expectRefusal(r, `--out ${roDone}`);
      expect(r.stderr).toMatch(/read-only|EROFS/);
      expect(readdirSync(join(roDone, 'runs')).sort()).toEqual(before);
    });
  });
});

describe('plan.json of valid JSON but the wrong shape', () => {
  for (const text of ['null', '{"runs": 5}', '[]', '{"name": "x", "runs": [5]}']) {
    for (const command of [['status'], ['merge'], ['report'], ['phase', '--x', 'sigma', '--y', 'lr', '--z', 'final_test_loss']]) {
      it(`${command[0]} refuses ${text}`, () => {
        const dir = tempDir();
        writeFileSync(join(dir, 'plan.json'), text);
        const r = runCliFor([command[0], dir, ...command.slice(1)]);
        expectRefusal(r, join(dir, 'plan.json'));
        expect(existsSync(join(dir, 'summary.arrow'))).toBe(false);
      });
    }
  }
});
