/**
 * plan.json is written when the plan changes, not at every start: a thousand shards of a million-run sweep would each
 * rewrite and fsync the same 460 MB on the shared file system. The same plan with another process's provenance
 * leaves the file as it is (the provenance of the process that froze it first); any change to the plan rewrites it.
 */
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planFileHolds, planPath, readPlan, writePlanFile } from '../../src/io/index.js';
import { planSweep, type Plan } from '../../src/sweep/index.js';
import { sweepFile, HEAD } from '../sweep/fixtures.js';
import { tempDir } from './helpers.js';

const plan: Plan = planSweep(
  sweepFile(HEAD + 'base: { n: 20, d: 5, width: 10, steps: 100, log_every: 10 }\ngrid: { sigma: { linspace: [0, 1, 3000] } }\n'),
);
const from = (host: string) => ({ host, tool_version: '0.1.0' });

describe('writePlanFile', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('plan-file')));
  afterEach(() => cleanup());

  const stamp = () => {
    const s = statSync(planPath(dir));
    return { ino: s.ino, mtimeMs: s.mtimeMs, bytes: readFileSync(planPath(dir)) };
  };

  it('leaves a plan.json that holds the same plan as it is, provenance and all', () => {
    writePlanFile(dir, { ...plan, provenance: from('node-1') });
    const first = stamp();
    writePlanFile(dir, { ...plan, provenance: from('node-2') });
    const second = stamp();
    expect(second.ino).toBe(first.ino); // not replaced by a rename
    expect(second.mtimeMs).toBe(first.mtimeMs);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect((readPlan(dir) as Plan & { provenance: { host: string } }).provenance.host).toBe('node-1');
  });

  it('knows a plan with text of two, three and four UTF-8 bytes a character for the one it holds', () => {
    // a description before the runs (where a sweep's goes), of more characters than a piece of the text holds
    const { runs, ...head } = plan;
    const named = { ...head, description: 'σ² ≥ 0.5 — noise σ, 😀 '.repeat(60000), runs };
    writePlanFile(dir, { ...named, provenance: from('node-1') });
    const first = stamp();
    expect(planFileHolds(dir, { ...named, runs: [...named.runs] })).toBe(true);
    expect(planFileHolds(dir, { ...named, description: named.description.replace('😀', '😁'), runs: [...named.runs] })).toBe(false);
    writePlanFile(dir, { ...named, provenance: from('node-2') });
    expect(stamp().mtimeMs).toBe(first.mtimeMs);
  });

  it.each([
    ['a run added', (p: Plan) => ({ ...p, runs: [...p.runs, { ...p.runs[0], run_id: 'ffffffffffffffff' }] })],
    ['a run dropped', (p: Plan) => ({ ...p, runs: p.runs.slice(1) })],
    ['a run changed (a refine round)', (p: Plan) => ({ ...p, runs: p.runs.map((r, i) => (i === 1500 ? { ...r, refine_round: 1 } : r)) })],
    ['a field before the runs', (p: Plan) => ({ ...p, description: 'edited' })],
    ['a field after the runs', (p: Plan) => ({ ...p, steps_rule: { noise_time: 1, max_steps: 10 } })],
  ])('rewrites it when the plan changed: %s', (_, change) => {
    writePlanFile(dir, { ...plan, provenance: from('node-1') });
    const changed = change(plan);
    writePlanFile(dir, { ...changed, provenance: from('node-2') });
    const read = readPlan(dir) as Plan & { provenance: { host: string } };
    expect(read.provenance.host).toBe('node-2');
    expect(read).toEqual(JSON.parse(JSON.stringify({ ...changed, provenance: from('node-2') })));
  });

  it('rewrites a plan.json whose tail is damaged, and one written whole by an older lnsweep', () => {
    writePlanFile(dir, { ...plan, provenance: from('node-1') });
    appendFileSync(planPath(dir), 'garbage');
    writePlanFile(dir, { ...plan, provenance: from('node-2') });
    expect((readPlan(dir) as Plan & { provenance: { host: string } }).provenance.host).toBe('node-2');
    // the old layout (pretty-printed whole) is another text: written anew in the new layout
    writeFileSync(planPath(dir), JSON.stringify({ ...plan, provenance: from('old') }, null, 2) + '\n');
    writePlanFile(dir, { ...plan, provenance: from('node-3') });
    expect(readFileSync(planPath(dir), 'utf8')).toContain(`\n  "runs": [\n    {"run_id":"${plan.runs[0].run_id}"`);
  });

  it('writes its runs one per line, each the run as JSON', () => {
    writePlanFile(dir, { ...plan, provenance: from('node-1') });
    const lines = readFileSync(join(dir, 'plan.json'), 'utf8').split('\n');
    const open = lines.indexOf('  "runs": [');
    const runLines = lines.slice(open + 1, open + 1 + plan.runs.length);
    expect(runLines.map((l) => JSON.parse(l.trim().replace(/,$/, '')) as unknown)).toEqual(JSON.parse(JSON.stringify(plan.runs)));
    expect(lines[open + 1 + plan.runs.length]).toBe('  ],');
  });

  it('planFileHolds: the same plan held, another not; a plan.json changed since a comparison held is compared again', () => {
    writePlanFile(dir, { ...plan, provenance: from('node-1') });
    expect(planFileHolds(dir, plan)).toBe(true);
    const edited: Plan = { ...plan, description: 'edited' };
    expect(planFileHolds(dir, edited)).toBe(false);
    expect(planFileHolds(dir, { ...plan, runs: plan.runs.slice(1) })).toBe(false);
    // another process replaces it by a plan with one run changed, of the same length: the remembered comparison is
    // of the file as it was, so the same plan object is compared again and found not held
    const text = readFileSync(planPath(dir), 'utf8');
    const changed = text.replace(`"replicate":${plan.runs[7].replicate},`, `"replicate":${plan.runs[7].replicate + 1},`);
    expect(changed.length).toBe(text.length);
    expect(changed).not.toBe(text);
    writeFileSync(planPath(dir), changed);
    expect(planFileHolds(dir, plan)).toBe(false);
    // and writePlanFile, asked to freeze the plan, writes it back
    writePlanFile(dir, { ...plan, provenance: from('node-2') });
    expect((readPlan(dir) as Plan & { provenance: { host: string } }).provenance.host).toBe('node-2');
    expect(planFileHolds(dir, plan)).toBe(true);
  });
});
