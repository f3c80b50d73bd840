/**
 * The live page's security rules, against requests crafted by hand on raw sockets (so that no client normalises a
 * path first): every request needs the token the printed URL carries (401 without it); read-only (405 for anything
 * but GET and HEAD); nothing outside DIR is served: `..` plain or encoded, encoded slashes, NUL, absolute paths and
 * symlinks leading out are 404, while files and symlinks inside are served; the server binds 127.0.0.1 unless --host
 * says otherwise.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { startServing, type Served } from './helpers.js';

const SECRET = 'the secret outside DIR';

/** Sends `request` as written and returns the status code and body of the answer. */
function raw(host: string, port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let data = '';
    socket.on('connect', () => socket.write(request));
    socket.on('data', (b) => (data += b.toString()));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const get = (s: Served, path: string, method = 'GET') =>
  raw(s.url.hostname, Number(s.url.port), `${method} ${path} HTTP/1.1\r\nHost: ${s.url.host}\r\nConnection: close\r\n\r\n`);

/** Whether anything answers on host:port. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('lnsweep serve: token, read-only, nothing outside DIR', () => {
  const dir = tempDir('lnsweep-serve-sec-');
  const out = join(dir, 'out');
  let served: Served;
  let token: string;

  beforeAll(async () => {
    const sweep = writeSweep(dir, 'sec', 'name: sec\nseed: 1\nbase: { n: 10, d: 3, width: 4, steps: 50, log_every: 25 }\ngrid: { sigma: [0, 1] }\n');
    expect(runCli(['run', sweep, '--out', out, '--progress', 'none']).code).toBe(0);
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    mkdirSync(join(dir, 'sibling'));
    writeFileSync(join(dir, 'sibling', 'x.txt'), SECRET);
    symlinkSync(join(dir, 'secret.txt'), join(out, 'link-out.txt'));
    symlinkSync(join(dir, 'sibling'), join(out, 'dir-out'));
    symlinkSync(join(out, 'plan.json'), join(out, 'link-in.json'));
    served = await startServing(['serve', out]);
    token = served.url.searchParams.get('token')!;
  });
  afterAll(() => {
    served?.child.kill('SIGINT');
  });

  it('prints the URL first, on 127.0.0.1, with a token', () => {
    expect(served.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers 401 without the token, or with a wrong one', async () => {
    for (const path of [
      '/',
      '/api/status',
      '/api/events',
      '/files/plan.json',
      '/assets/vega.min.js',
      `/api/status?token=${token}x`,
      '/api/status?token=',
    ]) {
      expect((await get(served, path)).status, path).toBe(401);
    }
  });

  it('GET /api/status with the token: total, done, diverged, failed, pending', async () => {
    const r = await get(served, `/api/status?token=${token}`);
    expect(r.status).toBe(200);
    const s = JSON.parse(r.body) as Record<string, unknown>;
    expect([s.total, s.done, s.diverged, s.failed, s.pending]).toEqual([2, 2, 0, 0, 0]);
  });

  it('is read-only: 405 for POST, PUT, DELETE and PATCH', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect((await get(served, `/api/status?token=${token}`, method)).status, method).toBe(405);
    }
    expect((await get(served, `/files/plan.json?token=${token}`, 'HEAD')).status).toBe(200);
  });

  it('serves files inside DIR, and symlinks that stay inside', async () => {
    const plan = await get(served, `/files/plan.json?token=${token}`);
    expect(plan.status).toBe(200);
    expect(plan.body).toContain('"name": "sec"');
    expect((await get(served, `/files/link-in.json?token=${token}`)).status).toBe(200);
  });

  it.each([
    '/files/../secret.txt',
    '/files/runs/../../secret.txt',
    '/files/%2e%2e/secret.txt',
    '/files/%2E%2E/secret.txt',
    '/files/..%2fsecret.txt',
    '/files/..%2Fsecret.txt',
    '/files/%2e%2e%2fsecret.txt',
    '/files/%252e%252e/secret.txt',
    '/files/..%5csecret.txt',
    '/files/..\\secret.txt',
    '/files/./../secret.txt',
    '/files//' + 'etc/passwd',
    '/files/%2fetc%2fpasswd',
    '/files/plan.json%00.txt',
    '/files/link-out.txt',
    '/files/dir-out/x.txt',
    '/files/runs',
    '/files/',
    '/../secret.txt',
    '/api/../files/plan.json',
    '/assets/../../secret.txt',
    '/etc/passwd',
  ])('404 for %s', async (path) => {
    const r = await get(served, `${path}${path.includes('?') ? '&' : '?'}token=${token}`);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain(SECRET);
    expect(r.body).not.toContain('root:');
  });

  it('binds 127.0.0.1 only by default: nothing answers on 127.0.0.2', async () => {
    expect(await listening('127.0.0.1', Number(served.url.port))).toBe(true);
    expect(await listening('127.0.0.2', Number(served.url.port))).toBe(false);
  });

  it('--host binds the address given, and the token is needed there too', async () => {
    const other = await startServing(['serve', out, '--host', '127.0.0.2']);
    try {
      expect(other.firstLine).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/\?token=/);
      const port = Number(other.url.port);
      expect(await listening('127.0.0.1', port)).toBe(false);
      expect((await get(other, '/api/status')).status).toBe(401);
      expect((await get(other, `/api/status?token=${other.url.searchParams.get('token')}`)).status).toBe(200);
      // each server has its own token
      expect((await get(other, `/api/status?token=${token}`)).status).toBe(401);
    } finally {
      other.child.kill('SIGINT');
      expect(await other.exited).toBe(0);
    }
  });

  it('refuses a port that cannot be had, in one line (exit 2)', () => {
    const r = runCli(['serve', out, '--port', served.url.port]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^--port \d+, --host 127\.0\.0\.1: cannot listen there \(EADDRINUSE\)$/);
    expect(runCli(['serve', out, '--port', 'http']).stderr).toContain('--port http: a port number from 0 to 65535');
    expect(runCli(['serve', join(dir, 'nowhere')]).code).toBe(2);
  });
});
