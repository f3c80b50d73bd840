/**
 * Sweep progress for people: a cli-progress bar on a terminal, plain periodic lines elsewhere (CI, nohup, Slurm
 * logs), nothing when asked. The ETA is weighted by run cost (steps × cost per step, from estimateRunCost) and
 * counts the finished part of runs still in flight, because cli-progress's own ETA assumes equal-sized units and
 * looks only at its last few updates.
 */
import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'plain' | 'none';

interface ProgressCounts {
  /** runs finished in this invocation, by outcome */
  done: number;
  diverged: number;
  failed: number;
  /** cost units finished, including the finished fraction of runs still in flight */
  costDone: number;
}

export interface ProgressReporter {
  update(counts: ProgressCounts): void;
  /** a line that must not tear the bar */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  mode: ProgressMode;
  /** runs to do in this invocation (already-finished runs excluded) */
  total: number;
  totalCost: number;
  stream?: NodeJS.WriteStream;
  /** seconds between plain lines */
  plainIntervalS?: number;
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** Seconds left if the cost rate so far holds; Infinity until some cost is done. */
export function costWeightedEta(costDone: number, totalCost: number, elapsedS: number): number {
  if (costDone <= 0 || elapsedS <= 0) return Infinity;
  return (Math.max(0, totalCost - costDone) * elapsedS) / costDone;
}

export function createProgress(opts: ProgressOptions): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const mode = opts.mode === 'auto' ? (stream.isTTY ? 'bar' : 'plain') : opts.mode;
  const now = opts.now ?? (() => performance.now() / 1000);
  const t0 = now();
  let last: ProgressCounts = { done: 0, diverged: 0, failed: 0, costDone: 0 };

  const describe = (c: ProgressCounts) => {
    const finished = c.done + c.diverged + c.failed;
    const elapsed = now() - t0;
    const rate = elapsed > 0 ? finished / elapsed : 0;
    const eta = costWeightedEta(c.costDone, opts.totalCost, elapsed);
    return { finished, elapsed, rate, eta };
  };
  const plainLine = (c: ProgressCounts) => {
    const { finished, elapsed, rate, eta } = describe(c);
    const pct = opts.totalCost > 0 ? (100 * c.costDone) / opts.totalCost : 100;
    return (
      `[lnsweep] ${finished}/${opts.total} runs (${pct.toFixed(1)}% of work), ` +
      `${c.diverged} diverged, ${c.failed} failed, ${rate.toFixed(2)} runs/s, ` +
      `elapsed ${formatDuration(elapsed)}, ETA ${formatDuration(eta)}`
    );
  };

  if (mode === 'none') return { update: (c) => void (last = c), log: (l) => stream.write(l + '\n'), stop() {} };

  if (mode === 'plain') {
    const timer = setInterval(() => stream.write(plainLine(last) + '\n'), (opts.plainIntervalS ?? 10) * 1000);
    timer.unref();
    return {
      update: (c) => void (last = c),
      log: (line) => stream.write(line + '\n'),
      stop() {
        clearInterval(timer);
        stream.write(plainLine(last) + '\n');
      },
    };
  }

  // A MultiBar with one bar, for its log(): it clears the bar, writes the line above it and redraws (writing
  // to the stream directly while a bar is drawn tears it).
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{bar} {value}/{total} runs | {diverged} diverged | {failed} failed | {rate} runs/s | ' + 'elapsed {elapsedText} | ETA {etaText}',
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (c: ProgressCounts) => {
    const { rate, elapsed, eta } = describe(c);
    return {
      diverged: c.diverged,
      failed: c.failed,
      rate: rate.toFixed(2),
      elapsedText: formatDuration(elapsed),
      etaText: formatDuration(eta),
    };
  };
  const bar = bars.create(opts.total, 0, payload(last));
  // Redraw the elapsed time and ETA between run completions too.
  const ticker = setInterval(() => bar.update(payload(last)), 1000);
  ticker.unref();
  return {
    update(c) {
      last = c;
      bar.update(c.done + c.diverged + c.failed, payload(c));
    },
    log(line) {
      bars.log(line + '\n');
    },
    stop() {
      clearInterval(ticker);
      bar.update(payload(last));
      bars.stop();
    },
  };
}
