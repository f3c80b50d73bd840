#!/usr/bin/env node
// The live page with a large folder: 10,000 tiny finished runs (25 σ × 20 α × 20 replicates) and one more held
// pending (the LNSWEEP_FAULTS hook, in a one-run sweep added with `run --add`), then `lnsweep serve` on it, measured.
//
//   npm run build && node scripts/serve-load.mjs [--folder DIR] [--repeats 20]
//
// Prints: the time to generate the folder; serve's time to its URL and until the folder is read; the latency of
// /api/status, /api/diagram (first, then cached) and /api/cell (medians of --repeats, alternating); the page in
// Chromium (playwright-core, /usr/bin/chromium) until its diagram is drawn; and, once the held run is let go, the time
// from its run file landing to the page showing it. --folder reuses a folder this script made. Nothing here is
// asserted: speed is measured, never tested (the machine is shared; say how loaded it was: the load average is printed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const argv = process.argv.slice(2);
const flag = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const repeats = Number(flag('--repeats')) || 20;
const dir = flag('--folder') ? resolve(flag('--folder')) : mkdtempSync(join(tmpdir(), 'lnsweep-serve-load-'));
const out = join(dir, 'out');
const gate = join(dir, 'go');
const sweep = join(dir, 'load.yaml');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const row = (what, value) => console.log(`| ${what} | ${value} |`);

console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')} (2 cores)`,
);
writeFileSync(
  sweep,
  `name: load
seed: 1
base: { n: 8, d: 4, width: 4, lr: 0.01, steps: 20, log_every: 10 }
grid:
  sigma: { linspace: [0, 4.8, 25] }
  alpha: { logspace: [0.5, 2, 20] }
replicates: 20
`,
);
const main = JSON.parse(spawnSync(process.execPath, [CLI, 'plan', sweep, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout).runs;
console.log(`${main.length} runs, and 1 more held pending`);

if (!existsSync(join(out, 'summary.arrow'))) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'run', sweep, '--out', out, '--workers', '2', '--progress', 'none'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  console.log(`generated ${main.length} finished runs in ${(ms(t0) / 1000).toFixed(1)} s`);
}
// one more run, beside them (`run --add` of a one-run sweep), held until the gate file appears
const one = join(dir, 'one.yaml');
writeFileSync(
  one,
  `name: one\nseed: 1\nbase: ${JSON.stringify({ n: 8, d: 4, width: 4, lr: 0.01, steps: 20, log_every: 10, sigma: 1, teacher_norm: 1.000001 })}\n`,
);
const onePlan = JSON.parse(spawnSync(process.execPath, [CLI, 'plan', one, '--json'], { encoding: 'utf8' }).stdout);
const heldId = onePlan.runs[0].run_id;
// pending again, and held, when --folder reuses a folder
rmSync(join(out, 'runs', `${heldId}.arrow`), { force: true });
rmSync(gate, { force: true });
const adder = spawn(process.execPath, [CLI, 'run', one, '--out', out, '--add', '--progress', 'none'], {
  env: { ...process.env, LNSWEEP_FAULTS: JSON.stringify({ [heldId]: `hold:${gate}` }) },
  stdio: 'ignore',
});
while (!JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')).runs.some((r) => r.run_id === heldId)) await sleep(50);
// `run --add` rewrote summary.arrow with its own run only; a merge gives the folder its whole summary back
if (spawnSync(process.execPath, [CLI, 'merge', out], { encoding: 'utf8' }).status !== 0) throw new Error('merge failed');

console.log('\n| measure | value |\n|---|---|');
const t0 = process.hrtime.bigint();
const server = spawn(process.execPath, [CLI, 'serve', out], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((res) => {
  let s = '';
  server.stdout.on('data', (b) => {
    s += b;
    if (s.includes('\n')) res(new URL(s.slice(0, s.indexOf('\n'))));
  });
});
row('serve: start to URL printed', `${ms(t0).toFixed(0)} ms`);
const api = async (path) => {
  const u = new URL(path, url);
  u.searchParams.set('token', url.searchParams.get('token'));
  const t = process.hrtime.bigint();
  const r = await globalThis.fetch(u);
  const body = await r.text();
  return { ms: ms(t), body, status: r.status };
};
let first = null;
for (;;) {
  const s = JSON.parse((await api('/api/status')).body);
  first ??= ms(t0);
  if (!s.loading && s.done + s.diverged === main.length && s.pending === 1) break;
  await sleep(100);
}
row('serve: start to first /api/status answered (while reading)', `${first.toFixed(0)} ms`);
row(`serve: start to all ${main.length} run files read`, `${ms(t0).toFixed(0)} ms`);
const z = JSON.parse((await api('/api/diagrams')).body).columns[0].z;
const firstDiagram = await api(`/api/diagram?z=${z}`);
row(`/api/diagram?z=${z}, first (computed; ${(firstDiagram.body.length / 1e6).toFixed(2)} MB)`, `${firstDiagram.ms.toFixed(0)} ms`);
const status = [];
const diagram = [];
const cell = [];
for (let i = 0; i < repeats; i++) {
  status.push((await api('/api/status')).ms);
  diagram.push((await api(`/api/diagram?z=${z}`)).ms);
  cell.push((await api(`/api/cell?x=${main[0].params.sigma}&y=${main[0].params.alpha}&facet=`)).ms);
}
row(`/api/status (median of ${repeats})`, `${median(status).toFixed(1)} ms`);
row(`/api/diagram, cached (median of ${repeats})`, `${median(diagram).toFixed(1)} ms`);
row(`/api/cell, 20 runs' curves (median of ${repeats})`, `${median(cell).toFixed(1)} ms`);

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const tp = process.hrtime.bigint();
  await page.goto(url.href);
  await page.waitForSelector('#diagram[data-version] svg', { timeout: 120_000 });
  row('page: load to diagram drawn', `${ms(tp).toFixed(0)} ms`);
  const pending = () => page.locator('[data-count=pending] b').textContent();
  if ((await pending()) !== '1') throw new Error(`pending is ${await pending()}, not 1`);
  writeFileSync(gate, '');
  const runFile = join(out, 'runs', `${heldId}.arrow`);
  while (!existsSync(runFile)) await sleep(5);
  const landed = process.hrtime.bigint();
  while ((await pending()) !== '0') await sleep(20);
  row('page: a run file landing to its count on the page', `${ms(landed).toFixed(0)} ms`);
  await page.waitForFunction("document.querySelector('#diagram').getAttribute('data-version') === document.body.getAttribute('data-version')", null, {
    timeout: 60_000,
  });
  row('page: a run file landing to the diagram redrawn', `${ms(landed).toFixed(0)} ms`);
} finally {
  await browser.close();
  server.kill('SIGINT');
  adder.kill('SIGINT');
}
console.log(
  `\nload average at end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')}; folder: ${dir}`,
);
