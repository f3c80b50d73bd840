/**
 * The YAML parser as the build leaves it (src/sweep/yaml-parser.ts, scripts/bundle.mjs): yaml bundled into one script
 * with V8's compiled code for it. It must read every sweep file, and refuse every malformed one, exactly as the yaml
 * package does, and its code cache must be one this Node accepts, and only for the script it was made from.
 */
import { hash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as yaml from 'yaml';
import { cachedCodeFor } from '../../src/sweep/yaml-parser.js';
import { REPO } from '../helpers.js';

const SCRIPT = join(REPO, 'dist', 'sweep', 'yaml.script.js');
const CACHE = join(REPO, 'dist', 'sweep', 'yaml.script.cache');

const MALFORMED = ['a: [1\n', 'a: b: c\n', 'a:\n  - 1\n - 2\n', '- &x [*x]\n', 'a: 1\na: 2\n', '"unclosed\n', 'x: !!binary zz\n', ''];

describe('the YAML parser the build bundles', () => {
  it('reads every sweep file of sweeps/ and refuses malformed text as the yaml package does', async () => {
    // tsc's module beside the build's script: it loads dist/sweep/yaml.script.js, not node_modules
    const built = (await import(join(REPO, 'dist', 'sweep', 'yaml-parser.js'))) as typeof import('../../src/sweep/yaml-parser.js');
    const parser = built.loadYamlParser();
    expect(parser).not.toBe(yaml);
    const texts = readdirSync(join(REPO, 'sweeps'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(join(REPO, 'sweeps', f), 'utf8'));
    expect(texts.length).toBeGreaterThan(5);
    for (const text of [...texts, ...MALFORMED]) {
      const a = parser.parseDocument(text);
      const b = yaml.parseDocument(text);
      expect(a.errors.map((e) => [e.code, e.message, e.linePos])).toEqual(b.errors.map((e) => [e.code, e.message, e.linePos]));
      if (b.errors.length === 0) expect(a.toJS({ maxAliasCount: 1000 })).toEqual(b.toJS({ maxAliasCount: 1000 }));
    }
  });

  it("keeps V8's code for the script, which this Node accepts", () => {
    const source = readFileSync(SCRIPT, 'utf8');
    const code = cachedCodeFor(source, readFileSync(CACHE));
    expect(code).toBeDefined();
    const script = new Script(source, { filename: SCRIPT, cachedData: code });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('uses a cache only for the script it was made from', () => {
    const source = readFileSync(SCRIPT, 'utf8');
    const cache = readFileSync(CACHE);
    expect(cache.subarray(0, 64).toString('latin1')).toBe(hash('sha256', source));
    // the same length, one character changed: V8's own check (the source's length) would not see it
    const edited = source.replace('parseDocument', 'parseDocumenT');
    expect(edited.length).toBe(source.length);
    expect(cachedCodeFor(edited, cache)).toBeUndefined();
    expect(cachedCodeFor(source, null)).toBeUndefined();
    expect(cachedCodeFor(source, cache)?.equals(cache.subarray(64))).toBe(true);
  });
});
