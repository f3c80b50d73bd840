/**
 * `lnsweep serve DIR [--port P] [--host H]`: the folder's live page (src/serve/), until Ctrl-C. The first line on
 * stdout is the page's URL, token included. Also `run … --serve [P]`, which starts it beside the sweep (servePage).
 */
import { EXIT_OK, UsageError } from '../errors.js';
import { onInterrupt, say } from '../process.js';
import type { Plan } from '../../sweep/plan.js';
import type { RunningServer } from '../../serve/server.js';

export interface ServeArgs {
  dir: string;
  port?: number | string;
  host?: string;
}

export async function serveCommand(args: ServeArgs): Promise<number> {
  const server = await servePage(args.dir, args.port ?? 0, args.host ?? '127.0.0.1', '--port');
  say(`[lnsweep] serving ${args.dir}, read-only, until Ctrl-C`);
  await new Promise<void>((resolve) => {
    const undo = onInterrupt(() => {
      undo();
      resolve();
    });
  });
  await server.close();
  return EXIT_OK;
}

/** Checks the port and host, starts the page, prints its URL as the first line on stdout. */
export async function servePage(dir: string, port: number | string, host: string, flag: string, plan?: Plan): Promise<RunningServer> {
  const text = String(port).trim();
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(
      `${flag} ${text}: a port number from 0 to 65535 (0: any free port)${flag === '--serve' ? '; put --serve after the sweep file' : ''}`,
    );
  }
  if (host.trim() === '') throw new UsageError('--host: give an address to listen on, e.g. 127.0.0.1 or 0.0.0.0');
  const { startServer } = await import('../../serve/server.js');
  let server: RunningServer;
  try {
    server = await startServer({ dir, port: Number(text), host, plan });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UsageError(`${flag} ${text}, --host ${host}: cannot listen there (${code})`, { cause: err });
    }
    throw err;
  }
  process.stdout.write(server.url + '\n');
  return server;
}
