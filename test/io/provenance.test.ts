import { describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { collectProvenance } from '../../src/io/index.js';
import { toolRoot } from '../../src/io/provenance.js';

describe('collectProvenance', () => {
  it("finds the tool's own package.json from the module's location", () => {
    const root = toolRoot();
    expect(root).not.toBeNull();
    const pkg = JSON.parse(readFileSync(join(root!, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(pkg.name).toBe('lnsweep');
    expect(collectProvenance().tool_version).toBe(pkg.version);
  });

  it("reports the checkout's commit and whether it is dirty, the Node version and the machine", () => {
    const p = collectProvenance();
    let head = '';
    try {
      head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: toolRoot()!, encoding: 'utf8' }).trim();
    } catch {
      // not a checkout: provenance says ''
    }
    expect(p.git_commit).toBe(head);
    expect(['true', 'false', '']).toContain(p.git_dirty);
    expect(p).toMatchObject({ node_version: process.version, host: hostname(), platform: process.platform, arch: process.arch });
    for (const value of Object.values(p)) expect(typeof value).toBe('string');
  });

  it('is collected once and handed out as copies', () => {
    const a = collectProvenance();
    a.git_commit = 'changed';
    expect(collectProvenance().git_commit).not.toBe('changed');
  });

  it("provenanceSoon (git's processes side by side) gives what collectProvenance gives, as copies", async () => {
    const expected = collectProvenance();
    // a fresh copy of the module, whose cache is empty: its first answer comes from its own git processes
    vi.resetModules();
    const fresh = await import('../../src/io/provenance.js');
    const [a, b] = await Promise.all([fresh.provenanceSoon(), fresh.provenanceSoon()]);
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    a.git_commit = 'changed';
    expect((await fresh.provenanceSoon()).git_commit).toBe(expected.git_commit);
    expect(fresh.collectProvenance()).toEqual(expected);
  });
});
