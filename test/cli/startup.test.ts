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
    const add = (path: string) => {
      const p = packageOf(path);
      if (p) packages.add(p);
      const s = /^src\/(.+)\.ts$/.exec(path);
      if (s) own.add(`${s[1]}.js`);
    };
    for (const u of urls) {
      const p = packageOf(u);
      if (p) packages.add(p);
      const d = /\/dist\/(.+\.js)$/.exec(u);
      if (p || !d) continue;
      const inputs = meta[d[1]];
      if (inputs) inputs.forEach(add);
      else {
        own.add(d[1]);
        unbundled.push(d[1]);
      }
    }
    return { code: r.status, packages, own, unbundled, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const beyond = (got: Set<string>, allowed: Iterable<string>) => [...got].filter((p) => !new Set(allowed).has(p)).sort();
/** lnsweep's layers a command may load when it only reads a sweep file: the CLI, the sweep layer and the math. */
const outsideSweepPath = (own: Set<string>) => [...own].filter((f) => !/^(cli|sweep|core)\//.test(f)).sort();

describe('each command loads only what it uses', () => {
  const dir = tempDir();
  const sweep = writeSweep(dir, 'tiny', `name: tiny\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\n`);
  const malformed = writeSweep(dir, 'malformed', `name: bad\nseed: 1\nbase: { width: -3 }\n`);
  const cases: [string, string[], string[]][] = [
    ['--help', ['--help'], HEAVY],
    ['--version', ['--version'], HEAVY],
    ['a missing sweep file', ['run', join(dir, 'missing.yaml')], HEAVY],
  ];
  for (const [what, args, forbidden] of cases) {
    it(`${what} loads none of ${forbidden.join(', ')}`, () => {
      const r = loaded(args);
      expect(r.packages.has('yargs'), 'the hook saw the CLI load').toBe(true);
      expect(r.unbundled, 'the CLI runs from its bundle').toEqual([]);
      expect([...r.packages].filter((p) => forbidden.includes(p))).toEqual([]);
    });
  }

  // What `--version` loads is the floor every command pays (yargs and what yargs loads, whichever version).
  const floor = () => loaded(['--version']).packages;

  it('plan loads nothing but the CLI floor and yaml, and no layer above the sweep layer', () => {
    const base = floor();
    const r = loaded(['plan', sweep]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.packages.has('yaml'), 'the hook sees CommonJS packages').toBe(true);
    expect(beyond(r.packages, [...base, 'yaml'])).toEqual([]);
    expect(r.own.has('sweep/spec.js')).toBe(true);
    expect(outsideSweepPath(r.own)).toEqual([]);
  });

  it('a malformed sweep file given to run is refused having loaded only the CLI floor, yaml and the sweep layer', () => {
    const base = floor();
    const r = loaded(['run', malformed, '--out', join(dir, 'never')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('base.width: must be ≥ 1 (got -3)');
    expect(beyond(r.packages, [...base, 'yaml'])).toEqual([]);
    expect(outsideSweepPath(r.own)).toEqual([]);
  });

  it('a refused flag loads nothing beyond the CLI floor, not even the sweep layer', () => {
    const base = floor();
    const r = loaded(['run', sweep, '--workers', 'abc']);
    expect(r.code, r.stderr).toBe(2);
    expect(beyond(r.packages, base)).toEqual([]);
    expect([...r.own].filter((f) => !f.startsWith('cli/')).sort()).toEqual([]);
  });

  it('status loads Arrow (it reads run files) but no YAML, plotting, tfjs, queue, pool, Parquet or the Phase I model', () => {
    const out = join(dir, 'out');
    expect(runCli(['run', sweep, '--out', out]).code).toBe(0);
    const r = loaded(['status', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.packages.has('apache-arrow')).toBe(true);
    expect(
      [...r.packages].filter((p) =>
        ['yaml', 'vega', 'vega-lite', 'ml-matrix', '@tensorflow', 'bullmq', 'ioredis', 'piscina', 'parquet-wasm'].includes(p),
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
