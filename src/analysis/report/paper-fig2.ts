/**
 * Figure 2 in the paper's own axes (arXiv 2603.10397, Fig. 2): Avg‖wᵢ‖ and Avg|⟨wᵢ, θ*⟩| against step, beside mean
 * |cos(wᵢ, θ*)|, for the report's chosen runs, and sentences that say plainly where the measured curves differ from
 * what the paper describes (norms shrink in Phase I, then the alignment rises within about 100k steps). The paper
 * does not state its θ*; ‖θ*‖ (`teacher_norm`) sets the scale of Avg|⟨wᵢ, θ*⟩|, so runs of other ‖θ*‖ (the A4
 * variant, ‖θ*‖ = m^-¼) are told apart in the legend.
 */
import type { TopLevelSpec } from 'vega-lite';
import { esc, fmt } from '../base/render.js';
import { niceTicks, tickProps } from '../base/ticks.js';
import { logAxis, positiveRange, runColour, stepAxis, stepExtent, type ChosenRun } from './run-figures.js';

/** The paper's description the sentences hold the runs against: alignment rises within about this many steps. */
const PAPER_RISE_STEPS = 100_000;
const steps = (n: unknown): string => Number(n).toLocaleString('en-US');

/** A panel in the look of the report's other run panels (run-figures.ts): its step axis, round ticks, run colours. */
const panel = (runs: readonly ChosenRun[], field: string, title: string, yTitle: string, y: object, legend: boolean, maxStep: number) => ({
  width: 300,
  height: 200,
  title,
  mark: { type: 'line', strokeWidth: 1.6, clip: true },
  encoding: {
    x: stepAxis(maxStep),
    y: { field, type: 'quantitative', title: yTitle, ...y },
    color: runColour(runs, legend ? { orient: 'bottom', columns: 2, labelLimit: 260 } : null),
  },
});

/** The three panels over the rows of run-figures.ts's trajectoryRows. */
export function paperAxesSpec(runs: readonly ChosenRun[], rows: Record<string, unknown>[]): TopLevelSpec {
  const maxStep = stepExtent(runs, rows);
  const [normLo, normHi] = positiveRange(runs, rows, 'w_norm_mean');
  const [, ipHi] = positiveRange(runs, rows, 'align_ip_mean');
  const linear = (hi: number) => ({ scale: { domain: [0, hi], nice: false }, axis: tickProps(niceTicks(0, hi, 'linear', 4)) });
  return {
    data: { values: rows },
    title: { text: "Figure 2 in the paper's axes", subtitle: 'Avg‖wᵢ‖ and Avg|⟨wᵢ, θ*⟩| as the paper plots them, beside mean |cos(wᵢ, θ*)|' },
    hconcat: [
      panel(runs, 'w_norm_mean', '(e) Avg‖wᵢ‖', 'Avg‖wᵢ‖ (log)', logAxis(normLo, normHi), true, maxStep),
      panel(runs, 'align_ip_mean', '(f) Avg|⟨wᵢ, θ*⟩|', 'Avg|⟨wᵢ, θ*⟩|', linear(ipHi), false, maxStep),
      panel(runs, 'align_cos_mean', '(g) mean |cos(wᵢ, θ*)|', 'mean |cos(wᵢ, θ*)|', linear(1), false, maxStep),
    ],
  } as unknown as TopLevelSpec;
}

/**
 * One sentence per chosen run with label noise: how Avg|⟨wᵢ, θ*⟩| and mean |cos| moved over the run, against the
 * paper's rapid rise within about 100k steps.
 */
export function paperAxesNotes(runs: readonly ChosenRun[], rows: readonly Record<string, unknown>[]): string {
  const notes: string[] = [];
  const diverged: string[] = [];
  for (const { row, label } of runs) {
    if (!(row.params.sigma > 0)) continue;
    if (row.status === 'diverged') {
      diverged.push(esc(label));
      continue;
    }
    const own = rows.filter((r) => r.run === label && r.align_ip_mean !== null);
    if (own.length < 2) continue;
    const at = (i: number, f: string) => own[i][f] as number;
    const ip0 = at(0, 'align_ip_mean');
    const ipEnd = at(own.length - 1, 'align_ip_mean');
    const peak = own.slice(1).reduce((best, r) => ((r.align_ip_mean as number) > (best.align_ip_mean as number) ? r : best), own[1]);
    const byRise = own.find((r) => (r.step as number) >= PAPER_RISE_STEPS) ?? own[own.length - 1];
    const rises = (peak.align_ip_mean as number) > 1.5 * ip0 && (peak.step as number) <= PAPER_RISE_STEPS;
    const verdict = rises
      ? `rises as the paper describes (to ${fmt(peak.align_ip_mean as number)} by step ${steps(peak.step)})`
      : ipEnd < ip0
        ? `falls and does not come back, where the paper shows a rapid rise within about ${steps(PAPER_RISE_STEPS)} steps`
        : `does not show the paper's rapid rise within about ${steps(PAPER_RISE_STEPS)} steps (${fmt(byRise.align_ip_mean as number)} at step ${steps(byRise.step)})`;
    notes.push(
      `<li><b>${esc(label)}</b> (‖θ*‖ = ${fmt(row.params.teacher_norm)}): Avg|⟨wᵢ, θ*⟩| goes from ${fmt(ip0)} to ${fmt(ipEnd)} at step ${steps(at(own.length - 1, 'step'))} ` +
        `(largest after step 0: ${fmt(peak.align_ip_mean as number)} at step ${steps(peak.step)}): it ${verdict}. ` +
        `Mean |cos(wᵢ, θ*)| goes from ${fmt(at(0, 'align_cos_mean'))} to ${fmt(at(own.length - 1, 'align_cos_mean'))}, ` +
        `${fmt(byRise.align_cos_mean as number)} at step ${steps(byRise.step)}; Avg‖wᵢ‖ from ${fmt(at(0, 'w_norm_mean'))} to ${fmt(at(own.length - 1, 'w_norm_mean'))}.</li>`,
    );
  }
  // a diverged run's curves are the blow-up, not the dynamics the paper describes
  if (diverged.length > 0) notes.push(`<li>Not compared (diverged): ${diverged.join('; ')}.</li>`);
  if (notes.length === 0) return '';
  return `<p class="note">Where the measured curves differ from the paper's description (norms shrink, then the neurons align with θ* within about ${steps(PAPER_RISE_STEPS)} steps; the paper's θ* is unstated):</p><ul class="theory">${notes.join('')}</ul>`;
}
