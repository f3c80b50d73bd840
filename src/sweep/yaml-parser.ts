/**
 * The YAML parser (the yaml package), loaded when the first sweep file is read, with V8's compiled code for it.
 *
 * yaml is CommonJS, about 70 files; Node 20 keeps no compiled code between runs (module.enableCompileCache is
 * Node 22), so `plan` and every refused sweep file would read those files one by one and compile every function a
 * parse calls, on every command: together about as long as the rest of the sweep layer. `npm run build`
 * (scripts/bundle.mjs) bundles yaml into one script, dist/sweep/yaml.script.js, parses the sweep files of sweeps/
 * with it, and keeps V8's code for the functions that ran in dist/sweep/yaml.script.cache. Here the script is
 * compiled with that code: V8 checks that it was made by this V8 with these flags, and the cache's first 64 bytes,
 * the SHA-256 of the script it was made from, must match the script read; otherwise V8 compiles the script afresh
 * (the same parser, slower). Without the script (the sources, run by vitest) yaml is required from node_modules.
 */
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

type Yaml = typeof import('yaml');
type ScriptBody = (exports: object, require: NodeJS.Require, module: { exports: object }) => void;

// one folder below dist/ in the bundle (dist/chunks/) and in tsc's files (dist/sweep/) alike
const SCRIPT = new URL('../sweep/yaml.script.js', import.meta.url);
const CACHE = new URL('../sweep/yaml.script.cache', import.meta.url);

export function loadYamlParser(): Yaml {
  let source: string;
  try {
    source = readFileSync(SCRIPT, 'utf8');
  } catch {
    return createRequire(import.meta.url)('yaml') as Yaml;
  }
  let cache: Buffer | null = null;
  try {
    cache = readFileSync(CACHE);
  } catch {
    // no cache: V8 compiles the script afresh
  }
  const script = new Script(source, { filename: fileURLToPath(SCRIPT), cachedData: cachedCodeFor(source, cache) });
  const module = { exports: {} };
  (script.runInThisContext() as ScriptBody)(module.exports, createRequire(SCRIPT), module);
  return module.exports as Yaml;
}

/** V8's code in `cache` (yaml.script.cache) when it was made from `source`, else undefined. */
export function cachedCodeFor(source: string, cache: Buffer | null): Buffer | undefined {
  return cache !== null && cache.subarray(0, 64).toString('latin1') === hash('sha256', source) ? cache.subarray(64) : undefined;
}
