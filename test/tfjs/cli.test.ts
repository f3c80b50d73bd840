/**
 * End to end through the real CLI (dist/, built by `npm test`) and its Piscina worker threads: `--engine tfjs` runs
 * a linear sweep and the realdata sweep on TensorFlow.js, and every output names the backend that computed it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readArrowFile, readRunFile } from '../../src/io/index.js';
import { readRealDataFile } from '../../src/io/realdata-file.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';

/** What loads on this machine: wasm unless @tensorflow/tfjs-node installed and loaded (backend.test.ts checks the order). */
const TFJS_ENGINE = /^tfjs\/(tensorflow|wasm|cpu)$/;

const LINEAR = `name: tfjs-linear
seed: 3
base: { n: 16, d: 4, width: 8, lr: 0.01, steps: 300, log_every: 100, sigma: 1, rho: 0.05 }
grid: { optimizer: [sgd, sam] }
`;

const REALDATA = `name: tfjs-realdata
seed: 3
base: { experiment: realdata, engine: tfjs, optimizer: gd, n: 16, n_test: 16, d: 49, width: 8, lr: 0.05, steps: 20, log_every: 10, sigma: 0 }
grid: { tau: [0, 0.5] }
`;

function engineUsed(outDir: string): string[] {
  const t = readArrowFile(join(outDir, 'summary.arrow'));
  return [...t.getChild('engine_used')!].map(String);
}

describe('lnsweep run on the tfjs engine', () => {
  const dir = tempDir();

  test('--engine tfjs: run files and summary say which tfjs backend ran, inside the worker threads', () => {
    const out = join(dir, 'linear');
    const r = runCli(['run', writeSweep(dir, 'linear', LINEAR), '--engine', 'tfjs', '--workers', '2', '--out', out]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const files = readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.arrow'));
    expect(files).toHaveLength(2);
    for (const f of files) {
      const run = readRunFile(join(out, 'runs', f));
      expect(run.params.engine).toBe('tfjs');
      expect(run.provenance.engine).toMatch(TFJS_ENGINE);
      expect(run.provenance.status).toBe('done');
      expect(run.metrics.rows).toBe(4);
    }
    for (const e of engineUsed(out)) expect(e).toMatch(TFJS_ENGINE);
    console.log(`engine_used: ${engineUsed(out).join(', ')}`);
  });

  test('the realdata sweep writes each run file and its realdata file', () => {
    const out = join(dir, 'realdata');
    const r = runCli(['run', writeSweep(dir, 'realdata', REALDATA), '--workers', '1', '--out', out]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const names = readdirSync(join(out, 'runs'));
    const runFiles = names.filter((f) => f.endsWith('.arrow') && !f.includes('.realdata.'));
    expect(runFiles).toHaveLength(2);
    for (const f of runFiles) {
      const id = f.slice(0, -'.arrow'.length);
      const run = readRunFile(join(out, 'runs', f));
      expect(run.provenance.engine).toMatch(TFJS_ENGINE);
      expect(run.params.experiment).toBe('realdata');
      const rd = readRealDataFile(join(out, 'runs', `${id}.realdata.arrow`));
      expect(rd.runId).toBe(id);
      expect(Array.from(rd.columns.step)).toEqual([0, 10, 20]);
      expect(rd.columns.values.train_loss[0]).toBe(rd.columns.values.lin_train_loss[0]);
      expect(Array.from(run.metrics.values.train_loss)).toEqual(Array.from(rd.columns.values.train_loss));
    }
    // the report gets the real-data panel, with one table row per run
    const rep = runCli(['report', out]);
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Real data: network beside its linearised model');
    expect(html.match(/<tr><th>tau=/g)).toHaveLength(2);
    // a second run finds everything done
    const again = runCli(['run', join(dir, 'realdata.yaml'), '--workers', '1', '--out', out]);
    expect(again.code).toBe(0);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(names.sort());
  });

  test('bad input is refused before anything runs: realdata on the native engine, oscillate on tfjs', () => {
    const native = runCli(['run', join(dir, 'realdata.yaml'), '--engine', 'native', '--out', join(dir, 'bad1')]);
    expect(native.code).toBe(2);
    expect(native.stderr).toMatch(/experiment 'realdata' runs on engine 'tfjs'/);
    const osc = writeSweep(
      dir,
      'osc',
      `name: osc\nseed: 1\nbase: { n: 16, d: 4, width: 8, optimizer: oscillate, noise: none, kernel: dense, steps: 10 }\n`,
    );
    const r = runCli(['run', osc, '--engine', 'tfjs', '--out', join(dir, 'bad2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/oscillate' runs on the native engine only/);
  });
});
