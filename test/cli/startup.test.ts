import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempDir, writeSweep } from '../helpers.js';

const HEAVY = ['apache-arrow', 'vega', 'vega-lite', '@tensorflow', 'bullmq', 'ioredis', 'piscina', 'parquet-wasm'];

/** The packages (under node_modules) a command loads, recorded by a module loader hook. */
function packagesLoaded(args: string[]): { code: number | null; packages: Set<string>; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-imports-'));
  const file = join(dir, 'imports.txt');
  try {
    const r = spawnSync(process.execPath, ['--import', join(REPO, 'test', 'cli', 'record-imports.mjs'), CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, LNSWEEP_IMPORTS_FILE: file, CI: 'true' },
      timeout: 60_000,
    });
    const urls = readFileSync(file, 'utf8').split('\n');
    const packages = new Set<string>();
    for (const u of urls) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
      if (m) packages.add(m[1].startsWith('@tensorflow') ? '@tensorflow' : m[1]);
    }
    return { code: r.status, packages, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('each command loads only what it uses', () => {
  const dir = tempDir();
  const sweep = writeSweep(dir, 'tiny', `name: tiny\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\n`);
  const cases: [string, string[], string[]][] = [
    ['--help', ['--help'], HEAVY],
    ['--version', ['--version'], HEAVY],
    ['plan', ['plan', sweep], HEAVY],
    ['a refused flag', ['run', sweep, '--workers', 'abc'], HEAVY],
    ['a refused sweep file', ['run', join(dir, 'missing.yaml')], HEAVY],
  ];
  for (const [what, args, forbidden] of cases) {
    it(`${what} loads none of ${forbidden.join(', ')}`, () => {
      const r = packagesLoaded(args);
      expect(r.packages.has('yargs'), 'the hook saw the CLI load').toBe(true);
      expect([...r.packages].filter((p) => forbidden.includes(p))).toEqual([]);
    });
  }

  it('status loads Arrow (it reads run files) but no plotting, tfjs, queue or pool', () => {
    const out = join(dir, 'out');
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const r = packagesLoaded(['status', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.packages.has('apache-arrow')).toBe(true);
    expect([...r.packages].filter((p) => ['vega', 'vega-lite', '@tensorflow', 'bullmq', 'ioredis', 'piscina'].includes(p))).toEqual([]);
  });
});

describe('the built bin', () => {
  it('is executable after `npm run build` and runs as a program', () => {
    // npm test builds first, so this checks what the build script leaves behind.
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    const r = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
