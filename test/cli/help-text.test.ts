/**
 * `lnsweep --help` comes from what the build rendered (src/cli/prebuilt-help.ts, scripts/help-text.mjs), without
 * yargs: it must be exactly what yargs prints for the same command table wherever it is used, and yargs must still
 * render it where the two would differ (a terminal narrower than 80 columns, YARGS_DISABLE_WRAP).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, REPO } from '../helpers.js';
import { runCliFor } from './helpers.js';

/** The bundle file that holds src/cli/yargs-cli.ts (dist/bundle-meta.json). */
function yargsChunk(): string {
  const meta = JSON.parse(readFileSync(join(REPO, 'dist', 'bundle-meta.json'), 'utf8')) as Record<string, string[]>;
  const [file] = Object.entries(meta).find(([, inputs]) => inputs.includes('src/cli/yargs-cli.ts')) ?? [];
  if (!file) throw new Error('no bundle file holds src/cli/yargs-cli.ts: run `npm run build`');
  return join(REPO, 'dist', file);
}

/** `lnsweep ARGS` through a pseudo-terminal COLUMNS wide (`script`, util-linux), its output with \r\n as \n. */
function onTerminal(columns: number, args: string): string {
  const r = spawnSync('script', ['-qec', `stty cols ${columns}; ${process.execPath} ${CLI} ${args}`, '/dev/null'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replace(/\r\n/g, '\n');
}

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('lnsweep --help', () => {
  const prebuilt = runCliFor(['--help']);

  it("is, byte for byte, what yargs prints for the built command table (the bundle's own yargs path, on a pipe)", () => {
    expect(prebuilt.code, prebuilt.stderr).toBe(0);
    const script = `import(${JSON.stringify(pathToFileURL(yargsChunk()).href)}).then((m) => m.parseWithYargs(['--help'], async () => 0))`;
    const viaYargs = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(viaYargs.status, viaYargs.stderr).toBe(0);
    expect(viaYargs.stdout).toContain('lnsweep plan <sweep>');
    expect(prebuilt.stdout).toBe(viaYargs.stdout);
  });

  it('on a terminal 80 columns wide or wider, is the same text; on a narrower one yargs wraps it to the terminal', () => {
    expect(onTerminal(80, '--help')).toBe(prebuilt.stdout);
    expect(onTerminal(132, '--help')).toBe(prebuilt.stdout);
    const narrow = onTerminal(60, '--help');
    expect(narrow).toContain('lnsweep plan <sweep>');
    expect(widest(narrow)).toBeLessThanOrEqual(60);
    expect(widest(prebuilt.stdout)).toBeGreaterThan(60);
  });

  it('with YARGS_DISABLE_WRAP set, yargs prints it unwrapped', () => {
    const r = runCliFor(['--help'], { env: { YARGS_DISABLE_WRAP: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('lnsweep plan <sweep>');
    expect(widest(r.stdout)).toBeGreaterThan(80);
  });
});
