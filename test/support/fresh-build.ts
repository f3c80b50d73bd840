/**
 * Vitest's global setup: refuse to run the suite on a dist/ older than src/. Many tests start the CLI from dist/ (a
 * server, a Slurm task, a worker thread), so a stale build tests old code under new tests' names — and fails, or
 * passes, for reasons that are not in the source (a loaded-machine run of the suite once failed four tests that way).
 * `npm test` builds first; this catches `npx vitest run` after an edit.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');
/** written by the last step of `npm run build` (scripts/help-text.mjs) */
const STAMP = join(REPO, 'dist', 'cli', 'help.txt');

function newestUnder(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(path);
    if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}

export default function checkBuildIsFresh(): void {
  let built: number;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    throw new Error(`no build: ${STAMP} is missing. Run \`npm run build\` (npm test does it first).`);
  }
  const newest = newestUnder(join(REPO, 'src'));
  if (newest.mtimeMs > built) throw new Error(`dist/ is older than ${newest.path}: run \`npm run build\` (npm test does it first).`);
}
