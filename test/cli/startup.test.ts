import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempDir, writeSweep } from '../helpers.js';

const HEAVY = ['apache-arrow', 'vega', 'vega-lite', '@tensorflow', 'bullmq', 'ioredis', 'piscina', 'parquet-wasm'];

interface Loaded {
  code: number | null;
  stderr: string;
  /** packages under node_modules, @tensorflow/* as one */
  packages: Set<string>;
  /** lnsweep's own modules, as source paths under src/ with .js (`sweep/spec.js`) */
  own: Set<string>;
  /** files of dist/ that were loaded and are not part of the bundle (tsc's module files) */
  unbundled: string[];
  /** files read from node_modules (packages left out of the bundle, scripts/bundle.mjs) */
  external: string[];
}

/** dist/bundle-meta.json (scripts/bundle.mjs): each bundle file, relative to dist/, → the source modules and packages it holds. */
const bundleMeta = (): Record<string, string[]> =>
  JSON.parse(readFileSync(join(REPO, 'dist', 'bundle-meta.json'), 'utf8')) as Record<string, string[]>;

/** The package of a path under node_modules (`node_modules/yargs/index.mjs` → yargs), @tensorflow/* as one; else null. */
function packageOf(path: string): string | null {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return m ? (m[1].startsWith('@tensorflow') ? '@tensorflow' : m[1]) : null;
}

/**
 * What a command loads, ES modules and CommonJS files alike, recorded by test/cli/record-imports.mjs. The CLI is a
 * bundle: a bundle file that was loaded counts as loading every source module and package it holds (from the
 * bundle's metafile), so what is pinned here is still which of lnsweep's modules and which packages a command reads.
 */
function loaded(args: string[]): Loaded {
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-imports-'));
  const file = join(dir, 'imports.txt');
  const meta = bundleMeta();
  try {
    const r = spawnSync(process.execPath, ['--import', join(REPO, 'test', 'cli', 'record-imports.mjs'), CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, LNSWEEP_IMPORTS_FILE: file, CI: 'true' },
      timeout: 60_000,
    });
    const urls = readFileSync(file, 'utf8').split('\n');
    const packages = new Set<string>();
    const own = new Set<string>();
    const unbundled: string[] = [];
    const external: string[] = [];
    const add = (path: string) => {
      const p = packageOf(path);
      if (p) packages.add(p);
      const s = /^src\/(.+)\.ts$/.exec(path);
      if (s) own.add(`${s[1]}.js`);
    };
    for (const u of urls) {
      const p = packageOf(u);
      if (p) packages.add(p);
      if (p && u.startsWith('file:')) external.push(u);
      const d = /\/dist\/(.+\.js)$/.exec(u);
      if (p || !d) continue;
      const inputs = meta[d[1]];
      if (inputs) inputs.forEach(add);
      else {
        own.add(d[1]);
        unbundled.push(d[1]);
      }
    }
    return { code: r.status, packages, own, unbundled, external, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** lnsweep's layers a command may load when it only reads a sweep file: the CLI, the sweep layer and the math. */
const outsideSweepPath = (own: Set<string>) => [...own].filter((f) => !/^(cli|sweep|core)\//.test(f)).sort();

describe('each command loads only what it uses', () => {
  const dir = tempDir();
  const sweep = writeSweep(dir, 'tiny', `name: tiny\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\n`);
  const malformed = writeSweep(dir, 'malformed', `name: bad\nseed: 1\nbase: { width: -3 }\n`);

  // --help and --version are answered without the argument parser (src/cli/prebuilt-help.ts): the CLI's own few
  // modules and no package at all, the floor every command pays.
  for (const args of [['--help'], ['--version']]) {
    it(`${args.join(' ')} loads no package, not even yargs, and only the CLI's modules`, () => {
      const r = loaded(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.own.has('cli/main.js'), 'the hook saw the CLI load').toBe(true);
      expect(r.unbundled, 'the CLI runs from its bundle').toEqual([]);
      expect([...r.packages]).toEqual([]);
      expect([...r.own].filter((f) => !f.startsWith('cli/')).sort()).toEqual([]);
    });
  }

  it('a missing sweep file given to run loads none of the heavy packages and no yargs', () => {
    const r = loaded(['run', join(dir, 'missing.yaml')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.unbundled).toEqual([]);
    expect([...r.packages].filter((p) => [...HEAVY, 'yargs'].includes(p))).toEqual([]);
  });

  it('plan loads yaml and no other package (no yargs), and no layer above the sweep layer', () => {
    const r = loaded(['plan', sweep]);
    expect(r.code, r.stderr).toBe(0);
    expect([...r.packages]).toEqual(['yaml']);
    // yaml is seen only through dist/sweep/yaml.script.js (bundle-meta.json): one script, not its ~70 CommonJS files
    expect(r.external, 'files read from node_modules').toEqual([]);
    expect(r.own.has('sweep/spec.js')).toBe(true);
    expect(outsideSweepPath(r.own)).toEqual([]);
  });

  it('a malformed sweep file given to run is refused having loaded only yaml, the CLI and the sweep layer', () => {
    const r = loaded(['run', malformed, '--out', join(dir, 'never')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('base.width: must be ≥ 1 (got -3)');
    expect([...r.packages]).toEqual(['yaml']);
    expect(outsideSweepPath(r.own)).toEqual([]);
  });

  it('a refused flag value loads no package and nothing beyond the CLI, not even the sweep layer', () => {
    const r = loaded(['run', sweep, '--workers', 'abc']);
    expect(r.code, r.stderr).toBe(2);
    expect([...r.packages]).toEqual([]);
    expect([...r.own].filter((f) => !f.startsWith('cli/')).sort()).toEqual([]);
  });

  it("a refused command line (an unknown option) is yargs' to explain: it loads yargs, and nothing heavy", () => {
    const r = loaded(['run', sweep, '--wokers', '2']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("did you mean '--workers'?");
    expect(r.packages.has('yargs')).toBe(true);
    expect([...r.packages].filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('status loads Arrow (it reads run files) but no yargs, YAML, plotting, tfjs, queue, pool, Parquet or the Phase I model', () => {
    const out = join(dir, 'out');
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const r = loaded(['status', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.packages.has('apache-arrow')).toBe(true);
    expect(
      [...r.packages].filter((p) =>
        ['yargs', 'yaml', 'vega', 'vega-lite', 'ml-matrix', '@tensorflow', 'bullmq', 'ioredis', 'piscina', 'parquet-wasm'].includes(p),
      ),
    ).toEqual([]);
    // the model's predictions are read from the run files (lnsweep.model), never rebuilt by a folder command
    expect(r.own.has('core/phase-model.js')).toBe(false);
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
