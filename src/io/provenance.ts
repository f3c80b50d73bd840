/**
 * Where a result came from (docs/formats.md, Provenance): the tool's version and git commit, the Node version and the machine.
 * Collected once per process (git is spawned at most twice, on the first call) and cached; the coordinator passes
 * it to workers, which add their run's own entries (engine, start and end times). `run` starts collecting it
 * (provenanceSoon) before it reads the folder, so that git's two processes run meanwhile, beside it, rather than one
 * after the other in its way (a `run` with nothing left to do spent 30-60 ms waiting for them).
 *
 * The tool's folder is found from this module's own file (src/io/ under vitest, dist/io/ when built, or
 * node_modules/lnsweep/dist/io/ when installed) by walking up to the package.json named `lnsweep`. The git commit is
 * that folder's own checkout only: a tool installed inside someone else's repository reports '' rather than their
 * commit.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { arch, hostname, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: root!, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: GIT_TIMEOUT_MS });
    let state = NO_GIT;
    try {
      const commit = root ? ownCommit(root, git(TOP_AND_HEAD)) : null;
      if (commit !== null) state = { commit, dirty: dirtyOf(git(DIRTY)) };
    } catch {
      // not a checkout, or no git: provenance says ''
    }
    cached = provenanceOf(root, state);
  }
  return { ...cached };
}

/**
 * collectProvenance, its git processes run side by side while the caller goes on (the promise never rejects).
 * Called again, or after collectProvenance, it hands out the same record.
 */
export function provenanceSoon(): Promise<Record<string, string>> {
  if (cached) return Promise.resolve({ ...cached });
  soon ??= collectSoon();
  return soon.then((p) => ({ ...p }));
}

let soon: Promise<Readonly<Record<string, string>>> | null = null;

function collectSoon(): Promise<Readonly<Record<string, string>>> {
  const root = toolRoot();
  const git = async (args: string[]): Promise<string> =>
    (await promisify(execFile)('git', args, { cwd: root!, encoding: 'utf8', timeout: GIT_TIMEOUT_MS })).stdout;
  const collect = async (): Promise<GitState> => {
    if (!root) return NO_GIT;
    // Both at once in a checkout's top (the second's answer counts only if the first agrees). Elsewhere (installed
    // inside someone's repository) `status` would look through their whole work tree for nothing: first ask.
    const [top, porcelain] = existsSync(join(root, '.git')) ? await Promise.all([git(TOP_AND_HEAD), git(DIRTY)]) : [await git(TOP_AND_HEAD), null];
    const commit = ownCommit(root, top);
    return commit === null ? NO_GIT : { commit, dirty: dirtyOf(porcelain ?? (await git(DIRTY))) };
  };
  return collect()
    .catch(() => NO_GIT)
    .then((state) => (cached ??= provenanceOf(root, state)));
}

interface GitState {
  commit: string;
  dirty: string;
}
const NO_GIT: GitState = { commit: '', dirty: '' };
const GIT_TIMEOUT_MS = 10_000;
const TOP_AND_HEAD = ['rev-parse', '--show-toplevel', 'HEAD'];
const DIRTY = ['status', '--porcelain', '--untracked-files=no'];

function provenanceOf(root: string | null, git: GitState): Readonly<Record<string, string>> {
  return Object.freeze({
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

/**
 * The commit in git's answer to `rev-parse --show-toplevel HEAD`, when that top is `root` itself (the tool's own
 * checkout, not a repository it is installed inside); null otherwise.
 */
function ownCommit(root: string, topAndHead: string): string | null {
  const [top, commit] = topAndHead.trim().split('\n');
  return realpathSync(top) === realpathSync(root) ? commit : null;
}

/** git_dirty from `status --porcelain --untracked-files=no`: a tracked file differs from the commit. */
const dirtyOf = (porcelain: string): string => String(porcelain.trim() !== '');
