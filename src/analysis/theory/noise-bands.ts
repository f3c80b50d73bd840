/**
 * Where the model applies: the final mean ‖wᵢ‖² (panel b) and the end of Phase I (panel c) against their predictions,
 * band by band of the noise ratio x = (d − 1)ησ̄²/(2B√d‖θ*‖) (summary column `noise_ratio`). The model relaxes to the
 * end point of label-noise SGD, which holds only for small x: above x ≈ 0.055 (d = 20) the weights settle in a larger,
 * noise-sustained state, which the model takes for its terminal state from d·x = 0.75 on but relaxes to at the end
 * point's rate, not derived there (docs/theory.md). Scored runs only, as in the panels.
 */
import type { SummaryRow } from '../../io/index.js';
import { fmt } from '../base/render.js';
import { panelData, ratioStats, runs, THEORY_PANELS } from './theory.js';

/** Band edges of x: a factor of about 3 apart, the end point's onset of instability (≈ 0.055 at d = 20) inside one. */
const EDGES = [0.01, 0.03, 0.1, 0.3] as const;

interface Stats {
  n: number;
  median: number | null;
  within125: number | null;
}

export interface NoiseBand {
  label: string;
  /** panel (b): runs scored, median measured/predicted and the share within [0.8, 1.25] (the figure) */
  end: Stats;
  /** panel (c) */
  phase1: Stats;
}

function bandLabel(i: number): string {
  if (i === 0) return `x < ${EDGES[0]}`;
  if (i === EDGES.length) return `x ≥ ${EDGES[EDGES.length - 1]}`;
  return `${EDGES[i - 1]} ≤ x < ${EDGES[i]}`;
}

/** The bands that hold at least one scored run of panel (b), in order of x. */
export function noiseBands(rows: readonly SummaryRow[]): NoiseBand[] {
  const [end, phase1] = ['wend', 'phase1'].map((id) => THEORY_PANELS.find((p) => p.id === id)!);
  const out: NoiseBand[] = [];
  for (let i = 0; i <= EDGES.length; i++) {
    const lo = i === 0 ? 0 : EDGES[i - 1];
    const hi = i === EDGES.length ? Infinity : EDGES[i];
    const inBand = rows.filter((r) => {
      const x = r.extra?.noise_ratio;
      return x !== null && x !== undefined && x >= lo && x < hi;
    });
    const stats = (panel: typeof end) => {
      const s = ratioStats(panelData(inBand, panel).points.filter((p) => !p.rich));
      return { n: s?.n ?? 0, median: s?.median ?? null, within125: s?.within125 ?? null };
    };
    const band = { label: bandLabel(i), end: stats(end), phase1: stats(phase1) };
    if (band.end.n > 0) out.push(band);
  }
  return out;
}

export function noiseBandSentence(bands: readonly NoiseBand[]): string {
  const title = '(i) by noise ratio x = (d − 1)ησ̄²/(2B√d‖θ*‖), where the end point is stable for small x only';
  if (bands.length === 0) return `${title}: no scored run.`;
  const part = (b: NoiseBand, which: 'end' | 'phase1') =>
    `${fmt(b[which].median)} over ${runs(b[which].n)} with ${b.label} (${Math.round(100 * b[which].within125!)}% within [0.8, 1.25])`;
  const end = bands.map((b) => part(b, 'end')).join(', ');
  const withPhase1 = bands.filter((b) => b.phase1.n > 0);
  const phase1 = withPhase1.length ? `; (c) ${withPhase1.map((b) => part(b, 'phase1')).join(', ')}` : '; (c) no run measures both';
  return `${title}: median measured/predicted (b) ${end}${phase1}.`;
}
