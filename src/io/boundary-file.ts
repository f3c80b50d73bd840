/**
 * `boundary-<metric>.arrow`: the level curves `lnsweep refine` found and the band around them (schema in schemas.ts;
 * the curves themselves from src/sweep/refine/boundary.ts). The schema metadata names the axes and facets
 * (`lnsweep.axes`, `lnsweep.facets`, comma-separated), repeats the metric and level, and says how the band was made
 * (`lnsweep.band`, `lnsweep.replicates`), so a reader need not guess which columns are which. No provenance or time is
 * stored: the same results give the same bytes. A file written before the band existed has no `curve` column; it
 * reads back as median curves only.
 */
import { Schema, Table } from 'apache-arrow';
import type { RunParams } from '../core/types.js';
import type { BoundaryCurve, CurveKind } from '../sweep/refine/boundary.js';
import { readArrowFile, writeArrowFileAtomic } from './arrow-file.js';
import { batchOf, dataFromValues } from './arrow-columns.js';
import { ArrowFileError } from './errors.js';
import { boundarySchema, paramFromColumnValue, paramToColumnValue } from './schemas.js';

type Key = keyof RunParams;

export interface BoundaryFile {
  metric: string;
  level: number;
  /** one axis (bisection) or two */
  axes: Key[];
  facets: Key[];
  /** replicates per point the band rests on (refinement's), null in a file written before the band existed */
  replicates: number | null;
  /** segment i is curves[i] */
  curves: BoundaryCurve[];
}

/** What `lnsweep.band` says in every boundary file. */
const BAND_NOTE =
  "95% bootstrap interval of each point's median over its replicates (1000 resamples); lo and hi are the level curves of the intervals' ends, band the region between";

export function writeBoundaryFile(path: string, b: BoundaryFile): void {
  const meta = new Map([
    ['lnsweep.axes', b.axes.join(',')],
    ['lnsweep.facets', b.facets.join(',')],
    // also here, for a file with no curve (the level crossed nowhere)
    ['lnsweep.metric', b.metric],
    ['lnsweep.level', String(b.level)],
    ['lnsweep.band', BAND_NOTE],
    ['lnsweep.replicates', String(b.replicates ?? '')],
  ]);
  const schema = new Schema(boundarySchema(b.axes, b.facets).fields, meta);
  const rows = b.curves.flatMap((c, segment) => c.points.map((p) => ({ c, p, segment })));
  const column = (i: number, values: unknown[]) => dataFromValues(schema.fields[i].type, values);
  const n = schema.fields.length;
  const columns = [
    column(
      0,
      rows.map((r) => r.p.x),
    ),
    ...(b.axes.length > 1
      ? [
          column(
            1,
            rows.map((r) => r.p.y ?? 0),
          ),
        ]
      : []),
    ...b.facets.map((key, i) =>
      column(
        b.axes.length + i,
        rows.map((r) => paramToColumnValue(key, r.c.facetValues[i])),
      ),
    ),
    column(
      n - 4,
      rows.map(() => b.metric),
    ),
    column(
      n - 3,
      rows.map(() => b.level),
    ),
    column(
      n - 2,
      rows.map((r) => r.c.kind),
    ),
    column(
      n - 1,
      rows.map((r) => BigInt(r.segment)),
    ),
  ];
  writeArrowFileAtomic(path, new Table(schema, [batchOf(schema, columns)]));
}

const KINDS: readonly CurveKind[] = ['median', 'lo', 'hi', 'band'];

/** Reads a boundary file back (the inverse of writeBoundaryFile). Throws ArrowFileError. */
export function readBoundaryFile(path: string): BoundaryFile {
  const table = readArrowFile(path);
  const list = (name: string) => (table.schema.metadata.get(name) ?? '').split(',').filter(Boolean) as Key[];
  const axes = list('lnsweep.axes');
  const facets = list('lnsweep.facets');
  const col = (name: string): unknown[] => {
    const v = table.getChild(name);
    if (!v) throw new ArrowFileError(path, `not a boundary file: no column '${name}'`);
    return [...v] as unknown[];
  };
  if (axes.length === 0) throw new ArrowFileError(path, 'not a boundary file: no lnsweep.axes metadata');
  const xs = col(axes[0]).map(Number);
  const ys = axes.length > 1 ? col(axes[1]).map(Number) : null;
  const fv = facets.map((k) => col(k).map((v) => paramFromColumnValue(k, v)));
  const segment = col('segment').map(Number);
  const kind = table.getChild('curve') ? col('curve').map(String) : segment.map(() => 'median');
  const bad = kind.find((k) => !KINDS.includes(k as CurveKind));
  if (bad !== undefined) throw new ArrowFileError(path, `not a boundary file: curve '${bad}' is none of ${KINDS.join(', ')}`);
  const metric = table.schema.metadata.get('lnsweep.metric') ?? (col('metric')[0] as string | undefined) ?? '';
  const level = Number(table.schema.metadata.get('lnsweep.level') ?? col('level')[0] ?? NaN);
  const replicates = Number(table.schema.metadata.get('lnsweep.replicates') ?? '') || null;
  const curves: BoundaryCurve[] = [];
  segment.forEach((s, i) => {
    curves[s] ??= { kind: kind[i] as CurveKind, facetValues: fv.map((values) => values[i]), points: [] };
    curves[s].points.push(ys ? { x: xs[i], y: ys[i] } : { x: xs[i] });
  });
  return { metric, level, axes, facets, replicates, curves };
}
