#!/usr/bin/env node
// The CLI and the pool thread as bundles (`npm run build`, after tsc): Node then reads a few files at start-up instead
// of hundreds of modules (yargs alone is about 40 files), on every command, in every worker thread.
//
//   dist/cli/main.js         the `lnsweep` bin                         (entry: src/cli/main.ts)
//   dist/run/pool-thread.js  each worker thread's entry, loaded by Piscina by file name (src/run/executor.ts)
//   dist/bench/train-child.js  the bench's training-only child processes (src/bench/orchestrator.ts)
//   dist/chunks/*.js         code shared between them and every dynamic import() of the source, in chunks of its own
//                            (splitting), so a command still loads only what it needs (`plan` never loads Arrow)
//   dist/sweep/yaml.script.js  the yaml package as one script, and yaml.script.cache V8's compiled code for it,
//                            made by parsing the sweep files of sweeps/ (src/sweep/yaml-parser.ts loads both)
//   dist/bundle-meta.json    which source modules and packages each output file holds (test/cli/startup.test.ts
//                            reads it to tell what a command loaded)
//
// Every output file sits one folder below dist/, as the sources sit one folder below src/ (src/run/x.ts, src/core/y.ts),
// so paths built from import.meta.url ('../../dist/core/wasm/steps.wasm', '../run/pool-thread.js') resolve alike from
// the sources (vitest), tsc's files and the bundle. Packages that load files of their own by path at run time (native
// addons, .wasm and data files, Piscina's own worker script) or that only heavy commands load stay outside, loaded
// from node_modules as before.
import { Buffer } from 'node:buffer';
import { hash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(REPO, 'dist');

/** Not bundled: each loads files beside itself by path, or is big and loaded only by a command that draws or queues. */
const EXTERNAL = [
  'piscina', // starts its own worker script by file name
  '@tensorflow/*', // native addon, .wasm files
  '@resvg/resvg-js', // native addon
  'parquet-wasm', // .wasm file
  'mnist', // the digits are data files in the package
  'pdfkit', // font metrics read from its own folder
  'svg-to-pdfkit',
  'fontkit',
  'dejavu-fonts-ttf',
  'vega',
  'vega-lite',
  'bullmq', // Lua scripts and a large tree, only for the queue
  'ioredis',
];

rmSync(join(DIST, 'chunks'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: REPO,
  entryPoints: { 'cli/main': 'src/cli/main.ts', 'run/pool-thread': 'src/run/pool-thread.ts', 'bench/train-child': 'src/bench/train-child.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',

  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS packages inside an ES module bundle call require() for Node's own modules
  banner: { js: "import { createRequire as __lnsweepRequire } from 'node:module'; const require = __lnsweepRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
// tsc's source maps of the files the bundle replaced would point at the wrong lines
for (const entry of ['cli/main', 'run/pool-thread', 'bench/train-child']) rmSync(join(DIST, `${entry}.js.map`), { force: true });

/** output file (relative to dist/) → the source modules (`src/...`) and packages (`node_modules/...`) it holds */
const meta = {};
for (const [out, { inputs }] of Object.entries(result.metafile.outputs)) {
  meta[relative(DIST, join(REPO, out))] = Object.keys(inputs).sort();
}
meta['sweep/yaml.script.js'] = await yamlScript();
writeFileSync(join(DIST, 'bundle-meta.json'), JSON.stringify(meta, null, 1) + '\n');

/**
 * dist/sweep/yaml.script.js: yaml (CommonJS) bundled into one function expression `(exports, require, module) => …`,
 * compiled by src/sweep/yaml-parser.ts with vm.Script; and dist/sweep/yaml.script.cache: the SHA-256 of that script
 * in hex, then V8's code cache taken after parsing every sweep file of sweeps/, so that it holds the functions a
 * parse runs (V8 compiles a function on its first call; a cache made before any call holds the top level only).
 * Returns the packages' files it holds, for bundle-meta.json.
 */
async function yamlScript() {
  const bundled = await build({
    absWorkingDir: REPO,
    entryPoints: [createRequire(join(REPO, 'package.json')).resolve('yaml')],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
  });
  const source = `(function (exports, require, module) {\n${bundled.outputFiles[0].text}\n})`;
  const file = join(DIST, 'sweep', 'yaml.script.js');
  writeFileSync(file, source);
  const script = new Script(source, { filename: file });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module);
  const sweeps = join(REPO, 'sweeps');
  for (const name of readdirSync(sweeps).filter((f) => f.endsWith('.yaml'))) {
    module.exports.parseDocument(readFileSync(join(sweeps, name), 'utf8')).toJS({ maxAliasCount: 1000 });
  }
  module.exports.parseDocument('a: [1\n'); // and an error's path, as a malformed file takes
  writeFileSync(join(DIST, 'sweep', 'yaml.script.cache'), Buffer.concat([Buffer.from(hash('sha256', source), 'latin1'), script.createCachedData()]));
  return Object.keys(bundled.metafile.inputs).sort();
}
