/**
 * Values past what a flag can mean are refused in one line that says the real problem (exit 2, nothing written):
 * a lock duration past Node's timers, a shard count past exact integers, a malformed LNSWEEP_FAULTS (the test hook
 * would otherwise fail every run it reached, one by one).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

const dir = tempDir();
const sweep = writeSweep(dir, 'tiny', 'name: tiny\nseed: 1\nbase: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }\n');

describe('worker --lock-ms', () => {
  const out = join(dir, 'queue-out');
  mkdirSync(out, { recursive: true });
  it.each(['1e10', '2147483648', '999', '1500.5', '-5'])('--lock-ms %s is refused before Redis is asked', (value) => {
    const r = runCli(['worker', '--queue', 'redis://127.0.0.1:1', '--out', out, '--lock-ms', value]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`--lock-ms ${Number(value)}: must be a whole number of milliseconds from 1000 to 86400000 (a day)`);
    expect(r.stderr).not.toContain('TimeoutOverflowWarning');
  });
});

describe('--shard N past exact integers', () => {
  it('says N is too large, not that it must be ≥ 1', () => {
    const r = runCli(['run', sweep, '--out', join(dir, 'never'), '--shard', '1/99999999999999999999']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "[sweep] --shard: N = 99999999999999999999 is more shares than can be counted exactly (at most 9007199254740991; a plan has at most 1,000,000 runs) (got '1/99999999999999999999')",
    );
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('a share beyond the plan is run (nothing to do) with a note saying why it is empty', () => {
    const r = runCli(['run', sweep, '--out', join(dir, 'empty-share'), '--shard', '3/5', '--progress', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[lnsweep] note: share 3 of 5 is empty: the plan has 1 runs, fewer than 5 shares');
  });
});

describe('LNSWEEP_FAULTS (test hook) malformed', () => {
  const form =
    'expected {"<run id>" or "*": "throw" | "exit" | {"hold_at_step": K, "release_file": PATH}, "merge": {"hold_after_runs": N, "release_file": PATH}}';
  it.each([
    ['{bad', `not JSON (Expected property name or '}' in JSON at position 1); ${form}`],
    ['[1]', `not a JSON object; ${form}`],
    ['{"*":"crash"}', `"*": "crash" is no fault; ${form}`],
    ['{"*":{"hold_at_step":-1,"release_file":"/x"}}', `"*": {"hold_at_step":-1,"release_file":"/x"} is no fault; ${form}`],
    ['{"merge":"throw"}', `"merge": "throw" is no fault; ${form}`],
  ])('%s: one line at start, exit 2, no run attempted', (value, reason) => {
    const out = join(dir, `faults-${Buffer.from(value).toString('hex').slice(0, 12)}`);
    const r = runCli(['run', sweep, '--out', out], { LNSWEEP_FAULTS: value });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`LNSWEEP_FAULTS (a test hook): ${reason}`);
    expect(existsSync(out)).toBe(false);
  });
});
