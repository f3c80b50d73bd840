/**
 * `boundary-<metric>.arrow`: the level curves `lnsweep refine` found (schema in schemas.ts). The schema metadata names
 * the axes and facets (`lnsweep.axes`, `lnsweep.facets`, comma-separated) and repeats the metric and level, so a reader need not guess which columns
 * are which. No provenance or time is stored: the same results give the same bytes.
 */
import { Schema, Table } from 'apache-arrow';
import type { RunParams } from '../core/types.js';
import { readArrowFile, writeArrowFileAtomic } from './arrow-file.js';
import { batchOf, dataFromValues } from './arrow-columns.js';
import { ArrowFileError } from './errors.js';
import { boundarySchema, paramFromColumnValue, paramToColumnValue } from './schemas.js';

type Key = keyof RunParams;

export interface BoundaryCurve {
  /** the facet parameters' values, in `facets` order */
  facetValues: RunParams[Key][];
  /** points in order along the curve; y is absent on a one-axis sweep */
  points: { x: number; y?: number }[];
}

export interface BoundaryFile {
  metric: string;
  level: number;
  /** one axis (bisection) or two */
  axes: Key[];
  facets: Key[];
  /** segment i is curves[i] */
  curves: BoundaryCurve[];
}

export function writeBoundaryFile(path: string, b: BoundaryFile): void {
  const meta = new Map([
    ['lnsweep.axes', b.axes.join(',')],
    ['lnsweep.facets', b.facets.join(',')],
    // also here, for a file with no curve (the level crossed nowhere)
    ['lnsweep.metric', b.metric],
    ['lnsweep.level', String(b.level)],
  ]);
  const schema = new Schema(boundarySchema(b.axes, b.facets).fields, meta);
  const rows = b.curves.flatMap((c, segment) => c.points.map((p) => ({ c, p, segment })));
  const columns = [
    dataFromValues(
      schema.fields[0].type,
      rows.map((r) => r.p.x),
    ),
    ...(b.axes.length > 1
      ? [
          dataFromValues(
            schema.fields[1].type,
            rows.map((r) => r.p.y ?? 0),
          ),
        ]
      : []),
    ...b.facets.map((key, i) =>
      dataFromValues(
        schema.fields[b.axes.length + i].type,
        rows.map((r) => paramToColumnValue(key, r.c.facetValues[i])),
      ),
    ),
    dataFromValues(
      schema.fields[schema.fields.length - 3].type,
      rows.map(() => b.metric),
    ),
    dataFromValues(
      schema.fields[schema.fields.length - 2].type,
      rows.map(() => b.level),
    ),
    dataFromValues(
      schema.fields[schema.fields.length - 1].type,
      rows.map((r) => BigInt(r.segment)),
    ),
  ];
  writeArrowFileAtomic(path, new Table(schema, [batchOf(schema, columns)]));
}

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
  const metric = table.schema.metadata.get('lnsweep.metric') ?? (col('metric')[0] as string | undefined) ?? '';
  const level = Number(table.schema.metadata.get('lnsweep.level') ?? col('level')[0] ?? NaN);
  const curves: BoundaryCurve[] = [];
  segment.forEach((s, i) => {
    curves[s] ??= { facetValues: fv.map((values) => values[i]), points: [] };
    curves[s].points.push(ys ? { x: xs[i], y: ys[i] } : { x: xs[i] });
  });
  return { metric, level, axes, facets, curves };
}
