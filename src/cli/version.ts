/**
 * `lnsweep --version`: the version in lnsweep's own package.json. yargs would look for a package.json from the folder
 * above its own node_modules, which a bundle (scripts/bundle.mjs) has not got, and then from the working directory,
 * whose package.json may be anyone's. This module is two folders below the package in the sources (src/cli/) and in
 * the bundle (dist/cli/main.js, dist/chunks/) alike.
 */
import { readFileSync } from 'node:fs';

export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name === 'lnsweep' && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // an installed copy without its package.json: say so rather than fail
  }
  return 'unknown';
}
