/**
 * The import graph of src/ (docs/design.md, "Layers"): each layer imports only the layers below it, analysis/ reads
 * output folders through src/io/out-folder/ and never imports run/, and no file imports itself back through others.
 * Static and dynamic (`await import(…)`) imports both count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

/** What each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  engines: ['core'],
  sweep: ['core'],
  io: ['core', 'sweep', 'engines'],
  run: ['core', 'sweep', 'io', 'engines'],
  analysis: ['core', 'sweep', 'io'],
  serve: ['core', 'sweep', 'io', 'analysis', 'engines'],
  cli: ['core', 'sweep', 'io', 'run', 'analysis', 'engines', 'bench', 'serve'],
  bench: ['core', 'sweep', 'io', 'run', 'engines'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

interface Import {
  target: string;
  /** `import type …`: erased at compile time, so it cannot make a cycle at run time */
  typeOnly: boolean;
}

const STATIC = /^(?:import|export)(\s+type)?\s[^;]*?from\s*'(\.{1,2}\/[^']+\.js)'/gm;
const DYNAMIC = /import\(\s*'(\.{1,2}\/[^']+\.js)'\s*\)/g;

/** Each source file (relative to src/) → the source files it imports. */
function importGraph(): Map<string, Import[]> {
  const graph = new Map<string, Import[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const target = (spec: string) => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
    graph.set(relative(SRC, file), [
      ...[...text.matchAll(STATIC)].map((m) => ({ target: target(m[2]), typeOnly: m[1] !== undefined })),
      ...[...text.matchAll(DYNAMIC)].map((m) => ({ target: target(m[1]), typeOnly: false })),
    ]);
  }
  return graph;
}

const layerOf = (file: string) => file.split('/')[0];

/** analysis/'s rooms, lowest first: a room imports only the rooms before it (docs/design.md, "Layers"). */
const ANALYSIS_ROOMS = ['base', 'boundary', 'fit', 'theory', 'phase', 'compare', 'report', 'export'];
const roomOf = (file: string) => (file.startsWith('analysis/') ? file.split('/')[1] : null);

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('finds every import (a sanity check of the parser)', () => {
    expect(graph.get('cli/main.ts')).toContainEqual({ target: 'cli/errors.ts', typeOnly: false });
    expect(graph.get('io/out-folder/summary-rows.ts')).toContainEqual({ target: 'io/run-file.ts', typeOnly: true });
    for (const [file, imports] of graph) for (const { target } of imports) expect(graph.has(target), `${file} → ${target}`).toBe(true);
  });

  it('goes one way: each layer imports only the layers below it; analysis/ nothing from run/', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      for (const { target } of targets) {
        const [from, to] = [layerOf(file), layerOf(target)];
        if (from !== to && !(ALLOWED[from] ?? []).includes(to)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps analysis/ in rooms: base < boundary < fit < theory < phase < compare < report < export, each importing only the rooms below it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = roomOf(file);
      if (from === null) continue;
      expect(ANALYSIS_ROOMS, file).toContain(from);
      for (const { target } of targets) {
        const to = roomOf(target);
        if (to !== null && ANALYSIS_ROOMS.indexOf(to) > ANALYSIS_ROOMS.indexOf(from)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no cycle at run time (type-only imports aside)', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const { target, typeOnly } of graph.get(file) ?? []) if (!typeOnly) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
