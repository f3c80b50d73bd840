/**
 * `lnsweep compare A B --z M`: two sweeps over the same axes as one phase diagram of how M changed, cell by cell:
 * B − A, or B / A where M is a log quantity (every aggregate of both positive, spanning ≥ 2 decades: the rule by which
 * the phase diagram itself colours on a log scale), with both folders' refined boundaries drawn over it. The diagram
 * is the phase diagram's own spec (phase-spec.ts), fed cells whose value is the change: a difference diverges around
 * 0, a ratio around 1. Cells are the sweeps' grid cells (refinement's extra points are left out: they rarely fall on
 * the same points in two folders); a cell that is not a value in both (pending, diverged, failed, …) keeps the first
 * such kind of A, then B. Axes must match: by default the axes the report would pick, the same in both.
 */
import { basename, resolve } from 'node:path';
import { comparePath, writeFileAtomic } from '../../io/index.js';
import { readBoundaries, refinementExtras } from '../boundary/boundary-cells.js';
import { buildCells, type Agg, type Cell } from '../base/cells.js';
import { columnLabel } from '../base/labels.js';
import type { Overlay } from '../base/overlay.js';
import { renderSvg } from '../base/render.js';
import { chooseAxes, partialOf, pendingRuns, varyingParams, type ParamKey, type SweepData } from '../base/sweep-data.js';
import { phaseSpec, type PhaseSpecInput } from '../phase/phase-spec.js';

export interface CompareAxes {
  x: ParamKey;
  y: ParamKey;
  facet: ParamKey | null;
}

/** How B differs from A in a cell: a difference, or a ratio for log quantities. */
export type CompareMode = 'difference' | 'ratio';

const describeAxes = (a: CompareAxes | null): string =>
  a ? `${a.x} × ${a.y}${a.facet ? ` by ${a.facet}` : ''}` : 'fewer than two numeric parameters';

/**
 * The axes both folders are drawn over, or why there are none: the ones given (each must vary in both), else the
 * report's choice, which must be the same for both.
 */
export function compareAxes(a: SweepData, b: SweepData, given: Partial<CompareAxes>): CompareAxes | { problem: string } {
  if (given.x || given.y) {
    if (!given.x || !given.y) return { problem: '--x and --y: give both, or neither (the report picks them)' };
    for (const key of [given.x, given.y, ...(given.facet ? [given.facet] : [])]) {
      for (const [name, d] of [
        ['A', a],
        ['B', b],
      ] as const) {
        if (!varyingParams(d.plan.runs).includes(key))
          return { problem: `${key} does not vary in ${name} (${d.dir}); both sweeps need it as an axis` };
      }
    }
    return { x: given.x, y: given.y, facet: given.facet ?? null };
  }
  const [axesA, axesB] = [chooseAxes(a.plan.runs), chooseAxes(b.plan.runs)];
  if (!axesA || !axesB || axesA.x !== axesB.x || axesA.y !== axesB.y || axesA.facet !== axesB.facet) {
    return {
      problem: `the sweeps' axes do not match: A (${a.dir}) varies ${describeAxes(axesA)}, B (${b.dir}) varies ${describeAxes(axesB)}; compare needs the same axes (--x, --y and --facet pick ones both vary)`,
    };
  }
  return axesA;
}

export interface Comparison {
  input: PhaseSpecInput;
  mode: CompareMode;
  /** cells with a value in both */
  compared: number;
  /** cells of one folder that the other lacks */
  unmatched: number;
}

