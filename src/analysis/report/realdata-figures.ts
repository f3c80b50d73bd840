/**
 * The report's real-data panel (paper Figs. 3, 5), for sweeps with `experiment: realdata` runs: per chosen run, the
 * network (solid) beside its linearised model (dashed): (a) train loss, (b) test loss on the held-out examples,
 * (c) ‖W₁‖_F; then (d) how far the network's outputs have left the linearisation's, and a table of final values.
 * Reads `runs/<id>.realdata.arrow` (src/io/realdata-file.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { realDataFilePath, type SummaryRow } from '../../io/index.js';
import { readRealDataFile } from '../../io/realdata-file.js';
import { figureHtml } from '../base/figure-html.js';
import { esc, fmt } from '../base/render.js';
import { chooseRuns, logAxis, runColour, stepAxis, type ChosenRun } from './run-figures.js';

const MAX_POINTS = 200;

/** The section's HTML body (the report adds its heading), or null when the sweep has no finished realdata run. */
export async function realdataSection(dir: string, rows: readonly SummaryRow[]): Promise<string | null> {
  const runs = chooseRuns(rows.filter((r) => r.params.experiment === 'realdata' && r.status !== 'failed'));
  if (runs.length === 0) return null;
  const points: Record<string, unknown>[] = [];
  const table: string[] = [];
  for (const { row, label } of runs) {
    let c;
    try {
      c = readRealDataFile(realDataFilePath(dir, row.run_id)).columns;
    } catch {
      continue; // finished by an older version without the realdata file
    }
    const v = c.values;
    const every = Math.max(1, Math.ceil(c.rows / MAX_POINTS));
    for (let i = 0; i < c.rows; i++) {
      if (i % every !== 0 && i !== c.rows - 1) continue;
      const at = { run: label, step: c.step[i] };
      points.push({
        ...at,
        model: 'network',
        train_loss: pos(v.train_loss[i]),
        test_loss: pos(v.test_loss[i]),
        w1_fro: fin(v.w1_fro[i]),
        out_dist: fin(v.out_dist[i]),
      });
      points.push({
        ...at,
        model: 'linearised',
        train_loss: pos(v.lin_train_loss[i]),
        test_loss: pos(v.lin_test_loss[i]),
        w1_fro: fin(v.lin_w1_fro[i]),
        out_dist: null,
      });
    }
    const k = c.rows - 1;
    const cells = [
      v.train_loss[k],
      v.lin_train_loss[k],
      v.test_loss[k],
      v.lin_test_loss[k],
      v.test_acc[k],
      v.lin_test_acc[k],
      v.w1_fro[0],
      v.w1_fro[k],
      v.lin_w1_fro[k],
      v.w1_move[k],
      v.lin_w1_move[k],
      v.out_dist[k],
    ];
    table.push(`<tr><th>${esc(label)}</th>${cells.map((x) => `<td>${fmt(x)}</td>`).join('')}</tr>`);
  }
  if (points.length === 0) return null;
  const figure = await figureHtml(realdataSpec(runs, points), { id: 'realdata-curves' });
  const head = [
    'run',
    'train net',
    'train lin',
    'test net',
    'test lin',
    'acc net',
    'acc lin',
    '‖W₁‖ start',
    '‖W₁‖ net',
    '‖W₁‖ lin',
    'moved net',
    'moved lin',
    '‖f − f_lin‖',
  ];
  return `<p class="note">Two-layer network on a small MNIST subset, full-batch GD or SAM with label noise τ, beside its first-order expansion at init f(θ₀) + J(θ₀)(θ − θ₀) trained by the same updates on the same noisy labels. Without noise the network tracks its linearisation (lazy); label noise drives it away and shrinks ‖W₁‖_F. Losses are ½‖f(x) − y‖² averaged over examples, on clean one-hot labels; “moved” is ‖W₁ − W₁(0)‖_F / ‖W₁(0)‖_F.</p>
${figure}
<table class="realdata grid"><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${table.join('')}</table>`;
}

const pos = (x: number): number | null => (Number.isFinite(x) && x > 0 ? x : null);
const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

function panel(runs: readonly ChosenRun[], maxStep: number, field: string, title: string, logY: [number, number] | null) {
  return {
    width: 220, // four panels and their axes fit a 1400 px window
    height: 200,
    title,
    mark: { type: 'line', strokeWidth: 1.5, clip: true },
    encoding: {
      x: stepAxis(maxStep),
      y: { field, type: 'quantitative', title: title.replace(/^\([a-d]\) /, ''), ...(logY ? logAxis(...logY) : { scale: { zero: false } }) },
      color: runColour(runs, { orient: 'bottom', columns: 2, labelLimit: 260 }),
      strokeDash: {
        field: 'model',
        type: 'nominal',
        title: 'model',
        scale: {
          domain: ['network', 'linearised'],
          range: [
            [1, 0],
            [5, 3],
          ],
        },
        legend: { orient: 'bottom' },
      },
    },
  };
}

function realdataSpec(runs: readonly ChosenRun[], points: Record<string, unknown>[]): TopLevelSpec {
  const maxStep = Math.max(1, ...points.map((p) => p.step as number));
  const range = (field: string): [number, number] => {
    const v = points.map((r) => r[field]).filter((x): x is number => typeof x === 'number' && x > 0);
    return v.length ? [Math.min(...v), Math.max(...v)] : [1e-3, 1];
  };
  const p = (field: string, title: string, logY: boolean) => panel(runs, maxStep, field, title, logY ? range(field) : null);
  return {
    data: { values: points },
    title: { text: 'Network (solid) and linearised model (dashed)', subtitle: 'one colour per chosen run' },
    // identical legend specs on every panel: vega-lite merges them into one (shared scales), without conflicts
    hconcat: [
      p('train_loss', '(a) train loss (log)', true),
      p('test_loss', '(b) test loss (held out)', false),
      p('w1_fro', '(c) ‖W₁‖_F', false),
      { ...p('out_dist', '(d) ‖f − f_lin‖ on held-out x', false), transform: [{ filter: "datum.model === 'network'" }] },
    ],
  } as unknown as TopLevelSpec;
}
