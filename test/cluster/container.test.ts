/**
 * The Kubernetes path, checked without a Docker engine or a cluster: the Dockerfile (parsed by dockerfile-ast, the
 * parser of VS Code's Docker support) builds in one stage and runs from another with the runtime dependencies only,
 * as an unprivileged user, with the output folder as a volume; the files its final stage copies are enough to run a
 * sweep (the stage is laid out in a temp folder exactly as its COPY lines say, and a sweep is run from it); and
 * scripts/k8s/*.yaml validate against the Kubernetes API's own schema (kubernetes-models), strictly: a field the API
 * does not know, such as a typo, fails as a wrong type does.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readSummary } from '../../src/io/index.js';
import { REPO, tempDir } from '../helpers.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

// ---- the Dockerfile, as stages of instructions -------------------------------------------------------------------

interface Stage {
  name: string | null;
  image: string;
  steps: { keyword: string; args: string[]; from?: string }[];
}

function stagesOf(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const defaults = new Map(dockerfile.getInitialARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? '']));
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((a) => a.getValue());
    if (keyword === 'FROM') {
      const image = args[0].replace(/\$\{(\w+)\}/g, (_, name: string) => defaults.get(name) ?? `\${${name}}`);
      stages.push({ name: args[1]?.toUpperCase() === 'AS' ? args[2] : null, image, steps: [] });
    } else if (stages.length > 0) {
      const from = (instruction as unknown as { getFromFlag?: () => { getValue(): string } | null }).getFromFlag?.()?.getValue();
      // COPY's flags (--from=build) are read above; other instructions keep every word (RUN npm ci --omit=dev)
      stages.at(-1)!.steps.push({ keyword, args: keyword === 'COPY' ? args.filter((a) => !a.startsWith('--')) : args, ...(from ? { from } : {}) });
    }
  }
  return stages;
}

const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const stages = stagesOf(dockerfile);
const [build, runtime] = stages;
const runs = (stage: Stage) => stage.steps.filter((s) => s.keyword === 'RUN').map((s) => s.args.join(' '));
const workdir = (stage: Stage) => stage.steps.filter((s) => s.keyword === 'WORKDIR').at(-1)!.args[0];

/**
 * Whether .dockerignore leaves a context path out: its patterns (the forms it uses: names, `*.ext`, folders, and `!`
 * exceptions), the last one that matches deciding, as Docker reads them.
 */
