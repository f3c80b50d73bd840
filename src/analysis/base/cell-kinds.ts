/**
 * How a phase-diagram cell that holds no value is drawn and named: one entry per kind, in legend order. A new kind
 * (say, cells whose runs are still pending) is one entry here plus the rule in cells.ts that decides it; the
 * diagram's colours, glyphs, legend, tooltips and the report's "no diagram" sentence all read this table.
 */
export const CELL_KINDS = {
  diverged: { colour: '#d62728', glyph: '✕', glyphColour: 'white', label: () => 'diverged', reason: 'diverged' },
  collapsed: { colour: '#8c8c8c', glyph: 'θ→0', glyphColour: 'white', label: () => 'collapsed (θ → 0)', reason: 'collapsed' },
  unreachable: {
    colour: '#c9d9ea',
    glyph: '∅',
    glyphColour: '#333333',
    label: () => 'unreachable (end point outside)',
    reason: 'unreachable (the end point lies outside the set)',
  },
  not_reached: {
    colour: '#f2f2f2',
    glyph: '>T',
    glyphColour: '#555555',
    label: (horizon: string) => `not reached by ${horizon}`,
    reason: 'not reached by the last step',
  },
  failed: { colour: '#ffbb78', glyph: '!', glyphColour: '#333333', label: () => 'failed (error)', reason: 'failed' },
  pending: { colour: '#f3efe0', glyph: '…', glyphColour: '#555555', label: () => 'pending (not run yet)', reason: 'pending' },
  missing: { colour: '#ffffff', glyph: '–', glyphColour: '#555555', label: () => 'no value', reason: 'no value' },
} as const satisfies Record<string, KindStyle>;

export interface KindStyle {
  /** the cell's fill */
  colour: string;
  /** drawn at the cell's centre when the cell is large enough for it (the tooltip names the kind in any case) */
  glyph: string;
  glyphColour: string;
  /** the legend entry; `horizon` is "step 20,000" or "the run's last step" */
  label: (horizon: string) => string;
  /** in "no diagram: <reason> in 12 cells" */
  reason: string;
}

export type NonValueKind = keyof typeof CELL_KINDS;
export const NON_VALUE_KINDS = Object.keys(CELL_KINDS) as NonValueKind[];
