/**
 * Folder commands on folders of finished tiny runs (issue 23: 1,000 and 20,000 runs), each command a whole process,
 * against `node -e 0`, all taken in turn within every round so that load from elsewhere hits them alike: `status`, a
 * `run` with nothing left to do, `merge` twice (the first merge of a finished sweep, its metrics.arrow removed
 * beforehand, and a merge again over the one it wrote) and `report`, with the peak memory of each (target: ≤ 1 GB).
 * Ratios are medians of the per-round ratios to `node -e 0` (targets: status and run ≤ 10, merge and report ≤ 50).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from 'd3-array';
import { tinySweepYaml } from './per-run.js';
import { CLI_PATH, timeProcess, timeProcessWithMemory, type ProcessTime } from './processes.js';

const COMMANDS = ['status', 'run', 'merge_first', 'merge', 'report'] as const;
type Command = (typeof COMMANDS)[number];
const TARGET: Record<Command, number> = { status: 10, run: 10, merge_first: 50, merge: 50, report: 50 };
const LABEL: Record<Command, string> = {
  status: 'status',
  run: 'run (nothing to do)',
  merge_first: 'merge, first (no metrics.arrow)',
  merge: 'merge, again',
  report: 'report',
};

export interface FolderCommandFigures {
  /** median seconds (wall) and the median of per-round ratios to node -e 0 */
  wall_s: number;
  over_node: number;
  cpu_s: number;
  /** the largest peak resident memory over the rounds, MiB (null without GNU time) */
  max_rss_mib: number | null;
  target: number;
}

export interface FolderSize {
  runs: number;
  node_wall_s: number;
  commands: Record<Command, FolderCommandFigures>;
}

export interface FolderReport {
  rounds: number;
  sizes: FolderSize[];
}

function benchSize(dir: string, runs: number, rounds: number): FolderSize {
  const sweep = join(dir, `tiny-${runs}.yaml`);
  writeFileSync(sweep, tinySweepYaml(`bench-folder-${runs}`, runs));
  const out = join(dir, `out-${runs}`);
  const cli = (...args: string[]) => [process.execPath, CLI_PATH, ...args];
  timeProcess(cli('run', sweep, '--out', out, '--workers', '2', '--progress', 'none'));
  const argv: Record<Command, string[]> = {
    status: cli('status', out),
    run: cli('run', sweep, '--out', out, '--progress', 'none'),
    merge_first: cli('merge', out),
    merge: cli('merge', out),
    report: cli('report', out),
  };
  // a sweep's first merge finds no metrics.arrow: it goes before the timed process starts
  const before: Partial<Record<Command, () => void>> = { merge_first: () => rmSync(join(out, 'metrics.arrow'), { force: true }) };
  const node = () => timeProcess([process.execPath, '-e', '0']).wallS;
  const nodes: number[] = [];
  const times = Object.fromEntries(COMMANDS.map((c) => [c, [] as ProcessTime[]])) as Record<Command, ProcessTime[]>;
  const ratios = Object.fromEntries(COMMANDS.map((c) => [c, [] as number[]])) as Record<Command, number[]>;
  for (let r = 0; r < rounds; r++) {
    const n = node();
    nodes.push(n);
    for (const c of r % 2 === 0 ? COMMANDS : [...COMMANDS].reverse()) {
      before[c]?.();
      const t = timeProcessWithMemory(argv[c]);
      times[c].push(t);
      ratios[c].push(t.wallS / n);
    }
  }
  const commands = Object.fromEntries(
    COMMANDS.map((c) => {
      const rss = times[c].map((t) => t.maxRssKb).filter((k): k is number => typeof k === 'number');
      const figures: FolderCommandFigures = {
        wall_s: median(times[c].map((t) => t.wallS)) ?? NaN,
        over_node: median(ratios[c]) ?? NaN,
        cpu_s: median(times[c].map((t) => t.cpuS)) ?? NaN,
        max_rss_mib: rss.length > 0 ? Math.max(...rss) / 1024 : null,
        target: TARGET[c],
      };
      return [c, figures];
    }),
  ) as Record<Command, FolderCommandFigures>;
  rmSync(out, { recursive: true, force: true });
  return { runs, node_wall_s: median(nodes) ?? NaN, commands };
}

/** `sizes`: the folders' run counts (tests); otherwise 1,000 and 20,000, or 200 and 1,000 with `quick`. */
export function runFolderBench(opts: { quick?: boolean; sizes?: number[]; rounds?: number; log: (line: string) => void }): FolderReport {
  const sizes = opts.sizes ?? (opts.quick ? [200, 1000] : [1000, 20000]);
  const rounds = opts.rounds ?? (opts.quick ? 2 : 5);
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-bench-folder-'));
  try {
    const report: FolderReport = { rounds, sizes: sizes.map((n) => benchSize(dir, n, rounds)) };
    opts.log(`\n## Folder commands on finished tiny runs, against node -e 0 in the same round (medians of ${rounds} rounds)`);
    opts.log('| runs | command | wall s | x node -e 0 | target | CPU s | peak MiB |\n|---|---|---|---|---|---|---|');
    for (const s of report.sizes) {
      for (const c of COMMANDS) {
        const f = s.commands[c];
        const rss = f.max_rss_mib === null ? '-' : f.max_rss_mib.toFixed(0);
        opts.log(`| ${s.runs} | ${LABEL[c]} | ${f.wall_s.toFixed(2)} | ${f.over_node.toFixed(1)} | ≤ ${f.target} | ${f.cpu_s.toFixed(2)} | ${rss} |`);
      }
    }
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
