/**
 * `lnsweep status DIR`: the folder's counts, and its divergences and failures grouped by reason (each group's count, a
 * few run ids, the parameters its runs share). `--json` prints the same as one JSON document for scripts. `--watch`
 * keeps looking: on a terminal it redraws in place (counts, ETA, what runs where, the problems); elsewhere (a log, a
 * pipe) it writes a plain line whenever something changed, and at least every --interval × 30 seconds. It ends by
 * itself when no run is pending, or at Ctrl-C (both exit 0: watching is not work that an interrupt leaves undone).
 */
import { EXIT_OK, UsageError } from '../errors.js';
import { onInterrupt } from '../process.js';
import type { LiveStatus, ProblemGroup } from '../../io/index.js';

export interface StatusArgs {
  dir: string;
  json?: boolean;
  watch?: boolean;
  /** seconds between looks with --watch */
  interval?: number;
}

type Counts = Pick<LiveStatus, 'name' | 'total' | 'done' | 'diverged' | 'failed' | 'pending' | 'corrupt' | 'problems'>;

export async function statusCommand(args: StatusArgs): Promise<number> {
  const interval = args.interval ?? 2;
  if (!(interval >= 0.2 && interval <= 3600)) throw new UsageError(`--interval: seconds between 0.2 and 3600 (got ${args.interval})`);
  if (args.watch) return watch(args.dir, interval, args.json ?? false);
  const { sweepStatus } = await import('../../io/index.js');
  const s = sweepStatus(args.dir);
  process.stdout.write(args.json ? JSON.stringify(jsonOf(s)) + '\n' : statusLines(s).join('\n') + '\n');
  return EXIT_OK;
}

/** The JSON of `status --json` (and each line of `--watch --json`): the counts, and the problems with every run id. */
function jsonOf(s: Counts & Partial<LiveStatus>): Record<string, unknown> {
  const { name, total, done, diverged, failed, pending, corrupt, problems } = s;
  const extra = s.cost ? { eta_s: s.eta_s, running: s.running, rounds: s.rounds } : {};
  return {
    name,
    total,
    done,
    diverged,
    failed,
    pending,
    corrupt,
    ...extra,
    problems: problems.map((p) => ({
      status: p.status,
      reason: p.reason,
      count: p.count,
      run_ids: p.all_run_ids,
      shared: p.shared,
      example: p.example,
    })),
  };
}

/** The counts line, then two lines per group of problems. */
function statusLines(s: Counts): string[] {
  const lines = [
    `${s.name}: ${s.total} runs: ${s.done} done, ${s.diverged} diverged, ${s.failed} failed, ${s.pending} pending` +
      (s.corrupt > 0 ? ` (${s.corrupt} unreadable run file(s): rerun to redo them)` : ''),
  ];
  for (const p of s.problems) lines.push(...problemLines(p));
  return lines;
}

function problemLines(p: ProblemGroup): string[] {
  const more = p.count > p.run_ids.length ? ` and ${p.count - p.run_ids.length} more` : '';
  const shared = Object.entries(p.shared)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  return [
    `  ${p.status} (${p.count}): ${p.reason}`,
    `    runs ${p.run_ids.join(', ')}${more}${shared ? `; all with ${shared}` : ''}${p.count > 1 && p.example ? `; e.g. ${p.example}` : ''}`,
  ];
}

function watchLines(s: LiveStatus, duration: (seconds: number) => string): string[] {
  const lines = statusLines(s);
  const eta = s.eta_s === null ? (s.running.length > 0 ? 'ETA: after the first runs end' : 'nothing running') : `ETA ${duration(s.eta_s)}`;
  const pct = s.cost.total > 0 ? ((100 * s.cost.finished) / s.cost.total).toFixed(1) : '100.0';
  lines.splice(1, 0, `  ${pct}% of the work (by cost); ${eta}`);
  for (const p of s.running) {
    const runs = p.runs.length > 0 ? `${p.runs.length} running: ${p.runs.map((r) => r.run_id).join(', ')}` : 'idle';
    lines.splice(2, 0, `  ${p.part} on ${p.host}${p.pid !== null ? ` (pid ${p.pid})` : ''}: ${runs}`);
  }
  if (s.loading) lines.push(`  (reading the folder: ${s.loading.read} of ${s.loading.of} run files)`);
  return lines;
}

async function watch(dir: string, intervalS: number, json: boolean): Promise<number> {
  const { LiveFolder } = await import('../../io/index.js');
  const { formatDuration: duration } = await import('../../run/progress.js');
  const live = new LiveFolder(dir);
  const tty = process.stdout.isTTY === true && !json;
  let drawn = 0;
  let lastPlain = 0;
  let lastVersion = -1;
  const draw = () => {
    const s = live.status();
    const lines = watchLines(s, duration);
    if (tty) {
      // up over what was drawn, clear to the end of the screen, draw again
      process.stdout.write((drawn > 0 ? `\x1b[${drawn}A\x1b[J` : '') + lines.join('\n') + '\n');
      drawn = lines.length;
    } else if (live.version !== lastVersion || Date.now() - lastPlain > intervalS * 30_000) {
      process.stdout.write(json ? JSON.stringify(jsonOf(s)) + '\n' : `${new Date().toISOString()} ${lines[0]} | ${lines[1].trim()}\n`);
      lastPlain = Date.now();
    }
    lastVersion = live.version;
    return s;
  };
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const finish = () => {
      if (timer) clearTimeout(timer);
      undo();
      resolve(EXIT_OK);
    };
    const undo = onInterrupt(finish);
    const tick = () => {
      live.refresh(Math.max(100, intervalS * 500));
      const s = draw();
      if (s.pending === 0 && s.running.length === 0 && !s.loading) {
        finish();
        return;
      }
      timer = setTimeout(tick, intervalS * 1000);
    };
    tick();
  });
}
