#!/usr/bin/env node
// Start-up time of the built CLI, command by command, beside `node -e 0` measured in the same run.
//
//   npm run build && node scripts/startup-times.mjs [--runs 9] [--modules] [--against OTHER/dist/cli/main.js]
//
// Each case runs --runs times (default 9), the cases interleaved round by round so that a load spike on a shared
// machine hits every case alike. The table gives, per case, the median wall time in ms and its ratio to the median of
// `node -e 0`, then the fastest run and its ratio to the fastest `node -e 0` (on a busy machine the fastest runs are
// the ones nothing else slowed down). --against adds the same cases for another build (say, main's), interleaved with
// this one's, for a before/after table. --modules lists, per case, the module files loaded and their packages,
// recorded by the hook test/cli/startup.test.ts uses. Nothing here is asserted: speed is measured, never tested.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const runs = Number(flag('--runs')) || 9;
const listModules = argv.includes('--modules');
const builds = [['this', join(REPO, 'dist', 'cli', 'main.js')]];
if (flag('--against')) builds.push(['against', resolve(flag('--against'))]);

const dir = mkdtempSync(join(tmpdir(), 'lnsweep-startup-'));
try {
  const tiny = join(dir, 'tiny.yaml');
  writeFileSync(tiny, 'name: tiny\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\n');
  const malformed = join(dir, 'malformed.yaml');
  writeFileSync(malformed, 'name: bad\nseed: 1\nbase: { width: -3 }\ngrid: { sigma: [0, 1] }\n');

  /** [label, arguments to node, exit status expected] */
  const cases = [['node -e 0', ['-e', '0'], 0]];
  for (const [build, cli] of builds) {
    const finished = join(dir, `finished-${build}`);
    const setup = spawnSync(process.execPath, [cli, 'run', tiny, '--out', finished, '--progress', 'none'], { encoding: 'utf8' });
    if (setup.status !== 0) throw new Error(`${build}: setting up a finished folder failed:\n${setup.stderr}`);
    const tag = builds.length > 1 ? ` [${build}]` : '';
    cases.push(
      [`--help${tag}`, [cli, '--help'], 0],
      [`--version${tag}`, [cli, '--version'], 0],
      [`plan phase-diagram${tag}`, [cli, 'plan', join(REPO, 'sweeps', 'phase-diagram.yaml')], 0],
      [`status (1 finished run)${tag}`, [cli, 'status', finished], 0],
      [`refused sweep file${tag}`, [cli, 'run', malformed], 2],
      [`refused flag${tag}`, [cli, 'run', tiny, '--workers', 'abc'], 2],
      [`run (1 tiny run)${tag}`, [cli, 'run', tiny, '--out', join(dir, `fresh-${build}`), '--fresh', '--progress', 'none'], 0],
    );
  }

  const times = cases.map(() => []);
  const surprises = [];
  for (let round = 0; round < runs; round++) {
    cases.forEach(([label, args, expected], i) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      // A wrong exit status is reported below, not fatal: a rare crash should not cost the whole measurement.
      if (r.status !== expected)
        surprises.push(`${label}: exit ${r.status ?? r.signal}, expected ${expected}\n${r.stderr.trim().split('\n').slice(0, 8).join('\n')}`);
      else times[i].push(ms);
    });
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const base = median(times[0]);
  const baseMin = Math.min(...times[0]);
  console.log(`node ${process.version}, ${runs} runs per case`);
  console.log(['case'.padEnd(36), 'median ms', '  x node', '  fastest ms', '  x node'].join(''));
  cases.forEach(([label], i) => {
    const m = median(times[i]);
    const f = Math.min(...times[i]);
    console.log(
      [
        label.padEnd(36),
        m.toFixed(0).padStart(9),
        (m / base).toFixed(1).padStart(8),
        f.toFixed(0).padStart(12),
        (f / baseMin).toFixed(1).padStart(8),
      ].join(''),
    );
  });
  for (const s of surprises) console.log(`\nnot counted: ${s}`);

  if (listModules) {
    console.log("\nmodule files loaded: all, lnsweep's own, then per package under node_modules");
    for (const [label, args] of cases.slice(1)) {
      const file = join(dir, 'imports.txt');
      rmSync(file, { force: true });
      spawnSync(process.execPath, ['--import', join(REPO, 'test', 'cli', 'record-imports.mjs'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, LNSWEEP_IMPORTS_FILE: file },
      });
      const urls = [
        ...new Set(
          readFileSync(file, 'utf8')
            .split('\n')
            .filter((u) => u.startsWith('file:')),
        ),
      ];
      const packages = new Map();
      let own = 0;
      for (const u of urls) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
        if (m) packages.set(m[1], (packages.get(m[1]) ?? 0) + 1);
        else own++;
      }
      const list = [...packages].map(([p, n]) => `${p} ${n}`).join(', ');
      console.log(`${label}: ${urls.length}, lnsweep ${own}; ${list}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
