#!/usr/bin/env node
/**
 * The `lnsweep` command line. Parses arguments, calls one command, and turns its result or error into the exit
 * status of errors.ts (listed under `--help`).
 *
 * Each command's module is imported in its handler, never at the top: Arrow, vega, tfjs, BullMQ and Piscina take
 * most of a second to load, and `--help`, `--version` or a refused flag need none of them.
 */
import { installProcessGuards, say } from './process.js'; // first: it owns the signals from here on
import { describeFailure, EXIT_STATUS_HELP, UsageError, workFolder } from './errors.js';
import { checkOpenFileLimit } from './fd-limit.js';
import { joinDashValues } from './options.js';
import { explain, YargsRefusal } from './usage-failure.js';
import { toolVersion } from './version.js';

const ON_DONE =
  'shell command to run when this command ends, with LNSWEEP_OUT, LNSWEEP_DONE, LNSWEEP_DIVERGED, LNSWEEP_FAILED, LNSWEEP_PENDING, LNSWEEP_EXIT set';

async function main(): Promise<number> {
  // Before yargs loads: Node reads a module graph with many files open at once, so under a low `ulimit -n` the
  // import itself would die with an EMFILE stack. These few modules load first, then the check speaks plainly.
  checkOpenFileLimit();
  const { default: yargs } = await import('yargs');
  const { hideBin } = await import('yargs/helpers');
  const argv = hideBin(process.argv);
  await checkFaultsEnv(process.env.LNSWEEP_FAULTS);
  let exitCode = 0;
  const set = (code: number) => void (exitCode = code);
  const cli = yargs(joinDashValues(argv))
    .scriptName('lnsweep')
    .command(
      'run <sweep>',
      'run the runs of a sweep file that are not done yet',
      (y) =>
        y
          .positional('sweep', { type: 'string', demandOption: true, describe: 'sweep file (sweeps/*.yaml)' })
          .option('out', { type: 'string', describe: 'output folder (default out/<name>)' })
          .option('workers', {
            type: 'string',
            describe: 'worker threads (default: one per core; at most 4 per core); with --queue, put in the printed worker command',
          })
          .option('shard', {
            type: 'string',
            describe: 'K/N: run share K of N of the plan (default: from a Slurm array or Kubernetes Indexed Job; "all": the whole plan)',
          })
          .option('engine', { choices: ['native', 'tfjs'] as const, describe: "override every run's engine" })
          .option('fresh', { type: 'boolean', default: false, describe: 'delete the results lnsweep wrote in the folder and start over' })
          .option('add', { type: 'boolean', default: false, describe: 'run this sweep beside the other sweep the folder holds' })
          .option('retries', { type: 'number', describe: 'extra attempts for a failed run (default 0; 2 with --queue)' })
          .option('queue', { type: 'string', describe: 'redis://HOST:PORT[/DB]: enqueue the runs for `lnsweep worker` instead' })
          .option('progress', {
            choices: ['auto', 'bar', 'plain', 'none'] as const,
            default: 'auto' as const,
            describe: 'a bar on a terminal, plain lines elsewhere; with --queue only auto or none (none: no summary lines)',
          })
          .option('order', {
            choices: ['spread', 'cost'] as const,
            default: 'spread' as const,
            describe: 'spread: one run of every cell first, spread over the grid, then the other replicates; cost: largest first',
          })
          .option('serve', {
            type: 'string',
            describe: 'also serve the live page of the folder (`lnsweep serve`) on port P (default: any free port)',
          })
          .option('on-done', { type: 'string', describe: ON_DONE }),
      async (a) => {
        const { runCommand } = await import('./commands/run.js');
        const { withOnDone } = await import('./on-done.js');
        set(
          await withOnDone(
            a.onDone,
            () => workFolder() ?? a.out ?? null,
            () => runCommand({ ...a, sweep: a.sweep }),
          ),
        );
      },
    )
    .command(
      'plan <sweep>',
      'print the runs a sweep file expands to; runs nothing',
      (y) =>
        y
          .positional('sweep', { type: 'string', demandOption: true })
          .option('json', { type: 'boolean', default: false, describe: 'the whole plan as JSON' }),
      async (a) => {
        const { planCommand } = await import('./commands/plan.js');
        set(await planCommand({ sweep: a.sweep, json: a.json }));
      },
    )
    .command(
      'status <dir>',
      'done / diverged / failed / pending counts of an output folder, and its divergences and failures by reason',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true })
          .option('queue', { type: 'string', describe: "redis://HOST:PORT: also the queue's job counts" })
          .option('json', { type: 'boolean', default: false, describe: 'one JSON document (with --watch: one per change)' })
          .option('watch', { type: 'boolean', default: false, describe: 'keep looking until nothing is pending (in place on a terminal)' })
          .option('interval', { type: 'number', default: 2, describe: 'seconds between looks with --watch' }),
      async (a) => {
        const { statusCommand } = await import('./commands/status.js');
        set(await statusCommand({ dir: a.dir, json: a.json, watch: a.watch, interval: a.interval }));
        if (a.queue) {
          const { queueStatusCommand } = await import('./commands/worker.js');
          await queueStatusCommand({ dir: a.dir, queue: a.queue });
        }
      },
    )
    .command(
      'merge <dir>',
      'write metrics.arrow and refresh summary.arrow (after shards)',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true })
          .option('parquet', { type: 'boolean', default: false, describe: 'also write metrics.parquet and summary.parquet' }),
      async (a) => {
        const { mergeCommand } = await import('./commands/inspect.js');
        set(await mergeCommand({ dir: a.dir, parquet: a.parquet }));
      },
    )
    .command(
      'refine <dir>',
      'add runs where a metric crosses a level, round after round; writes DIR/boundary-<metric>.arrow',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'output folder of `lnsweep run`' })
          .option('metric', {
            type: 'string',
            demandOption: true,
            describe: 'summary column (final_*, norm_decay_rate, *_step), collapsed or diverged',
          })
          .option('level', { type: 'number', describe: 'the value whose crossing is the boundary (default 0.5 for collapsed and diverged)' })
          .option('axes', { type: 'string', describe: 'X,Y or X: numeric parameters that vary (default: as the report picks them)' })
          .option('rounds', { type: 'number', describe: 'refinement rounds in all (default 4)' })
          .option('budget', { type: 'number', describe: "runs added over all rounds, replicates included (default: the grid's run count)" })
          .option('replicates', {
            type: 'number',
            describe: "replicates of each point refinement adds or decides on (default: the sweep's, at least 3)",
          })
          .option('workers', { type: 'string', describe: 'worker threads (default: one per core; at most 4 per core)' })
          .option('plan-only', {
            type: 'boolean',
            default: false,
            describe: 'add the next round to plan.json and run nothing (Slurm arrays, queues)',
          })
          .option('progress', { choices: ['auto', 'bar', 'plain', 'none'] as const, default: 'auto' as const })
          .option('on-done', { type: 'string', describe: ON_DONE }),
      async (a) => {
        const { refineCommand } = await import('./commands/refine.js');
        const { withOnDone } = await import('./on-done.js');
        const axes = a.axes === undefined ? undefined : a.axes.split(',').map((s) => s.trim());
        set(
          await withOnDone(
            a.onDone,
            () => a.dir,
            () => refineCommand({ ...a, dir: a.dir, metric: a.metric, axes, planOnly: a.planOnly }),
          ),
        );
      },
    )
    .command(
      'fit <dir>',
      'fit log M = c + Σ β·log p over the finished runs, with bootstrap intervals; writes DIR/fit-<M>.arrow',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'output folder of `lnsweep run`' })
          .option('metric', { type: 'string', demandOption: true, describe: 'summary column, e.g. lazy_escape_step' })
          .option('params', { type: 'string', describe: 'p,q,…: parameters to fit against (default: the varying numeric ones)' })
          .option('where', { type: 'string', describe: "conditions on parameters, e.g. 'sigma>0,width>=100'" })
          .option('resamples', { type: 'number', describe: 'bootstrap resamples (default 1000)' })
          .option('seed', { type: 'number', describe: "the bootstrap's seed (default 1)" }),
      async (a) => set(await (await import('./commands/fit.js')).fitCommand({ ...a, dir: a.dir, metric: a.metric })),
    )
    .command(
      'phase <dir>',
      'a phase diagram of an output folder as SVG (DIR/phase-<z>-<x>-<y>.svg)',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true })
          .option('x', { type: 'string', demandOption: true, describe: 'parameter on the x axis (e.g. sigma)' })
          .option('y', { type: 'string', demandOption: true, describe: 'parameter on the y axis (e.g. alpha)' })
          .option('z', { type: 'string', demandOption: true, describe: 'summary column to colour by (e.g. final_test_loss)' })
          .option('facet', { type: 'string', describe: 'one panel per value of this parameter' })
          .option('agg', { choices: ['median', 'mean'] as const, default: 'median' as const, describe: 'over replicates' })
          .option('rescaled', { type: 'boolean', default: false, describe: 'draw σ as σ/α², α and ‖θ*‖ as ‖θ*‖/α², η as ηα² (the α = 1 frame)' })
          .option('out', { type: 'string', describe: 'SVG file to write' }),
      async (a) => {
        const { phaseCommand } = await import('./commands/analysis.js');
        set(await phaseCommand({ dir: a.dir, x: a.x, y: a.y, z: a.z, facet: a.facet, agg: a.agg, out: a.out, rescaled: a.rescaled }));
      },
    )
    .command(
      'figure <dir>',
      'one figure alone for a paper: SVG, PNG or PDF (from --out), at --width × --height',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true })
          .option('out', { type: 'string', demandOption: true, describe: 'FILE.svg, FILE.png or FILE.pdf: the extension names the format' })
          .option('kind', {
            type: 'string',
            default: 'phase',
            describe: 'phase (a phase diagram), spread, fig2 (run panels), neurons, theory, boundary',
          })
          .option('z', { type: 'string', describe: 'summary column (phase, spread; boundary: its metric)' })
          .option('x', { type: 'string', describe: 'parameter on the x axis (default: as the report picks)' })
          .option('y', { type: 'string', describe: 'parameter on the y axis (default: as the report picks)' })
          .option('facet', { type: 'string', describe: 'one panel per value of this parameter (default: as the report picks)' })
          .option('agg', { choices: ['median', 'mean'] as const, default: 'median' as const, describe: 'over replicates' })
          .option('width', { type: 'number', default: 720, describe: 'the whole figure: px (SVG, PNG at 96 dpi) or pt (PDF)' })
          .option('height', { type: 'number', default: 480, describe: 'the whole figure: px (SVG, PNG at 96 dpi) or pt (PDF)' })
          .option('font-size', { type: 'number', default: 11, describe: 'tick labels, in px or pt; titles scale with it' })
          .option('dpi', { type: 'number', default: 96, describe: 'PNG resolution: the PNG is width·dpi/96 pixels wide' }),
      async (a) => {
        const { figureCommand } = await import('./commands/figure.js');
        set(await figureCommand({ ...a, dir: a.dir, out: a.out, kind: a.kind, fontSize: a.fontSize }));
      },
    )
    .command(
      'report <dir>',
      "DIR/report.html: phase diagrams and the paper's figures, one self-contained file",
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true })
          .option('out', { type: 'string', describe: 'HTML file to write (default DIR/report.html)' })
          .option('rescaled', { type: 'boolean', default: false, describe: 'phase diagrams on σ/α² and ‖θ*‖/α² (the α = 1 frame)' }),
      async (a) => {
        const { reportCommand } = await import('./commands/analysis.js');
        set(await reportCommand({ dir: a.dir, out: a.out, rescaled: a.rescaled }));
      },
    )
    .command(
      'compare <a> <b>',
      'how a summary column changed from sweep A to sweep B, cell by cell, with both boundaries (SVG in B)',
      (y) =>
        y
          .positional('a', { type: 'string', demandOption: true, describe: 'output folder of the first sweep' })
          .positional('b', { type: 'string', demandOption: true, describe: 'output folder of the second sweep, over the same axes' })
          .option('z', { type: 'string', demandOption: true, describe: 'summary column (e.g. final_test_loss): B − A, or B / A for log quantities' })
          .option('x', { type: 'string', describe: 'x axis (default: as the report picks it)' })
          .option('y', { type: 'string', describe: 'y axis' })
          .option('facet', { type: 'string', describe: 'one panel per value of this parameter' })
          .option('agg', { choices: ['median', 'mean'] as const, default: 'median' as const, describe: 'over replicates' })
          .option('out', { type: 'string', describe: 'SVG file to write (default B/compare-<z>-<x>-<y>-vs-<A>.svg)' }),
      async (a) => {
        const { compareCommand } = await import('./commands/compare.js');
        set(await compareCommand({ ...a, a: a.a, b: a.b, z: a.z }));
      },
    )
    .command(
      'serve <dir>',
      'a live page of an output folder: counts, ETA, what runs where, problems, the phase diagrams filling in',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true })
          .option('port', { type: 'string', default: '0', describe: 'port to listen on (0: any free port)' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (e.g. 0.0.0.0 for other machines)' }),
      async (a) => {
        const { serveCommand } = await import('./commands/serve.js');
        set(await serveCommand({ dir: a.dir, port: a.port, host: a.host }));
      },
    )
    .command(
      'worker',
      'take the runs enqueued by `run --queue` and do them here, until the queue is drained',
      (y) =>
        y
          .option('queue', { type: 'string', demandOption: true, describe: 'redis://HOST:PORT' })
          .option('out', { type: 'string', demandOption: true, describe: 'the output folder given to `run --queue`' })
          .option('workers', { type: 'string', describe: 'runs at a time (default: one per core; at most 4 per core)' })
          .option('wait', { type: 'boolean', default: false, describe: 'keep waiting for jobs when the queue is empty' })
          .option('lock-ms', {
            type: 'number',
            default: 30_000,
            describe: "how long a dead worker's jobs stay claimed before another worker takes them",
          })
          .option('on-done', { type: 'string', describe: ON_DONE }),
      async (a) => {
        const { workerCommand } = await import('./commands/worker.js');
        const { withOnDone } = await import('./on-done.js');
        set(
          await withOnDone(
            a.onDone,
            () => a.out,
            () => workerCommand({ queue: a.queue, out: a.out, workers: a.workers, wait: a.wait, lockMs: a.lockMs }),
          ),
        );
      },
    )
    .command(
      'bench',
      'benchmarks: kernels against numpy, the orchestrator, and the tfjs backends',
      (y) =>
        y
          .option('quick', { type: 'boolean', default: false, describe: 'fewer repeats, for a smoke test' })
          .option('out', { type: 'string', default: 'bench-results', describe: 'folder for the JSON results' })
          .option('json', { type: 'boolean', default: false, describe: 'print every figure as one JSON document on stdout (tables go to stderr)' })
          .option('only', { type: 'string', describe: 'comma-separated sections to run: wasm, whole-run, kernels, orchestrator, tfjs' }),
      async (a) => {
        const { benchCommand } = await import('./commands/bench.js');
        set(await benchCommand({ quick: a.quick, out: a.out, json: a.json, only: a.only }));
      },
    )
    .demandCommand(1, 'name a command: run, plan, status, merge, refine, fit, phase, figure, report, compare, serve, worker, bench')
    .strict()
    .recommendCommands()
    .fail((msg, err, usage) => {
      // yargs runs the command handler, bad arguments and all, after a .fail() that returns: it must throw.
      throw err ?? new YargsRefusal(msg, usage as unknown as ConstructorParameters<typeof YargsRefusal>[1], argv);
    })
    .epilogue(EXIT_STATUS_HELP)
    .version(toolVersion())
    .help()
    // after --help or --version the process ends by itself, once stdout has its text or its error (process.ts)
    .exitProcess(false);
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
  } catch (err) {
    // a typo gets a suggestion, a missing argument the command's usage (usage-failure.ts)
    throw err instanceof YargsRefusal ? await explain(err) : err;
  }
  return exitCode;
}

/**
 * LNSWEEP_FAULTS, a test hook (src/run/faults.ts), is checked once here: a malformed value is one line and exit 2,
 * rather than a failure of every run it would reach. Its module loads only when the variable is set.
 */
async function checkFaultsEnv(text: string | undefined): Promise<void> {
  if (text === undefined || text === '') return;
  const { parseFaults } = await import('../run/faults.js');
  try {
    parseFaults(text);
  } catch (err) {
    throw new UsageError(`LNSWEEP_FAULTS (a test hook): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * yargs renders a command's whole help text each time the command runs, to have it ready should the handler ask for
 * help later. No handler here does (`--help` renders it anew), and that rendering, cliui wrapping every line, costs
 * about as much as loading the sweep layer, on every command. getInternalMethods is yargs' own seam between its
 * modules, absent from its types; should a later yargs lack it, only the time changes.
 */
function skipHelpCache(cli: object): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

installProcessGuards();
main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const { code, message } = describeFailure(err);
    say(message);
    process.exitCode = code;
  },
);
