/**
 * The report's figures as `lnsweep figure` draws them, one at a time: each kind is a number of panels and a function
 * from a panel size and a column count to the whole Vega-Lite spec (the report lays the same specs out on its page,
 * base/figure-html.ts). figure-export.ts sizes them to the asked width and height.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Agg } from '../base/cells.js';
import { sweepPalette } from '../base/palette.js';
import type { ParamKey, SweepData } from '../base/sweep-data.js';
import { readBoundaries } from '../boundary/boundary-cells.js';
import type { PanelSize } from '../phase/phase-axes.js';
import { phaseInput } from '../phase/phase.js';
import { phaseSpec, spreadSpec } from '../phase/phase-spec.js';
import { boundaryFigures } from '../report/boundary-report.js';
import { chooseRuns, fig2Spec, scatterSpec, snapshotRows, trajectoryRows } from '../report/run-figures.js';
import { panelData, theorySpec, THEORY_PANELS } from '../theory/theory.js';

import type { FigureKind } from './kinds.js';

export interface FigureChoice {
  kind: FigureKind;
  /** phase and spread: the diagram's axes, column and aggregate; boundary: the boundary's metric (optional) */
  x: ParamKey;
  y: ParamKey;
  z?: string;
  facet: ParamKey | null;
  agg: Agg;
}

export interface Drawing {
  /** how many panels (facets or views) the figure has */
  panels: number;
  build: (panel: PanelSize, columns: number) => TopLevelSpec;
}

/** The folder has nothing to draw for the asked kind: bad input (exit 2, src/cli/errors.ts), naming why. */
class FigureError extends Error {
  override name = 'FigureError';
}

type Spec = Record<string, unknown>;

/**
 * A spec with every panel `panel` px and its panels in `columns` columns: a facet's inner view, each view of an
 * hconcat (which becomes a wrapped `concat`), or the single view.
 */
function resize(spec: TopLevelSpec, panel: PanelSize, columns: number): TopLevelSpec {
  const s = spec as unknown as Spec;
  const sized = (v: Spec): Spec => ({ ...v, width: Math.round(panel.width), height: Math.round(panel.height) });
  if (s.facet && s.spec) return { ...s, spec: sized(s.spec as Spec), columns } as unknown as TopLevelSpec;
  if (Array.isArray(s.hconcat)) {
    const { hconcat, ...rest } = s;
    return { ...rest, concat: (hconcat as Spec[]).map(sized), columns } as unknown as TopLevelSpec;
  }
  return sized(s) as unknown as TopLevelSpec;
}

export function drawingOf(d: SweepData, c: FigureChoice): Drawing {
  switch (c.kind) {
    case 'phase':
    case 'spread': {
      const input = phaseInput(d, { x: c.x, y: c.y, z: c.z!, facet: c.facet, agg: c.agg }, readBoundaries(d.dir));
      const facets = new Set(input.cells.map((cell) => cell.facet)).size;
      if (c.kind === 'spread' && !spreadSpec(input))
        throw new FigureError(`${d.dir}: no cell of ${c.z} has two finite replicate values: no spread to draw`);
      if (!input.cells.some((cell) => cell.kind === 'value') && c.kind === 'phase') {
        throw new FigureError(`${d.dir}: no cell has a value of ${c.z} (every run diverged, collapsed, failed or never reached it)`);
      }
      return {
        panels: facets,
        build: (panel, columns) => {
          const at = { ...input, panel, columns, print: true };
          return c.kind === 'phase' ? phaseSpec(at) : spreadSpec(at)!;
        },
      };
    }
    case 'fig2': {
      const runs = chooseRuns(d.rows);
      if (runs.length === 0) throw new FigureError(`${d.dir}: no finished run to draw`);
      const spec = fig2Spec(runs, trajectoryRows(d.dir, runs));
      return { panels: 3, build: (panel, columns) => resize(spec, panel, columns) };
    }
    case 'neurons': {
      const runs = chooseRuns(d.rows)
        .filter((r) => r.row.params.snapshot_steps.length > 0)
        .slice(0, 4);
      const points = snapshotRows(d.dir, runs);
      if (points.length === 0) throw new FigureError(`${d.dir}: no chosen run has per-neuron snapshots (set snapshot_steps in the sweep)`);
      const spec = scatterSpec(points);
      return { panels: new Set(points.map((p) => p.run)).size, build: (panel, columns) => resize(spec, panel, columns) };
    }
    case 'theory': {
      const drawn = THEORY_PANELS.map((p) => panelData(d.rows, p)).filter((p) => p.points.length > 0);
      if (drawn.length === 0) throw new FigureError(`${d.dir}: no finished run has both a prediction and a measurement: no theory panel`);
      const spec = theorySpec(drawn, sweepPalette(d.rows, 'sigma'));
      return { panels: drawn.length, build: (panel, columns) => resize(spec, panel, columns) };
    }
    case 'boundary': {
      const figures = boundaryFigures(d, readBoundaries(d.dir), { x: c.x, y: c.y }).filter((f) => c.z === undefined || f.metric === c.z);
      const spec = figures.find((f) => f.spec !== null)?.spec;
      if (!spec) throw new FigureError(`${d.dir}: no two-axis boundary with a curve${c.z ? ` for ${c.z}` : ''} (lnsweep refine writes them)`);
      return { panels: 1, build: (panel, columns) => resize(spec, panel, columns) };
    }
  }
}
