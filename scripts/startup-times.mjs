#!/usr/bin/env node
// Start-up time of the built CLI, command by command, beside `node -e 0` measured in the same run.
//
//   npm run build && node scripts/startup-times.mjs [--runs 9] [--modules]
//
// Each case is run --runs times (default 9), the cases interleaved round by round so that a load spike on a shared
// machine hits every case alike; the table gives the median wall time in ms and its ratio to `node -e 0`.
// --modules also lists, per case, how many module files it loads and which packages, recorded by the same loader
// hook that test/cli/startup.test.ts uses. Nothing here is asserted: speed is measured, never tested.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 9;
const listModules = argv.includes('--modules');

const dir = mkdtempSync(join(tmpdir(), 'lnsweep-startup-'));
try {
  const tiny = join(dir, 'tiny.yaml');
  writeFileSync(tiny, 'name: tiny\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\n');
  const malformed = join(dir, 'malformed.yaml');
  writeFileSync(malformed, 'name: bad\nseed: 1\nbase: { width: -3 }\ngrid: { sigma: [0, 1] }\n');
  const finished = join(dir, 'finished');
  const setup = spawnSync(process.execPath, [CLI, 'run', tiny, '--out', finished, '--progress', 'none'], { encoding: 'utf8' });
  if (setup.status !== 0) throw new Error(`setting up a finished folder failed:\n${setup.stderr}`);

  /** [label, arguments to node, exit status expected] */
  const cases = [
    ['node -e 0', ['-e', '0'], 0],
    ['--help', [CLI, '--help'], 0],
    ['--version', [CLI, '--version'], 0],
    ['plan sweeps/phase-diagram.yaml', [CLI, 'plan', join(REPO, 'sweeps', 'phase-diagram.yaml')], 0],
    ['status (finished 1-run folder)', [CLI, 'status', finished], 0],
    ['refused sweep file (run)', [CLI, 'run', malformed], 2],
    ['refused flag (run --workers abc)', [CLI, 'run', tiny, '--workers', 'abc'], 2],
    ['run (1 tiny run, --fresh)', [CLI, 'run', tiny, '--out', join(dir, 'fresh'), '--fresh', '--progress', 'none'], 0],
  ];

  const times = cases.map(() => []);
  const surprises = [];
  for (let round = 0; round < runs; round++) {
    cases.forEach(([label, args, expected], i) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      // A wrong exit status is reported below, not fatal: a rare crash should not cost the whole measurement.
      if (r.status !== expected) surprises.push(`${label}: exit ${r.status ?? r.signal}, expected ${expected}\n${r.stderr.trim().split('\n').slice(0, 8).join('\n')}`);
      else times[i].push(ms);
    });
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const base = median(times[0]);
  console.log(`node ${process.version}, ${runs} runs per case, medians (min-max)`);
  console.log(['case'.padEnd(34), 'ms'.padStart(7), 'x node -e 0'.padStart(12), '  range ms'].join(''));
  cases.forEach(([label], i) => {
    const m = median(times[i]);
    const range = `${Math.min(...times[i]).toFixed(0)}-${Math.max(...times[i]).toFixed(0)}`;
    console.log([label.padEnd(34), m.toFixed(0).padStart(7), (m / base).toFixed(1).padStart(12), `  ${range}`].join(''));
  });

  for (const s of surprises) console.log(`\nnot counted: ${s}`);

  if (listModules) {
    console.log('\nmodules loaded (files, then packages under node_modules)');
    for (const [label, args] of cases.slice(1)) {
      const file = join(dir, 'imports.txt');
      rmSync(file, { force: true });
      spawnSync(process.execPath, ['--import', join(REPO, 'test', 'cli', 'record-imports.mjs'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, LNSWEEP_IMPORTS_FILE: file },
      });
      const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      const packages = new Map();
      let own = 0;
      for (const u of urls) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
        if (m) packages.set(m[1], (packages.get(m[1]) ?? 0) + 1);
        else if (u.startsWith('file:')) own++;
      }
      const list = [...packages].map(([p, n]) => `${p} ${n}`).join(', ');
      console.log(`${label}: ${urls.length} (lnsweep ${own}; ${list})`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
