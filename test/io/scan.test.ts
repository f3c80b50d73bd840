import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { neuronsFilePath, runFilePath, scanOutDir, writeNeuronsFile, writeRunFile } from '../../src/io/index.js';
import type { Plan } from '../../src/sweep/plan.js';
import { PROVENANCE, sampleMetrics, sampleParams, sampleSnapshots, tempDir } from './helpers.js';

describe('scanOutDir', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('scan'));
    mkdirSync(join(dir, 'runs'));
  });
  afterEach(() => cleanup());

  const [a, b, stranger] = ['a000000000000000', 'b000000000000000', 'f000000000000000'];
  const params = sampleParams({ snapshot_steps: [0] });
  const plan = { name: 't', seed: 1, runs: [a, b].map((run_id) => ({ run_id, replicate: 0, params, cost: 1 })) } as unknown as Plan;

  function writeRun(id: string): void {
    const provenance = { ...PROVENANCE, steps_done: '1000', status: 'done' };
    writeNeuronsFile(neuronsFilePath(dir, id), { runId: id, snapshots: sampleSnapshots([0], 2), provenance });
    writeRunFile(runFilePath(dir, id), { runId: id, params, replicate: 0, metrics: sampleMetrics(3), provenance });
  }

  it('takes a run whose neurons file holds another run as unfinished; with repair removes its files only', () => {
    writeRun(a);
    writeRun(b);
    copyFileSync(neuronsFilePath(dir, a), neuronsFilePath(dir, b)); // a botched copy: b's sidecar holds run a
    writeRun(stranger);
    const scan = scanOutDir(dir, plan, { repair: false });
    expect([...scan.finished]).toEqual([a]);
    expect(scan.corrupt).toEqual([{ runId: b, reason: `${neuronsFilePath(dir, b)} holds run ${a}, not ${b}` }]);
    expect(scan.notInPlan).toEqual([stranger]);
    expect(existsSync(runFilePath(dir, b))).toBe(true);

    scanOutDir(dir, plan, { repair: true });
    expect(existsSync(runFilePath(dir, b))).toBe(false);
    expect(existsSync(neuronsFilePath(dir, b))).toBe(false);
    expect(existsSync(runFilePath(dir, a))).toBe(true);
    expect(existsSync(runFilePath(dir, stranger))).toBe(true);
  });

  it('takes a run with a damaged neurons file as unfinished, naming the file', () => {
    writeRun(a);
    writeFileSync(neuronsFilePath(dir, a), 'ARROW1 garbage');
    const scan = scanOutDir(dir, plan, { repair: false });
    expect(scan.finished.size).toBe(0);
    expect(scan.corrupt[0].reason).toMatch(/a0+\.neurons\.arrow: .*not an Arrow IPC file/);
  });
});
