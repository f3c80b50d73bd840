/**
 * `lnsweep serve DIR`: a live page of an output folder on a local web server (node:http: a handful of read-only
 * routes need no framework). Read-only: GET and HEAD only. It binds 127.0.0.1 unless told another host, and every
 * request needs the token of the URL it prints (guard.ts), so neither another user of the machine nor a page in the
 * browser can read the folder through it. Routes are matched on the raw path, exactly; anything else is 404:
 *
 *   /                    the page (page.ts); the ?token= of the printed URL becomes a cookie for the rest
 *   /assets/page.js      its script; /assets/vega.min.js: vega's browser build, from the package on disk
 *   /api/status          counts, cost-weighted ETA, what runs where, problems by reason (JSON)
 *   /api/events          server-sent events: `change` whenever the folder changed
 *   /api/diagrams        the diagrams the folder can draw; /api/diagram?z=Z: one, as a Vega spec
 *   /api/cell?x=&y=&facet=   a cell's runs and their curves
 *   /api/refinement      runs per refinement round, and each boundary as it grew
 *   /files/<path>        a file inside DIR (report.html, plan.json, summary.arrow …), nothing outside it
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { authorised, cookieName, fileInside, newToken, rawPath } from './guard.js';
import { pageHtml, PAGE_JS } from './page.js';
import type { Plan } from '../sweep/plan.js';
import { ServedFolder } from './served-folder.js';

export interface ServeOptions {
  dir: string;
  /** the plan, when the folder's plan.json may not be written yet (`run --serve` starts the page first) */
  plan?: Plan;
  /** 0: any free port */
  port: number;
  host: string;
}

export interface RunningServer {
  /** the page's address, with its token */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Heartbeat on the event stream, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;
const KEEP_ALIVE_MS = 60_000;

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // vega compiles its expressions with Function(): 'unsafe-eval'; nothing leaves the server
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

const FILE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.jsonl': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Starts the server and the folder's watch; rejects when the host or port cannot be had. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const folder = new ServedFolder(opts.dir, opts.plan);
  const token = newToken();
  // vega's browser build sits beside the module Node resolves for it
  const vegaJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve('vega')), 'vega.min.js'));
  const streams = new Set<ServerResponse>();
  let port = 0;

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      send(res, 500, 'text/plain; charset=utf-8', `500: ${(err as Error).message}\n`);
    }
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!authorised(req, token, port))
      return send(res, 401, 'text/plain; charset=utf-8', '401: open the URL that `lnsweep serve` printed (it carries the token)\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', '405: read-only\n', { Allow: 'GET, HEAD' });
    const path = rawPath(req);
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const json = (value: unknown) => send(res, 200, 'application/json', JSON.stringify(value));
    switch (path) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', pageHtml(`lnsweep: ${folder.view().plan.name}`), {
          'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        });
      case '/assets/page.js':
        return send(res, 200, 'text/javascript; charset=utf-8', PAGE_JS);
      case '/assets/vega.min.js':
        return send(res, 200, 'text/javascript; charset=utf-8', vegaJs);
      case '/api/status':
        return json(folder.status());
      case '/api/diagrams':
        return json(folder.diagrams());
      case '/api/diagram': {
        const z = query.get('z') ?? '';
        if (!folder.diagrams().columns.some((c) => c.z === z)) return send(res, 404, 'text/plain; charset=utf-8', `404: no diagram of '${z}'\n`);
        return json({ z, version: folder.version, spec: folder.diagram(z, facetColumnsOf(query)) });
      }
      case '/api/cell': {
        const x = Number(query.get('x'));
        const y = Number(query.get('y'));
        const cell = Number.isFinite(x) && Number.isFinite(y) ? folder.cell({ x, y, facet: query.get('facet') ?? '' }) : null;
        return cell ? json(cell) : send(res, 404, 'text/plain; charset=utf-8', '404: no such cell\n');
      }
      case '/api/refinement':
        return json(folder.refinement(facetColumnsOf(query)));
      case '/api/events':
        return events(res);
      case '/favicon.ico':
        return send(res, 204, 'image/x-icon', '');
      default:
        if (path.startsWith('/files/')) return file(req, res, path.slice('/files/'.length));
        return send(res, 404, 'text/plain; charset=utf-8', '404\n');
    }
  };

  const events = (res: ServerResponse) => {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    res.write(`retry: 1000\n\nevent: change\ndata: ${folder.version}\n\n`);
    streams.add(res);
    const off = folder.onChange((version) => res.write(`event: change\ndata: ${version}\n\n`));
    const beat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      off();
      clearInterval(beat);
      streams.delete(res);
    });
  };

  const file = (req: IncomingMessage, res: ServerResponse, rest: string) => {
    const real = fileInside(opts.dir, rest);
    if (!real) return send(res, 404, 'text/plain; charset=utf-8', '404\n');
    const type = FILE_TYPES[extname(real)] ?? 'application/octet-stream';
    // a page from the folder is shown, never run: no script, no form, no request of its own
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': type,
      'Content-Security-Policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(real)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  // a page polls and listens for long: keep its connections open longer than Node's 5 s default
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  folder.start();
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        folder.stop();
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Facets side by side, as the page asks (`columns=1` on a narrow screen): a digit 1-6, anything else the wide default.
 * The cache keeps one spec per value, so only these six are accepted.
 */
function facetColumnsOf(query: URLSearchParams): number | undefined {
  const v = query.get('columns');
  return v !== null && /^[1-6]$/.test(v) ? Number(v) : undefined;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
