/**
 * What keeps the live page to itself. Every request must carry the server's token (the printed URL has it as
 * `?token=`; the page then holds it in a cookie of its own, HttpOnly and SameSite=Strict, so its own requests carry
 * it), or it is answered 401. Files are served only from inside the folder: the request's path is split and each
 * segment decoded once by hand (no URL normalisation, which would let `/files/../x` name another route), a segment
 * that is empty, `.`, `..` or holds a slash, backslash or NUL after decoding is refused, and the file's real path
 * (symlinks resolved) must lie inside the folder's real path. Anything else is 404.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, sep } from 'node:path';

/** 24 random bytes, URL-safe: what the printed URL carries. */
export const newToken = (): string => randomBytes(24).toString('base64url');

/** The cookie that holds the token for the page's own requests: one per port, so two servers do not clash. */
export const cookieName = (port: number): string => `lnsweep_token_${port}`;

/** The token a request carries: its `token` query parameter, or the server's cookie. */
function tokenOf(req: IncomingMessage, port: number): string | null {
  const query = (req.url ?? '').split('?')[1] ?? '';
  for (const pair of query.split('&')) {
    const [k, v] = pair.split('=');
    if (k === 'token' && v !== undefined) {
      try {
        return decodeURIComponent(v);
      } catch {
        return null;
      }
    }
  }
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name && v !== undefined) return v;
  }
  return null;
}

/** True when the request carries `token` (compared in constant time). */
export function authorised(req: IncomingMessage, token: string, port: number): boolean {
  const given = tokenOf(req, port);
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's path, raw (not normalised, not decoded), without its query. */
export const rawPath = (req: IncomingMessage): string => (req.url ?? '').split('?')[0];

/**
 * The real path of the regular file that `rest` (the raw path after `/files/`) names inside `dir`, or null when it
 * names nothing there: a bad segment, a missing file, a folder, or a path (a symlink) that leads out of `dir`.
 */
export function fileInside(dir: string, rest: string): string | null {
  const segments: string[] = [];
  for (const raw of rest.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '' || seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return null;
    segments.push(seg);
  }
  if (segments.length === 0) return null;
  try {
    const root = realpathSync(dir);
    const real = realpathSync(join(root, ...segments));
    if (!real.startsWith(root + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
