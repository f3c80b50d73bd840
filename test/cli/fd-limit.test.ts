/**
 * A low open-file limit (`ulimit -n`) is one clear line and exit 2, never an EMFILE stack from a module loader or a
 * segmentation fault: below 256 lnsweep refuses at start (dist/cli/fd-limit.js), and the bin checks the same limit in
 * /bin/sh before Node starts, since Node itself crashes below about 18 before any script runs. At 256 every command
 * works, the heaviest (report, 8 worker threads) included.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/errors.js';
import { MIN_OPEN_FILES, softOpenFileLimit } from '../../src/cli/fd-limit.js';
import { CLI, tempDir, writeSweep } from '../helpers.js';

/** `command` (shell words) run by bash under `ulimit -n limit`. */
function underLimit(limit: number, command: string) {
  const r = spawnSync('bash', ['-c', `ulimit -n ${limit} && exec ${command}`], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const refusal = (limit: number) =>
  `[lnsweep] too few file descriptors (ulimit -n ${limit}): lnsweep needs at least ${MIN_OPEN_FILES}; ` +
  "raise the limit (e.g. `ulimit -n 1024`, or the batch system's setting) and run again";

describe('a low ulimit -n', () => {
  it.each([32, 64, 255])('ulimit -n %i: node dist/cli/main.js --version says so in one line, exit 2', (limit) => {
    const r = underLimit(limit, `${process.execPath} ${CLI} --version`);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(refusal(limit) + '\n');
    expect(r.stdout).toBe('');
  });

  it.each([16, 12])('ulimit -n %i: the bin answers the same line from /bin/sh (Node would crash starting up)', (limit) => {
    const r = underLimit(limit, `${CLI} --version`);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(refusal(limit) + '\n');
  });

  it('ulimit -n 256 is enough for the heaviest commands: a run on 8 worker threads, then report', () => {
    const dir = tempDir();
    const sweep = writeSweep(
      dir,
      'fd',
      'name: fd\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\ngrid: { sigma: [0, 1, 2] }\n',
    );
    const out = join(dir, 'out');
    const run = underLimit(MIN_OPEN_FILES, `${CLI} run ${sweep} --out ${out} --workers 8 --progress none`);
    expect(run.code, run.stderr).toBe(0);
    const report = underLimit(MIN_OPEN_FILES, `${process.execPath} ${CLI} report ${out}`);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('report.html');
  });
});

describe('reading the limit', () => {
  const limits = (soft: string) =>
    `Limit                     Soft Limit           Hard Limit           Units\nMax cpu time              unlimited            unlimited            seconds\nMax open files            ${soft}                 4096                 files\n`;
  it.each([
    ['1024', 1024],
    ['32', 32],
    ['unlimited', Infinity],
  ])('/proc/self/limits with a soft limit of %s', (soft, expected) => {
    expect(softOpenFileLimit(limits(soft))).toBe(expected);
  });
  it('no such line (another system): unknown, so not checked', () => {
    expect(softOpenFileLimit('Max processes 100 100 processes\n')).toBeNull();
  });
});

it('an EMFILE that happens anyway names the limit, in one line', () => {
  const err = Object.assign(new Error("EMFILE: too many open files, open '/x/y.arrow'"), { code: 'EMFILE', syscall: 'open' });
  const { code, message } = describeFailure(err);
  expect(code).toBe(2);
  expect(message).toBe(
    "[lnsweep] too many open files (EMFILE): EMFILE: too many open files, open '/x/y.arrow'; raise the open-file limit (`ulimit -n`) and run again",
  );
});
