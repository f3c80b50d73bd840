import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, runCli, startCli, tempDir, writeSweep } from '../helpers.js';
import { requireRedis, titled } from '../support/components.js';
import { startRedis, type TestRedis } from './redis.js';

const SWEEP = `name: qcli
seed: 8
base: { n: 20, d: 4, width: 16, lr: 0.01, steps: 200, log_every: 100 }
replicates: 3
`;

const missing = requireRedis();

async function keysIn(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    return (await client.keys('*')).length;
  } finally {
    client.disconnect();
  }
}

/** Waits, however long it takes (a loaded machine is slow, not wrong), until the child prints `text` or exits. */
async function waitForOutput(child: { exitCode: number | null; output: () => string }, text: string): Promise<void> {
  while (!child.output().includes(text)) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before printing "${text}":\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(missing !== null)(titled('queue flags on a real Redis', missing), () => {
  let redis: TestRedis & { port: number };
  beforeAll(async () => {
    redis = await startRedis();
  });
  // A worker left by a failed or timed-out test must not outlive the test file.
  const workers: ReturnType<typeof startCli>[] = [];
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await redis?.stop();
  });

  it('a database index the server lacks is refused before anything is enqueued or written', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = runCli(['run', writeSweep(dir, 'qcli', SWEEP), '--queue', `${redis.url}/99`, '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${redis.url}/99`);
    expect(r.stderr).toMatch(/no database 99.*0-15/);
    expect(r.stderr).not.toMatch(/added|\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(await keysIn(redis.url)).toBe(0);
  });

  it('--workers goes into the printed worker command, and --progress plain is refused with a reason', () => {
    const dir = tempDir();
    const sweep = writeSweep(dir, 'qcli', SWEEP);
    const out = join(dir, 'out');
    const refused = runCli(['run', sweep, '--queue', `${redis.url}/2`, '--out', out, '--progress', 'plain']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/--progress plain and --queue/);
    const r = runCli(['run', sweep, '--queue', `${redis.url}/2`, '--out', out, '--workers', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`npx lnsweep worker --queue ${redis.url}/2 --out ${out} --workers 3`);
    const quiet = runCli(['run', sweep, '--queue', `${redis.url}/2`, '--out', out, '--progress', 'none']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('a worker reports a Redis outage in one line when it is lost and one when it is back', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const url = `${redis.url}/1`;
    expect(runCli(['run', writeSweep(dir, 'qcli', SWEEP), '--queue', url, '--out', out]).code).toBe(0);
    const worker = startCli(['worker', '--queue', url, '--out', out, '--workers', '1', '--wait', '--lock-ms', '2000']);
    workers.push(worker);
    try {
      await waitForOutput(worker, 'waiting for jobs');
      await redis.stop();
      await waitForOutput(worker, 'lost Redis');
      // Several seconds of ioredis retrying, each of which used to print a line (a lower bound on the outage: a loaded
      // machine only makes it longer).
      await new Promise((r) => setTimeout(r, 4000));
      redis = await startRedis(redis.port);
      await waitForOutput(worker, 'is back\n');
      worker.kill('SIGINT');
      await exited(worker);
    } finally {
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
    const lines = worker.output().split('\n');
    expect(
      lines.filter((l) => l.includes('lost Redis')),
      worker.output(),
    ).toHaveLength(1);
    expect(
      lines.filter((l) => /Redis at \S+ is back$/.test(l)),
      worker.output(),
    ).toHaveLength(1);
    // No line per retry: the connection errors appear only inside the one "lost" line.
    expect(
      lines.filter((l) => /ECONN|Connection is closed|ioredis/.test(l) && !l.includes('lost Redis')),
      worker.output(),
    ).toEqual([]);
    expect(worker.output()).not.toMatch(/\[ioredis\]|\n\s+at /);
  });
});
