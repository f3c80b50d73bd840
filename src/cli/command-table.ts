/**
 * Every command of `lnsweep` as data: its positional arguments and its options, in yargs' own option shape. It is
 * the one definition of the command line: yargs is configured from it (yargs-cli.ts, which renders `--help` and every
 * refusal), the quick parser reads well-formed command lines by it (quick-parse.ts), and the handlers take the
 * arguments it types (handlers.ts). Nothing here loads yargs: the commands that parse quickly never do.
 */

interface OptionSpec {
  /** absent for an option given only `choices`, as yargs shows it in `--help` (no [string] beside its choices) */
  readonly type?: 'string' | 'number' | 'boolean';
  readonly describe?: string;
  readonly choices?: readonly string[];
  readonly default?: string | number | boolean;
  readonly demandOption?: boolean;
}

export interface CommandSpec {
  readonly describe: string;
  /** each one required (`<name>`), in order */
  readonly positionals: readonly { readonly name: string; readonly describe?: string }[];
  /** by the name given on the command line (`on-done`); the handler gets it in camelCase (`onDone`) */
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const ON_DONE =
  'shell command to run when this command ends, with LNSWEEP_OUT, LNSWEEP_DONE, LNSWEEP_DIVERGED, LNSWEEP_FAILED, LNSWEEP_PENDING, LNSWEEP_EXIT set';
const PROGRESS = ['auto', 'bar', 'plain', 'none'] as const;
const AGG = ['median', 'mean'] as const;

/** In the order `--help` lists them. */
export const COMMANDS = {
  run: {
    describe: 'run the runs of a sweep file that are not done yet',
    positionals: [{ name: 'sweep', describe: 'sweep file (sweeps/*.yaml)' }],
    options: {
      out: { type: 'string', describe: 'output folder (default out/<name>)' },
      workers: {
        type: 'string',
        describe: 'worker threads (default: one per core; at most 4 per core); with --queue, put in the printed worker command',
      },
      shard: {
        type: 'string',
        describe: 'K/N: run share K of N of the plan (default: from a Slurm array or Kubernetes Indexed Job; "all": the whole plan)',
      },
      engine: { choices: ['native', 'tfjs'], describe: "override every run's engine" },
      fresh: { type: 'boolean', default: false, describe: 'delete the results lnsweep wrote in the folder and start over' },
      add: { type: 'boolean', default: false, describe: 'run this sweep beside the other sweep the folder holds' },
      retries: { type: 'number', describe: 'extra attempts for a failed run (default 0; 2 with --queue)' },
      queue: { type: 'string', describe: 'redis://HOST:PORT[/DB]: enqueue the runs for `lnsweep worker` instead' },
      progress: {
        choices: PROGRESS,
        default: 'auto',
        describe: 'a bar on a terminal, plain lines elsewhere; with --queue only auto or none (none: no summary lines)',
      },
      order: {
        choices: ['spread', 'cost'],
        default: 'spread',
        describe: 'spread: one run of every cell first, spread over the grid, then the other replicates; cost: largest first',
      },
      serve: { type: 'string', describe: 'also serve the live page of the folder (`lnsweep serve`) on port P (default: any free port)' },
      'on-done': { type: 'string', describe: ON_DONE },
    },
  },
  plan: {
    describe: 'print the runs a sweep file expands to; runs nothing',
    positionals: [{ name: 'sweep' }],
    options: { json: { type: 'boolean', default: false, describe: 'the whole plan as JSON' } },
  },
  status: {
    describe: 'done / diverged / failed / pending counts of an output folder, and its divergences and failures by reason',
    positionals: [{ name: 'dir' }],
    options: {
      queue: { type: 'string', describe: "redis://HOST:PORT: also the queue's job counts" },
      json: { type: 'boolean', default: false, describe: 'one JSON document (with --watch: one per change)' },
      watch: { type: 'boolean', default: false, describe: 'keep looking until nothing is pending (in place on a terminal)' },
      interval: { type: 'number', default: 2, describe: 'seconds between looks with --watch' },
    },
  },
  merge: {
    describe: 'write metrics.arrow and refresh summary.arrow (after shards)',
    positionals: [{ name: 'dir' }],
    options: { parquet: { type: 'boolean', default: false, describe: 'also write metrics.parquet and summary.parquet' } },
  },
  refine: {
    describe: 'add runs where a metric crosses a level, round after round; writes DIR/boundary-<metric>.arrow',
    positionals: [{ name: 'dir', describe: 'output folder of `lnsweep run`' }],
    options: {
      metric: { type: 'string', demandOption: true, describe: 'summary column (final_*, norm_decay_rate, *_step), collapsed or diverged' },
      level: { type: 'number', describe: 'the value whose crossing is the boundary (default 0.5 for collapsed and diverged)' },
      axes: { type: 'string', describe: 'X,Y or X: numeric parameters that vary (default: as the report picks them)' },
      rounds: { type: 'number', describe: 'refinement rounds in all (default 4)' },
      budget: { type: 'number', describe: "runs added over all rounds, replicates included (default: the grid's run count)" },
      replicates: { type: 'number', describe: "replicates of each point refinement adds or decides on (default: the sweep's, at least 3)" },
      workers: { type: 'string', describe: 'worker threads (default: one per core; at most 4 per core)' },
      'plan-only': { type: 'boolean', default: false, describe: 'add the next round to plan.json and run nothing (Slurm arrays, queues)' },
      progress: { choices: PROGRESS, default: 'auto' },
      'on-done': { type: 'string', describe: ON_DONE },
    },
  },
  fit: {
    describe: 'fit log M = c + Σ β·log p over the finished runs, with bootstrap intervals; writes DIR/fit-<M>.arrow',
    positionals: [{ name: 'dir', describe: 'output folder of `lnsweep run`' }],
    options: {
      metric: { type: 'string', demandOption: true, describe: 'summary column, e.g. lazy_escape_step' },
      params: { type: 'string', describe: 'p,q,…: parameters to fit against (default: the varying numeric ones)' },
      where: { type: 'string', describe: "conditions on parameters, e.g. 'sigma>0,width>=100'" },
      resamples: { type: 'number', describe: 'bootstrap resamples (default 1000)' },
      seed: { type: 'number', describe: "the bootstrap's seed (default 1)" },
    },
  },
  phase: {
    describe: 'a phase diagram of an output folder as SVG (DIR/phase-<z>-<x>-<y>.svg)',
    positionals: [{ name: 'dir' }],
    options: {
      x: { type: 'string', demandOption: true, describe: 'parameter on the x axis (e.g. sigma)' },
      y: { type: 'string', demandOption: true, describe: 'parameter on the y axis (e.g. alpha)' },
      z: { type: 'string', demandOption: true, describe: 'summary column to colour by (e.g. final_test_loss)' },
      facet: { type: 'string', describe: 'one panel per value of this parameter' },
      agg: { choices: AGG, default: 'median', describe: 'over replicates' },
      rescaled: { type: 'boolean', default: false, describe: 'draw σ as σ/α², α and ‖θ*‖ as ‖θ*‖/α², η as ηα² (the α = 1 frame)' },
      out: { type: 'string', describe: 'SVG file to write' },
    },
  },
  figure: {
    describe: 'one figure alone for a paper: SVG, PNG or PDF (from --out), at --width × --height',
    positionals: [{ name: 'dir' }],
    options: {
      out: { type: 'string', demandOption: true, describe: 'FILE.svg, FILE.png or FILE.pdf: the extension names the format' },
      kind: {
        type: 'string',
        default: 'phase',
        describe: 'phase (a phase diagram), spread, fig2 (run panels), neurons, theory, boundary',
      },
      z: { type: 'string', describe: 'summary column (phase, spread; boundary: its metric)' },
      x: { type: 'string', describe: 'parameter on the x axis (default: as the report picks)' },
      y: { type: 'string', describe: 'parameter on the y axis (default: as the report picks)' },
      facet: { type: 'string', describe: 'one panel per value of this parameter (default: as the report picks)' },
      agg: { choices: AGG, default: 'median', describe: 'over replicates' },
      width: { type: 'number', default: 720, describe: 'the whole figure: px (SVG, PNG at 96 dpi) or pt (PDF)' },
      height: { type: 'number', default: 480, describe: 'the whole figure: px (SVG, PNG at 96 dpi) or pt (PDF)' },
      'font-size': { type: 'number', default: 11, describe: 'tick labels, in px or pt; titles scale with it' },
      dpi: { type: 'number', default: 96, describe: 'PNG resolution: the PNG is width·dpi/96 pixels wide' },
    },
  },
  report: {
    describe: "DIR/report.html: phase diagrams and the paper's figures, one self-contained file",
    positionals: [{ name: 'dir' }],
    options: {
      out: { type: 'string', describe: 'HTML file to write (default DIR/report.html)' },
      rescaled: { type: 'boolean', default: false, describe: 'phase diagrams on σ/α² and ‖θ*‖/α² (the α = 1 frame)' },
    },
  },
  compare: {
    describe: 'how a summary column changed from sweep A to sweep B, cell by cell, with both boundaries (SVG in B)',
    positionals: [
      { name: 'a', describe: 'output folder of the first sweep' },
      { name: 'b', describe: 'output folder of the second sweep, over the same axes' },
    ],
    options: {
      z: { type: 'string', demandOption: true, describe: 'summary column (e.g. final_test_loss): B − A, or B / A for log quantities' },
      x: { type: 'string', describe: 'x axis (default: as the report picks it)' },
      y: { type: 'string', describe: 'y axis' },
      facet: { type: 'string', describe: 'one panel per value of this parameter' },
      agg: { choices: AGG, default: 'median', describe: 'over replicates' },
      out: { type: 'string', describe: 'SVG file to write (default B/compare-<z>-<x>-<y>-vs-<A>.svg)' },
    },
  },
  serve: {
    describe: 'a live page of an output folder: counts, ETA, what runs where, problems, the phase diagrams filling in',
    positionals: [{ name: 'dir' }],
    options: {
      port: { type: 'string', default: '0', describe: 'port to listen on (0: any free port)' },
      host: { type: 'string', default: '127.0.0.1', describe: 'address to listen on (e.g. 0.0.0.0 for other machines)' },
    },
  },
  worker: {
    describe: 'take the runs enqueued by `run --queue` and do them here, until the queue is drained',
    positionals: [],
    options: {
      queue: { type: 'string', demandOption: true, describe: 'redis://HOST:PORT' },
      out: { type: 'string', demandOption: true, describe: 'the output folder given to `run --queue`' },
      workers: { type: 'string', describe: 'runs at a time (default: one per core; at most 4 per core)' },
      wait: { type: 'boolean', default: false, describe: 'keep waiting for jobs when the queue is empty' },
      'lock-ms': {
        type: 'number',
        default: 30_000,
        describe: "how long a dead worker's jobs stay claimed before another worker takes them",
      },
      'on-done': { type: 'string', describe: ON_DONE },
    },
  },
  bench: {
    describe: 'benchmarks: kernels against numpy, the orchestrator, and the tfjs backends',
    positionals: [],
    options: {
      quick: { type: 'boolean', default: false, describe: 'fewer repeats, for a smoke test' },
      out: { type: 'string', default: 'bench-results', describe: 'folder for the JSON results' },
      json: { type: 'boolean', default: false, describe: 'print every figure as one JSON document on stdout (tables go to stderr)' },
      only: { type: 'string', describe: 'comma-separated sections to run: wasm, whole-run, kernels, orchestrator, tfjs' },
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** `on-done` → `onDone`: the name a handler reads an option by (yargs' camel-case expansion). */
export const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type ValueOf<O extends OptionSpec> = O extends { readonly choices: readonly (infer C)[] }
  ? C
  : O['type'] extends 'number'
    ? number
    : O['type'] extends 'boolean'
      ? boolean
      : string;
type Given<O extends OptionSpec> = O extends { readonly default: unknown } | { readonly demandOption: true } ? ValueOf<O> : ValueOf<O> | undefined;
type Options<C extends CommandSpec> = { -readonly [K in keyof C['options'] & string as Camel<K>]: Given<C['options'][K]> };
type Positionals<C extends CommandSpec> = { -readonly [P in C['positionals'][number]['name']]: string };

/** What a command's handler gets: every positional, every option by its camelCase name (undefined when not given). */
export type ArgsOf<N extends CommandName> = Positionals<(typeof COMMANDS)[N]> & Options<(typeof COMMANDS)[N]>;

/** The parsed command line, from either parser: the same object for the same command line (test/cli/quick-parse). */
export interface ParsedCommand<N extends CommandName = CommandName> {
  command: N;
  args: ArgsOf<N>;
}

/**
 * A handler's arguments from a parser's values: every positional and option of the command, by its camelCase name,
 * with `value(name)` giving what the command line set (or its default). One builder for both parsers, so that both
 * hand a handler the same keys.
 */
export function argsOf<N extends CommandName>(command: N, value: (camelName: string) => unknown): ArgsOf<N> {
  const spec: CommandSpec = COMMANDS[command];
  const args: Record<string, unknown> = {};
  for (const p of spec.positionals) args[p.name] = value(p.name);
  for (const name of Object.keys(spec.options)) args[camelCase(name)] = value(camelCase(name));
  return args as ArgsOf<N>;
}

export const DEMAND_COMMAND = `name a command: ${COMMAND_NAMES.join(', ')}`;