function ignoredByDockerignore(path: string): boolean {
  const patterns = readFileSync(join(REPO, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let ignored = false;
  for (const line of patterns) {
    const p = line.startsWith('!') ? line.slice(1) : line;
    const re = new RegExp(`^${p.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    if (re.test(path)) ignored = !line.startsWith('!');
  }
  return ignored;
}

/** The repository files `npm run <script>` names, in its own words and those of the npm scripts it runs (dist/ aside: outputs). */
function filesNamedBy(script: string): string[] {
  const words = pkg.scripts[script].split(/\s+/);
  return words.flatMap((word, i) => {
    if (words[i - 2] === 'npm' && words[i - 1] === 'run') return filesNamedBy(word);
    const isFile = !word.startsWith('dist/') && existsSync(join(REPO, word)) && statSync(join(REPO, word)).isFile();
    return isFile ? [word] : [];
  });
}

describe('Dockerfile', () => {
  it('has a build stage and a final stage, both on a slim Node 20 image', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.image).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$/);
  });

  it('builds with every dependency: npm ci from the lockfile, then npm run build (TypeScript and the .wasm)', () => {
    const steps = build.steps.map((s) => `${s.keyword} ${s.args.join(' ')}`);
    const at = (line: string) => steps.findIndex((s) => s.startsWith(line));
    expect(at('COPY package.json package-lock.json')).toBeGreaterThanOrEqual(0);
    expect(at('RUN npm ci')).toBeGreaterThan(at('COPY package.json package-lock.json'));
    expect(runs(build).find((r) => r.startsWith('npm ci'))).not.toMatch(/--omit|--production/);
    expect(at('COPY src')).toBeGreaterThan(at('RUN npm ci'));
    expect(at('RUN npm run build')).toBeGreaterThan(at('COPY src'));
    // what `npm run build` makes: the compiled CLI and the WebAssembly step loops beside it
    expect(pkg.scripts.build).toContain('npm run build:wasm');
    expect(pkg.scripts['build:wasm']).toContain('-o dist/core/wasm/steps.wasm');
    for (const config of ['tsconfig.json', 'tsconfig.build.json']) {
      expect(
        build.steps.some((s) => s.keyword === 'COPY' && s.args.includes(config)),
        config,
      ).toBe(true);
    }
  });

  it('the build stage has every file `npm run build` reads: each is copied into it and not left out by .dockerignore', () => {
    const named = filesNamedBy('build');
    // tsc's project, the bundler, the WebAssembly sources and the bin's launcher
    expect(named).toEqual(
      expect.arrayContaining(['tsconfig.build.json', 'scripts/bundle.mjs', 'src/core/wasm/steps.ts', 'scripts/bin-launcher.mjs']),
    );
    const copied = build.steps.filter((s) => s.keyword === 'COPY' && s.from === undefined).flatMap((s) => s.args.slice(0, -1));
    for (const file of named) {
      expect(
        copied.some((source) => file === source || file.startsWith(`${source}/`)),
        `${file} is copied into the build stage`,
      ).toBe(true);
      expect(ignoredByDockerignore(file), `${file} is in .dockerignore`).toBe(false);
    }
  });

  it('the final stage installs the runtime dependencies only, takes dist/ from the build stage, and runs as node', () => {
    expect(runs(runtime).filter((r) => r.startsWith('npm ci'))).toEqual([expect.stringContaining('--omit=dev')]);
    expect(runtime.steps.filter((s) => s.keyword === 'COPY' && s.from === 'build').map((s) => s.args)).toEqual([['/app/dist', './dist']]);
    const user = runtime.steps.filter((s) => s.keyword === 'USER');
    expect(user.map((s) => s.args[0])).toEqual(['node']);
    // nothing runs as root after the switch, and the switch is the last word on the user
    const lastRun = runtime.steps.map((s) => s.keyword).lastIndexOf('RUN');
    expect(runtime.steps.indexOf(user[0])).toBeGreaterThan(lastRun);
    expect(runtime.steps.find((s) => s.keyword === 'ENTRYPOINT')?.args.join(' ')).toContain('/app/dist/cli/main.js');
  });

  it('declares the output folder /out as a volume, created for the node user', () => {
    expect(runtime.steps.filter((s) => s.keyword === 'VOLUME').map((s) => s.args.join(' '))).toEqual(['["/out"]']);
    expect(runs(runtime)).toContain('mkdir /out && chown node:node /out');
  });

  it('every package the built code imports is a runtime dependency (so --omit=dev leaves nothing out)', () => {
    const runtimePackages = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const files = readdirSync(join(REPO, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(50);
    const imported = new Set<string>();
    for (const f of files) {
      const code = readFileSync(join(REPO, 'dist', f), 'utf8');
      for (const m of code.matchAll(/(?:from\s+|import\(\s*|require\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
        const spec = m[1];
        if (builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((p) => !runtimePackages.has(p)).sort()).toEqual([]);
  });

  it('what the final stage copies is enough to run a sweep: laid out as its COPY lines say, a sweep runs there', () => {
    // the image's /app: each COPY of the final stage, from the build context (.dockerignore honoured) or from the
    // build stage's /app (whose dist/ is what `npm run build` made here); node_modules as npm ci would install it
    const root = join(tempDir(), 'app');
    mkdirSync(root);
    const image = (p: string) => join(root, relative(workdir(runtime), p.startsWith('/') ? p : join(workdir(runtime), p)));
    for (const step of runtime.steps.filter((s) => s.keyword === 'COPY')) {
      const [dest, ...sources] = [...step.args].reverse();
      for (const source of sources.reverse()) {
        const from = step.from === 'build' ? join(REPO, relative(workdir(build), source)) : join(REPO, source);
        if (step.from === undefined) expect(ignoredByDockerignore(source), `${source} is in .dockerignore`).toBe(false);
        expect(existsSync(from), `${source} exists to be copied`).toBe(true);
        const target = dest.endsWith('/') || sources.length > 1 ? join(image(dest), source.split('/').at(-1)!) : image(dest);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(from, target, { recursive: true });
      }
    }
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    expect(existsSync(join(root, 'dist', 'core', 'wasm', 'steps.wasm'))).toBe(true);

    const cli = (args: string[]) => spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8' });
    const version = cli(['--version']);
    expect(version.stdout.trim(), version.stderr).toBe(pkg.version);
    const out = join(root, 'out-smoke');
    const run = cli(['run', 'sweeps/smoke.yaml', '--out', out, '--workers', '1', '--progress', 'none']);
    expect(run.status, run.stderr).toBe(0);
    const summary = readSummary(join(out, 'summary.arrow'));
    expect(summary).toHaveLength(8);
    // the WebAssembly loops ran: steps.wasm was copied with dist/
    expect(new Set(summary.map((r) => r.engine))).toEqual(new Set(['native/subspace-wasm']));
  });

  it('.dockerignore keeps this machine’s node_modules and builds out of the context', () => {
    for (const p of ['node_modules', 'node_modules/yaml/package.json', 'dist', 'dist/cli/main.js', 'out', '.git']) {
      expect(ignoredByDockerignore(p), p).toBe(true);
    }
    for (const p of ['package.json', 'package-lock.json', 'tsconfig.json', 'src/cli/main.ts', 'sweeps/smoke.yaml']) {
      expect(ignoredByDockerignore(p), p).toBe(false);
    }
  });
});

// ---- the manifests against the Kubernetes API's schema ----------------------------------------------------------

const MODELS: Record<string, { prototype: { validate(): void } }> = { 'batch/v1 Job': Job, 'v1 PersistentVolumeClaim': PersistentVolumeClaim };

/**
 * Validates `doc` with the API schema of its kind (kubernetes-models' validators, compiled from the Kubernetes
 * OpenAPI document), and returns the fields the schema does not know. The API's schemas allow unknown fields (the
 * API server drops them, unless asked to be strict), so the validator is shown the document through a proxy that
 * records which keys the schema looks up at each place: a key it never looks up is a field the API does not have.
 * Maps (labels, resources) are read whole by the schema, so their keys all count as known.
 */
function validateStrictly(doc: Record<string, unknown>): string[] {
  const model = MODELS[`${String(doc.apiVersion)} ${String(doc.kind)}`];
  if (!model) throw new Error(`no model for ${String(doc.apiVersion)} ${String(doc.kind)}`);
  const looked = new Map<object, Set<string>>();
  const proxies = new WeakMap<object, object>();
  const watch = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const known = proxies.get(value);
    if (known) return known;
    const keys = new Set<string>();
    looked.set(value, keys);
    const proxy = new Proxy(value, {
      get: (target, key) => {
        if (typeof key === 'string') keys.add(key);
        return watch(Reflect.get(target, key) as unknown);
      },
      has: (target, key) => {
        if (typeof key === 'string') keys.add(key);
        return Reflect.has(target, key);
      },
      ownKeys: (target) => {
        for (const key of Reflect.ownKeys(target)) if (typeof key === 'string') keys.add(key);
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  model.prototype.validate.call(watch(doc)); // throws on a wrong type, a missing required field, a bad enum
  const unknown: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value === null || typeof value !== 'object') return;
    const keys = looked.get(value) ?? new Set<string>();
    for (const [key, child] of Object.entries(value)) {
      const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && !keys.has(key)) unknown.push(at);
      else walk(child, at);
    }
  };
  walk(doc, '');
  return unknown;
}

const manifests = ['indexed-job.yaml', 'merge-job.yaml'].map((file) => ({
  file,
  docs: parseAllDocuments(readFileSync(join(REPO, 'scripts', 'k8s', file), 'utf8'))
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null),
}));
const indexedJob = manifests[0].docs.find((d) => d.kind === 'Job')!;

describe('scripts/k8s manifests against the Kubernetes API schema', () => {
  it.each(manifests)('$file: every object is valid and has no field the API lacks', ({ docs }) => {
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) expect(validateStrictly(doc), `${String(doc.kind)}`).toEqual([]);
  });

  it('a typo in a field name fails: spec.parallelizm', () => {
    const spec = { ...(indexedJob.spec as Record<string, unknown>) };
    spec.parallelizm = spec.parallelism;
    delete spec.parallelism;
    expect(validateStrictly({ ...indexedJob, spec })).toEqual(['spec.parallelizm']);
  });

  it('a typo deep in the pod template fails too: a container’s workDir for workingDir', () => {
    const typo = JSON.parse(JSON.stringify(indexedJob).replace('"workingDir"', '"workDir"')) as Record<string, unknown>;
    expect(validateStrictly(typo)).toEqual(['spec.template.spec.containers[0].workDir']);
  });

  it('a wrong type or a missing required field fails', () => {
    const spec = indexedJob.spec as Record<string, unknown>;
    expect(() => validateStrictly({ ...indexedJob, spec: { ...spec, completions: 'sixteen' } })).toThrow(/spec\/completions must be integer/);
    expect(() => validateStrictly({ ...indexedJob, spec: { ...spec, template: undefined } })).toThrow(/template/);
  });

  it('the jobs run the image this repository builds, as the Dockerfile lays it out', () => {
    for (const { docs } of manifests) {
      for (const job of docs.filter((d) => d.kind === 'Job')) {
        const pod = (job.spec as { template: { spec: Record<string, unknown> } }).template.spec;
        const containers = pod.containers as { image: string; workingDir: string; command: string[]; volumeMounts: { mountPath: string }[] }[];
        for (const c of containers) {
          expect(c.image).toBe(`lnsweep:${pkg.version}`);
          expect(c.workingDir).toBe(workdir(runtime));
          expect(c.volumeMounts.map((m) => m.mountPath)).toEqual(['/out']);
          // the files the command names are in the image (dist/ from the build, sweeps/ from the context)
          for (const arg of c.command
            .join(' ')
            .split(/\s+/)
            .filter((a) => /^(dist|sweeps)\//.test(a))) {
            expect(existsSync(join(REPO, arg)) && statSync(join(REPO, arg)).isFile(), arg).toBe(true);
          }
        }
        // the node user of the image (uid 1000) may write into the volume
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
      }
    }
  });
});
