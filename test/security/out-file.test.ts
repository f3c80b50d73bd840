/**
 * `--out FILE` of report and phase writes only to a regular file or a new name (issue 22, severe 2: as root, `--out
 * /dev/null` and `--out /dev/full` turned both devices into regular files; a FIFO or a symlink was replaced too).
 * The device here is a node of our own (mknod, as root), never the machine's /dev/null.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const SWEEP = `name: outfile
seed: 1
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 300, log_every: 100 }
grid: { sigma: [0, 1], alpha: [1, 2] }
`;

const IS_ROOT = process.getuid?.() === 0;

describe('--out FILE of report and phase', () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const made = runCli(['run', writeSweep(dir, 'outfile', SWEEP), '--out', out, '--workers', '1']);

  const commands: [string, (target: string) => string[]][] = [
    ['report', (target) => ['report', out, '--out', target]],
    ['phase', (target) => ['phase', out, '--x', 'sigma', '--y', 'alpha', '--z', 'final_test_loss', '--out', target]],
  ];

  /** Things that are not regular files, each with a check that it is still what it was. */
  function specials(where: string): [string, string, string, () => void][] {
    mkdirSync(where);
    const fifo = join(where, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const target = join(where, 'target.txt');
    writeFileSync(target, 'keep me');
    const link = join(where, 'link.html');
    symlinkSync(target, link);
    const folder = join(where, 'folder');
    mkdirSync(folder);
    // a character device like /dev/null (major 1, minor 3), made here: the test must not risk the machine's own
    const device = IS_ROOT ? join(where, 'null') : '/dev/null';
    if (IS_ROOT) expect(spawnSync('mknod', [device, 'c', '1', '3']).status).toBe(0);
    return [
      [fifo, 'a FIFO (named pipe)', 'FIFO', () => expect(lstatSync(fifo).isFIFO()).toBe(true)],
      [
        link,
        `a symbolic link (to ${target}); give the file it points to, or a new name`,
        'symlink',
        () => {
          expect(readlinkSync(link)).toBe(target);
          expect(readFileSync(target, 'utf8')).toBe('keep me');
        },
      ],
      [folder, 'a folder, not a file; give a file name', 'folder', () => expect(lstatSync(folder).isDirectory()).toBe(true)],
      [device, 'a device', 'device', () => expect(lstatSync(device).isCharacterDevice()).toBe(true)],
    ];
  }

  for (const [name, args] of commands) {
    it(`${name} refuses a FIFO, a symbolic link, a folder and a device in one line, exit 2, leaving each as it was`, () => {
      expect(made.code, made.stderr).toBe(0);
      for (const [path, what, kind, unchanged] of specials(join(dir, `specials-${name}`))) {
        const r = runCli(args(path));
        expect(r.code, `${kind}: ${r.stderr}`).toBe(2);
        expect(r.stderr.trim().split('\n'), kind).toHaveLength(1);
        expect(r.stderr, kind).toContain(`[io] ${path}: ${what}; lnsweep writes only to a regular file or a new name, so nothing was changed`);
        unchanged();
      }
    });

    it(`${name} writes a new name, replaces a regular file, and refuses a name whose folder is missing`, () => {
      expect(made.code, made.stderr).toBe(0);
      const fresh = join(dir, `new-${name}.out`);
      expect(runCli(args(fresh)).code).toBe(0);
      expect(lstatSync(fresh).isFile()).toBe(true);
      writeFileSync(fresh, 'old');
      expect(runCli(args(fresh)).code).toBe(0);
      expect(readFileSync(fresh, 'utf8')).not.toBe('old');
      const nowhere = join(dir, 'no-such-folder', 'x.out');
      const r = runCli(args(nowhere));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`[io] ${nowhere}: its folder ${join(dir, 'no-such-folder')} does not exist`);
    });
  }
});
