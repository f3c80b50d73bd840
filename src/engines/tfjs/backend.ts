/**
 * Which TensorFlow.js backend computes, chosen once per thread: the first of
 *
 *   tensorflow  `@tensorflow/tfjs-node` (libtensorflow through N-API): an optional dependency whose install step
 *               downloads libtensorflow, so on an offline machine npm drops it and this candidate is skipped
 *   wasm        `@tensorflow/tfjs-backend-wasm`: its .wasm binaries ship inside the package; we point setWasmPaths at
 *               the package's dist/ folder on disk (nothing is fetched). In Node it runs single-threaded SIMD.
 *   cpu         tfjs's plain-JS backend, always there
 *
 * that loads. Every run's output records the backend (`tfjs/<backend>`); `skipped` says why the ones before it failed.
 * All backends compute in float32, whatever the dtype of the arrays handed in: results differ from the native
 * engine's float64 by float32 rounding (test/tfjs/differential.test.ts measures how much).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type Tfjs = typeof tf;
export type TfjsBackend = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly TfjsBackend[] = ['tensorflow', 'wasm', 'cpu'];

/** A backend that can be tried: `load` registers it with tfjs (or throws); selection then activates it. */
export interface BackendCandidate {
  name: TfjsBackend;
  load: () => Promise<void>;
}

export interface LoadedTfjs {
  tf: Tfjs;
  backend: TfjsBackend;
  /** candidates tried before `backend`, with the reason each failed */
  skipped: { name: TfjsBackend; reason: string }[];
}

const require = createRequire(import.meta.url);

/** The optional package's name in a variable: TypeScript must not resolve a module that may not be installed. */
const TFJS_NODE = '@tensorflow/tfjs-node';

/** The real candidates, in BACKEND_ORDER. */
function defaultCandidates(): BackendCandidate[] {
  return [
    {
      name: 'tensorflow',
      load: async () => {
        await import(TFJS_NODE); // registers the 'tensorflow' backend with the same tfjs-core instance
      },
    },
    {
      name: 'wasm',
      load: async () => {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
        wasm.setWasmPaths(`${dist}/`);
      },
    },
    { name: 'cpu', load: async () => {} }, // registered by @tensorflow/tfjs itself
  ];
}

/**
 * Tries the candidates in order: load it, then `tf.setBackend` (which initialises it, e.g. compiles the wasm module),
 * and keeps the first that works. Throws only if none does (cpu always does, unless a caller leaves it out).
 */
export async function selectBackend(candidates: readonly BackendCandidate[]): Promise<LoadedTfjs> {
  // Production mode: no debug checks, and no "install tfjs-node" banner from the cpu backend on stderr; which
  // backend loaded, and why the others did not, is reported in every run's outputs instead.
  tf.enableProdMode();
  const skipped: LoadedTfjs['skipped'] = [];
  for (const c of candidates) {
    try {
      await c.load();
      if (!(await tf.setBackend(c.name))) throw new Error(`tf.setBackend('${c.name}') returned false`);
      await tf.ready();
      if (tf.getBackend() !== c.name) throw new Error(`tfjs reports backend '${tf.getBackend()}' after setBackend('${c.name}')`);
      return { tf, backend: c.name, skipped };
    } catch (e) {
      skipped.push({ name: c.name, reason: firstLine(e) });
    }
  }
  throw new Error(`[tfjs] no TensorFlow.js backend loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

let loaded: Promise<LoadedTfjs> | undefined;

/**
 * The thread's tfjs, with the first backend of BACKEND_ORDER that loads. Memoised: the thread's later runs reuse it
 * (switching back to it if something selected another). `only` selects the first of those backends that loads,
 * for now, without changing the thread's default: the bench measures each backend in turn.
 */
export async function loadTfjs(only?: readonly TfjsBackend[]): Promise<LoadedTfjs> {
  if (only) {
    const wanted = new Set(only);
    return selectBackend(defaultCandidates().filter((c) => wanted.has(c.name)));
  }
  loaded ??= selectBackend(defaultCandidates());
  const current = await loaded;
  if (tf.getBackend() !== current.backend) await tf.setBackend(current.backend);
  return current;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}` : String(e);
  return text.split('\n')[0].slice(0, 200);
}
