import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOrphanedTemp, isTempName, tempPathFor, writeFileAtomic, writeJsonAtomic } from '../../src/io/index.js';
import { tempDir } from '../helpers.js';

describe('atomic writes and their temp files', () => {
  it('a temp name never matches *.arrow and names its writer', () => {
    const name = basename(tempPathFor('/x/runs/abc.arrow'));
    expect(name.endsWith('.arrow')).toBe(false);
    expect(isTempName(name)).toBe(true);
    expect(name).toContain(`-${process.pid}-${hostname()}`);
  });

  it("a temp file of a dead process on this host is orphaned; a live one or another host's is not", () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    expect(isOrphanedTemp(`.a.arrow.tmp-0123abcd-${deadPid}-${hostname()}`)).toBe(true);
    expect(isOrphanedTemp(`.a.arrow.tmp-0123abcd-${process.pid}-${hostname()}`)).toBe(false);
    expect(isOrphanedTemp(`.a.arrow.tmp-0123abcd-${deadPid}-another-host.example`)).toBe(false);
    expect(isOrphanedTemp('a.arrow')).toBe(false);
  });

  it('text and JSON files appear whole under their final name, with no temp file left', () => {
    const dir = tempDir();
    writeFileAtomic(join(dir, 'r.html'), '<p>hi</p>');
    writeJsonAtomic(join(dir, 'plan.json'), { a: 1 });
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toBe('<p>hi</p>');
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toEqual({ a: 1 });
    expect(readdirSync(dir).filter(isTempName)).toEqual([]);
    expect(() => writeFileAtomic(join(dir, 'r.html', 'nested'), 'x')).toThrow(/r\.html/);
    expect(existsSync(join(dir, 'r.html'))).toBe(true);
  });
});