/** The comparison's diagram input; throws nothing: a refusal is compareAxes' job. */
export function comparison(
  a: SweepData,
  b: SweepData,
  o: CompareAxes & { z: string; agg: Agg },
  boundaries: { a: ReturnType<typeof readBoundaries>; b: ReturnType<typeof readBoundaries> },
): Comparison {
  const q = { ...o };
  const grid = (d: SweepData) => d.rows.filter((r) => (r.extra?.refine_round ?? 0) === 0);
  const cellsOf = (d: SweepData) =>
    buildCells(
      grid(d),
      q,
      pendingRuns(d).filter((r) => (r.refine_round ?? 0) === 0),
    );
  const [cellsA, cellsB] = [cellsOf(a), cellsOf(b)];
  const key = (c: Cell) => JSON.stringify([c.facet, c.x, c.y]);
  const byKey = new Map(cellsB.map((c) => [key(c), c]));
  const values = [...cellsA, ...cellsB].filter((c) => c.kind === 'value').map((c) => c.value as number);
  const mode: CompareMode =
    values.length > 0 && values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) >= 100 ? 'ratio' : 'difference';
  const cells: Cell[] = [];
  let compared = 0;
  const seen = new Set<string>();
  for (const ca of cellsA) {
    seen.add(key(ca));
    const cb = byKey.get(key(ca));
    if (!cb) continue;
    const sum = (k: 'runs' | 'done' | 'diverged' | 'failed' | 'pending' | 'collapsed' | 'reached') => ca[k] + cb[k];
    const cell: Cell = {
      ...ca,
      runs: sum('runs'),
      done: sum('done'),
      diverged: sum('diverged'),
      failed: sum('failed'),
      pending: sum('pending'),
      collapsed: sum('collapsed'),
      reached: sum('reached'),
      lastStep: Math.max(ca.lastStep, cb.lastStep),
      spread: null,
    };
    if (ca.kind === 'value' && cb.kind === 'value') {
      compared++;
      cells.push({
        ...cell,
        kind: 'value',
        value: mode === 'ratio' ? (cb.value as number) / (ca.value as number) : (cb.value as number) - (ca.value as number),
      });
    } else cells.push({ ...cell, kind: ca.kind !== 'value' ? ca.kind : cb.kind, value: null });
  }
  const unmatched = cellsA.length - cells.length + cellsB.filter((c) => !seen.has(key(c))).length;
  const overlays = [...tagged('A', boundaries.a, grid(a), cellsA, o), ...tagged('B', boundaries.b, grid(b), cellsB, o)];
  const [pa, pb] = [partialOf(a), partialOf(b)];
  const partial =
    pa || pb
      ? { finished: (pa?.finished ?? a.plan.runs.length) + (pb?.finished ?? b.plan.runs.length), total: a.plan.runs.length + b.plan.runs.length }
      : null;
  return {
    mode,
    compared,
    unmatched,
    input: {
      cells,
      x: o.x,
      y: o.y,
      facet: o.facet,
      agg: o.agg,
      z: `${o.z}_${mode === 'ratio' ? 'ratio' : 'diff'}`,
      zLabel: `${columnLabel(o.z)}, ${mode === 'ratio' ? 'B / A' : 'B − A'}`,
      note: `A: ${a.dir}; B: ${b.dir}.`,
      overlays,
      partial,
    },
  };
}

/** A folder's boundaries over these axes (their bands shaded), labelled with the folder's letter: A solid black, B dashed orange. */
function tagged(
  which: 'A' | 'B',
  files: ReturnType<typeof readBoundaries>,
  rows: SweepData['rows'],
  cells: readonly Cell[],
  o: CompareAxes,
): Overlay[] {
  return refinementExtras(files, rows, cells, o)
    .overlays.filter((ov) => ov.shade === undefined || ov.points.length > 0) // a boundary without a band has none to shade
    .map((ov) => ({
      ...ov,
      label: `${which}: ${ov.label.replace('measured boundary: ', 'boundary ')}`,
      colour: which === 'A' ? '#111111' : '#d95f02',
      dash: which === 'A' || ov.shade !== undefined ? [] : [6, 3],
    }));
}

/** Writes the comparison as SVG and says what it did. */
export async function writeComparison(
  a: SweepData,
  b: SweepData,
  o: CompareAxes & { z: string; agg: Agg },
  out?: string,
): Promise<{ path: string; mode: CompareMode; compared: number; unmatched: number }> {
  const c = comparison(a, b, o, { a: readBoundaries(a.dir), b: readBoundaries(b.dir) });
  const path = out ?? comparePath(b.dir, o.z, o.x, o.y, basename(resolve(a.dir)));
  writeFileAtomic(path, await renderSvg(phaseSpec(c.input)));
  return { path, mode: c.mode, compared: c.compared, unmatched: c.unmatched };
}
