/**
 * Real components some tests need (Redis, Chromium, Slurm, the Python readers, a root-only mount): one rule for all
 * of them. Outside CI a missing component skips the tests that need it, with the reason in their title; with CI=true
 * it fails them, saying how to install it, so a CI run can never pass by skipping. `.ci/run` installs every one.
 */
import { spawnSync } from 'node:child_process';

export const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * `missing` is null when the component is there, else why not. Returns null (run the tests) or the reason to skip,
 * for `describe.skipIf(reason !== null)`; with CI=true a missing component throws instead.
 */
export function requireComponent(name: string, missing: string | null, install: string): string | null {
  if (missing === null) return null;
  if (IN_CI) throw new Error(`${name} is required when CI=true, and it is missing: ${missing}. Install it: ${install}`);
  const reason = `${name} missing (${missing}); install: ${install}`;
  console.warn(`[test] skipping the tests that need ${reason}`);
  return reason;
}

/** A title that says why its tests are skipped. */
export const titled = (title: string, skip: string | null): string => (skip === null ? title : `${title} (skipped: ${skip})`);

/** Null when `cmd args` runs and exits 0, else what went wrong. */
export function probe(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return `${cmd}: ${r.error.message}`;
  if (r.status !== 0) return `${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  return null;
}

export const requireRedis = () => requireComponent('redis-server', probe('redis-server', ['--version']), 'apt-get install redis-server');

export const requirePoppler = () =>
  requireComponent('poppler-utils (pdfinfo, pdffonts, pdftoppm)', probe('pdftoppm', ['-v']), 'apt-get install poppler-utils');

export const requirePythonReaders = () =>
  requireComponent(
    'the Python readers (pyarrow, pandas, polars, duckdb)',
    probe('python3', ['-c', 'import pyarrow, pandas, polars, duckdb']),
    'python3 -m pip install pyarrow pandas polars duckdb',
  );

/** numpy, for tests that check a formula against an independent implementation (pandas brings it along). */
export const requireNumpy = () => requireComponent('python3 with numpy', probe('python3', ['-c', 'import numpy']), 'python3 -m pip install numpy');
