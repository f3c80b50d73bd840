/** The figures `lnsweep figure --kind` draws (figure-kinds.ts draws them); apart, so the CLI checks names cheaply. */
export const FIGURE_KINDS = ['phase', 'spread', 'fig2', 'neurons', 'theory', 'boundary'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];
