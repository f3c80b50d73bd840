/**
 * plan.json's text: the runs one per line, written in pieces and read back a line at a time, so that a plan of a
 * million runs (more text than one JavaScript string holds when pretty-printed whole) is written and read at all;
 * older layouts still read; a file far larger than any plan refused by its size before a byte is parsed.
 */
import { closeSync, mkdirSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_PLAN_BYTES, planJsonChunks, planJsonText, readPlanJson } from '../../src/sweep/plan-json.js';
import { planSweep, RESULTS_VERSION } from '../../src/sweep/plan.js';
import { runCli, tempDir } from '../helpers.js';
import { HEAD, sweepFile } from './fixtures.js';

const dir = tempDir();
const plan = planSweep(
  sweepFile(
    HEAD +
      'description: "a plan with a ünïcode description, a list parameter and a refine request"\n' +
      'base: { n: 20, d: 5, width: 10, lr: 0.001, steps: 100, log_every: 10, snapshot_steps: [0, 50] }\n' +
      'grid: { sigma: { linspace: [0, 1, 40] }, alpha: { linspace: [0.5, 1.5, 50] } }\nreplicates: 2\n' +
      'refine: { metric: collapsed, axes: [sigma, alpha] }\n',
  ),
);
const withProvenance = { ...plan, provenance: { host: 'h', tool_version: '0.1.0' } };

describe('plan.json written a run per line', () => {
  test('the text is the same JSON value as the plan, its runs one per line', () => {
    expect(plan.runs).toHaveLength(4000);
    const text = planJsonText(withProvenance);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(withProvenance)));
    const lines = text.split('\n');
    const first = lines.indexOf('  "runs": [');
    expect(lines[first + 1]).toBe(`    ${JSON.stringify(plan.runs[0])},`);
    expect(lines[first + plan.runs.length]).toBe(`    ${JSON.stringify(plan.runs.at(-1))}`);
    expect(lines[first + plan.runs.length + 1]).toBe('  ],');
    // the other fields as a pretty-printer writes them, so the file still reads well
    expect(text.startsWith(`{\n  "format": 1,\n  "results_version": ${RESULTS_VERSION},\n  "name": "t",`)).toBe(true);
    expect(text).toContain('\n  "provenance": {\n    "host": "h",\n    "tool_version": "0.1.0"\n  }\n}\n');
  });

  test('comes in pieces of about a megabyte, never as one string', () => {
    const big = { ...plan, runs: Array.from({ length: 10 }, () => plan.runs).flat() }; // 40,000 runs, 14 MB of text
    const pieces = [...planJsonChunks(big)];
    const longestRun = Math.max(...big.runs.map((r) => JSON.stringify(r).length));
    expect(pieces.length).toBeGreaterThan(10);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(2 ** 20 + longestRun + 8);
    expect(JSON.parse(pieces.join(''))).toEqual(JSON.parse(JSON.stringify(big)));
  });

  test('an empty run list and undefined fields come out as JSON.stringify writes them', () => {
    const odd = { name: 'x', runs: [], description: undefined, seed: 3 };
    expect(JSON.parse(planJsonText(odd))).toEqual({ name: 'x', runs: [], seed: 3 });
  });
});

describe('readPlanJson', () => {
  const path = join(dir, 'plan.json');

  test('reads a plan in its own layout back whole', () => {
    writeFileSync(path, planJsonText(withProvenance));
    expect(readPlanJson(path)).toEqual(JSON.parse(JSON.stringify(withProvenance)));
  });

  test('reads the fields before the runs alone, without the runs', () => {
    writeFileSync(path, planJsonText(withProvenance));
    const head = readPlanJson(path, { runs: 'head' }) as Record<string, unknown>;
    expect(head).toEqual({
      format: 1,
      results_version: RESULTS_VERSION,
      name: 't',
      seed: 1,
      source: plan.source,
      description: plan.description,
      runs: [],
    });
  });

  test.each([
    ['pretty-printed whole (lnsweep before this layout)', () => JSON.stringify(withProvenance, null, 2)],
    ['on one line', () => JSON.stringify(withProvenance)],
    ['with a run split over two lines', () => planJsonText(withProvenance).replace('"replicate":1,', '"replicate":1,\n')],
  ])('reads a plan %s', (_, text) => {
    writeFileSync(path, text());
    expect(readPlanJson(path)).toEqual(JSON.parse(JSON.stringify(withProvenance)));
    expect((readPlanJson(path, { runs: 'head' }) as { results_version: number }).results_version).toBe(RESULTS_VERSION);
  });

  test('a damaged run line is a parse error, not a shorter plan', () => {
    writeFileSync(path, planJsonText(withProvenance).replace('"replicate":1,', '"replicate":1,,'));
    expect(() => readPlanJson(path)).toThrow(SyntaxError);
  });

  test('a file larger than any plan is refused by its size, before it is read', () => {
    writeFileSync(path, planJsonText(withProvenance));
    expect(() => readPlanJson(path, { maxBytes: 1000 })).toThrow(/^\d+ bytes, more than any plan lnsweep writes \(at most 1000\); not parsed$/);
    // a sparse file of 3 GiB: reading it would take seconds and gigabytes; refusing it takes neither
    const huge = join(dir, 'huge.json');
    sparseFile(huge, 3 * 2 ** 30);
    expect(() => readPlanJson(huge)).toThrow(`${3 * 2 ** 30} bytes, more than any plan lnsweep writes (at most ${MAX_PLAN_BYTES}); not parsed`);
  });

  test('status on a folder whose plan.json is a 3 GiB file says so in one line (exit 2)', () => {
    const out = join(dir, 'huge-folder');
    mkdirSync(out);
    sparseFile(join(out, 'plan.json'), 3 * 2 ** 30);
    const r = runCli(['status', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `[run] ${join(out, 'plan.json')}: not a readable plan (${3 * 2 ** 30} bytes, more than any plan lnsweep writes (at most ${MAX_PLAN_BYTES}); not parsed)`,
    );
  });
});

/** A file of `bytes` bytes that takes no disk space (a hole), made at once. */
function sparseFile(path: string, bytes: number): void {
  closeSync(openSync(path, 'w'));
  truncateSync(path, bytes);
}
