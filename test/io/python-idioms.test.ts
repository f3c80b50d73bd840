/**
 * README's pandas and polars idioms, run as they are written (their code blocks are read from README.md) on a folder
 * shaped like a steps_rule sweep: every setting has its own step grid. Each must draw one unbroken line per setting,
 * against the run's own time, the median over replicates; the pivot-on-step idiom the README warns against is shown
 * to break on the same data. matplotlib is replaced by a stub that records what would be drawn. Also: the summary's
 * integer and boolean columns read as such. Needs the Python readers (requirePythonReaders).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_NAMES, type MetricColumns } from '../../src/core/types.js';
import { writeMetricsFile, writeSummary } from '../../src/io/index.js';
import { requirePythonReaders, titled } from '../support/components.js';
import { PROVENANCE, sampleParams, sampleRow, tempDir } from './helpers.js';

const missing = requirePythonReaders();

/** The README's python blocks that plot metrics.arrow against the run's own time (`step / steps`). */
function readmeIdioms(): { pandas: string; polars: string } {
  const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
  const pandas = blocks.find((b) => b.includes('m.step / m.steps'));
  const polars = blocks.find((b) => b.includes('pl.col("step") / pl.col("steps")'));
  if (!pandas || !polars) throw new Error('README.md has lost its steps_rule idioms (pandas and polars blocks plotting against step / steps)');
  return { pandas, polars };
}

/** Settings σ with their own horizons (as a steps_rule gives them), 5 rows each, 2 replicates; one setting filtered out. */
const SETTINGS = [
  { sigma: 0.5, steps: 160, alpha: 1 },
  { sigma: 1, steps: 80, alpha: 1 },
  { sigma: 2, steps: 40, alpha: 1 },
  { sigma: 2, steps: 40, alpha: 2 },
];
const T = [0, 0.25, 0.5, 0.75, 1];
/** w_norm2_mean at the run's time t: exp(−σ²t)·(1 + rep/100), so the median over replicates 0, 1 is exp(−σ²t)·1.005. */
const norm = (sigma: number, t: number, rep: number) => Math.exp(-sigma * sigma * t) * (1 + rep / 100);

function metrics(sigma: number, steps: number, rep: number): MetricColumns {
  const step = Float64Array.from(T.map((t) => t * steps));
  const values = {} as MetricColumns['values'];
  for (const name of METRIC_NAMES) values[name] = new Float64Array(T.length).fill(0.5);
  values.w_norm2_mean = Float64Array.from(T.map((t) => norm(sigma, t, rep)));
  return { rows: T.length, step, values };
}

/** Runs the README block with matplotlib stubbed and its stdout swallowed; prints the recorded lines as JSON. */
function runIdiom(dir: string, stub: string, code: string): { label: string; x: number[]; y: number[] }[] {
  const script = `import io, json, sys, contextlib
sys.path.insert(0, sys.argv[2])
import matplotlib.pyplot as plt
with contextlib.redirect_stdout(io.StringIO()):
    exec(sys.argv[3])
print(json.dumps(plt.LINES))`;
  const source = code.replaceAll('out/phase-diagram', dir);
  const out = execFileSync('python3', ['-c', script, dir, stub, source], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as { label: string; x: number[]; y: number[] }[];
}

describe.skipIf(missing !== null)(titled("README's pandas and polars idioms on a steps_rule folder", missing), () => {
  let dir: string;
  let stub: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('idioms'));
    stub = join(dir, 'stub');
    mkdirSync(join(stub, 'matplotlib'), { recursive: true });
    writeFileSync(join(stub, 'matplotlib', '__init__.py'), '');
    writeFileSync(
      join(stub, 'matplotlib', 'pyplot.py'),
      `LINES = []
def semilogy(x, y, label=None, **kw):
    LINES.append({'label': label, 'x': [float(v) for v in x], 'y': [float(v) for v in y]})
def _ignore(*a, **kw): pass
xlabel = ylabel = legend = title = show = savefig = _ignore
`,
    );
    const runs = SETTINGS.flatMap((s, i) =>
      [0, 1].map((rep) => ({
        runId: `run-${i}-${rep}`,
        params: sampleParams({ sigma: s.sigma, alpha: s.alpha, width: 1000, steps: s.steps, log_every: s.steps / 4 }),
        replicate: rep,
        sweep: 'idioms',
        seed: 1,
        metrics: metrics(s.sigma, s.steps, rep),
      })),
    );
    await writeMetricsFile(join(dir, 'metrics.arrow'), runs, PROVENANCE);
    const rows = runs.map((r, i) =>
      sampleRow(r.runId, { params: r.params, replicate: r.replicate, extra: { collapsed: i % 3 === 0 ? 1 : 0, refine_round: i % 2 } }),
    );
    await writeSummary(join(dir, 'summary.arrow'), rows, PROVENANCE);
  });
  afterAll(() => cleanup?.());

  const expected = SETTINGS.filter((s) => s.alpha === 1).map((s) => ({
    label: `σ = ${s.sigma.toFixed(1)}`,
    x: T,
    y: T.map((t) => norm(s.sigma, t, 0) * 0.5 + norm(s.sigma, t, 1) * 0.5),
  }));

  /** One line per setting with α = 1, in σ order, each from t = 0 to 1 with no gap, at the replicates' median. */
  const expectLines = (lines: { label: string; x: number[]; y: number[] }[]) => {
    expect(lines.map((l) => l.label)).toEqual(expected.map((e) => e.label));
    lines.forEach((l, i) => {
      expect(l.x).toEqual(expected[i].x);
      l.y.forEach((v, k) => expect(v).toBeCloseTo(expected[i].y[k], 12));
    });
  };

  it('pandas: one unbroken line per setting against step / steps, the median over replicates', () =>
    expectLines(runIdiom(dir, stub, readmeIdioms().pandas)));

  it('polars: the same lines', () => expectLines(runIdiom(dir, stub, readmeIdioms().polars)));

  it('the pivot-on-step idiom the README warns against fills the table with NaN on the same data', () => {
    const out = execFileSync(
      'python3',
      [
        '-c',
        `import sys, pandas as pd
m = pd.read_feather(sys.argv[1] + '/metrics.arrow')
m = m[m.alpha == 1]
print(int(m.groupby(["sigma", "step"]).w_norm2_mean.median().unstack(0).isna().sum().sum()))`,
        dir,
      ],
      { encoding: 'utf8' },
    );
    expect(Number(out)).toBeGreaterThan(0);
  });

  it('summary.arrow: refine_round reads as an integer and collapsed as a boolean in pandas and polars', () => {
    const out = execFileSync(
      'python3',
      [
        '-c',
        `import sys, json, pandas as pd, polars as pl
s = pd.read_feather(sys.argv[1] + '/summary.arrow')
p = pl.read_ipc(sys.argv[1] + '/summary.arrow')
print(json.dumps({
  'pandas': [str(s.refine_round.dtype), str(s.collapsed.dtype)],
  'polars': [str(p.schema['refine_round']), str(p.schema['collapsed'])],
  'values': s.sort_values('run_id').collapsed.tolist(),
}))`,
        dir,
      ],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out) as { pandas: string[]; polars: string[]; values: boolean[] };
    expect(r.pandas).toEqual(['int64', 'bool']);
    expect(r.polars).toEqual(['Int64', 'Boolean']);
    expect(r.values).toEqual([true, false, false, true, false, false, true, false]);
  });
});
