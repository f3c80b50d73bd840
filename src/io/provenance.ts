/**
 * Where a result came from (docs/formats.md, Provenance): the tool's version and git commit, the Node version and the machine.
 * Collected once per process (git is spawned at most twice, on the first call) and cached; the coordinator passes
 * it to workers, which add their run's own entries (engine, start and end times).
 *
 * The tool's folder is found from this module's own file (src/io/ under vitest, dist/io/ when built, or
 * node_modules/lnsweep/dist/io/ when installed) by walking up to the package.json named `lnsweep`. The git commit is
 * that folder's own checkout only: a tool installed inside someone else's repository reports '' rather than their
 * commit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { arch, hostname, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_VERSION } from '../sweep/plan.js';
import { canonicalJson } from './schemas.js';

const PACKAGE_NAME = 'lnsweep';

const META_PREFIX = 'lnsweep.';

let cached: Readonly<Record<string, string>> | null = null;

/**
 * The schema metadata of every file that carries provenance (docs/formats.md, "Provenance"): the file's own `fixed`
 * entries first (run_id, params, …), then `lnsweep.provenance` (the whole record as canonical JSON), then each
 * entry again as `lnsweep.<key>` in key order, so files with the same contents get the same metadata bytes. A
 * provenance key that would overwrite a fixed entry or the record itself is a bug, and refused.
 */
export function provenanceMetadata(provenance: Record<string, string>, fixed: Record<string, string> = {}): Map<string, string> {
  const meta = new Map<string, string>();
  for (const [key, value] of Object.entries(fixed)) meta.set(`${META_PREFIX}${key}`, value);
  meta.set(`${META_PREFIX}provenance`, canonicalJson(provenance));
  for (const key of Object.keys(provenance).sort()) {
    if (key === 'provenance' || key in fixed) throw new Error(`bug: provenance key '${key}' is reserved for the file's metadata`);
    meta.set(`${META_PREFIX}${key}`, String(provenance[key]));
  }
  return meta;
}

/** tool_version, git_commit, git_dirty, node_version, host, platform, arch, results_version (src/sweep/plan.ts): all
 * strings ('' when unknown). */
export function collectProvenance(): Record<string, string> {
  if (!cached) {
    const root = toolRoot();
    const git = root ? gitState(root) : { commit: '', dirty: '' };
    cached = Object.freeze({
      tool_version: root ? packageVersion(root) : '',
      git_commit: git.commit,
      git_dirty: git.dirty,
      node_version: process.version,
      host: hostname(),
      platform: platform(),
      arch: arch(),
      results_version: String(RESULTS_VERSION),
    });
  }
  return { ...cached };
}

/** The folder holding lnsweep's package.json, or null if this module is not inside the package. */
export function toolRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // an unreadable package.json on the way up is not ours
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function packageVersion(root: string): string {
  try {
    return String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '');
  } catch {
    return '';
  }
}

function gitState(root: string): { commit: string; dirty: string } {
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  try {
    const [top, commit] = git(['rev-parse', '--show-toplevel', 'HEAD']).trim().split('\n');
    if (realpathSync(top) !== realpathSync(root)) return { commit: '', dirty: '' };
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).trim() !== '';
    return { commit, dirty: String(dirty) };
  } catch {
    return { commit: '', dirty: '' };
  }
}
