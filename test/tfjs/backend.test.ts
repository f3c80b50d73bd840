/** Backend selection: the first candidate that loads wins, the ones before it are reported with their reason. */
import { describe, expect, test } from 'vitest';
import { BACKEND_ORDER, loadTfjs, selectBackend, type BackendCandidate } from '../../src/engines/tfjs/backend.js';

const failing = (name: BackendCandidate['name'], why: string): BackendCandidate => ({
  name,
  load: () => Promise.reject(new Error(why)),
});

describe('tfjs backend selection', () => {
  test('falls back in order past candidates that fail to load, and says why each was skipped', async () => {
    const got = await selectBackend([
      failing('tensorflow', 'libtensorflow missing'),
      failing('wasm', 'no wasm here'),
      { name: 'cpu', load: async () => {} },
    ]);
    expect(got.backend).toBe('cpu');
    expect(got.tf.getBackend()).toBe('cpu');
    expect(got.skipped).toEqual([
      { name: 'tensorflow', reason: 'Error: libtensorflow missing' },
      { name: 'wasm', reason: 'Error: no wasm here' },
    ]);
  });

  test('a candidate that loads but cannot be activated is skipped too', async () => {
    // A name that no package registers in this process (no WebGPU backend is ever imported), whatever is installed
    // here: its load() succeeds, then tf.setBackend cannot activate it.
    const ghost = 'webgpu' as BackendCandidate['name'];
    const got = await selectBackend([
      { name: ghost, load: async () => {} },
      { name: 'cpu', load: async () => {} },
    ]);
    expect(got.backend).toBe('cpu');
    expect(got.tf.getBackend()).toBe('cpu');
    expect(got.skipped).toHaveLength(1);
    expect(got.skipped[0].name).toBe(ghost);
    expect(got.skipped[0].reason).toMatch(/webgpu/);
  });

  test('no candidate at all is an error naming every failure', async () => {
    await expect(selectBackend([failing('wasm', 'broken')])).rejects.toThrow(/no TensorFlow.js backend loaded: wasm: Error: broken/);
  });

  test('the default order loads the first available real backend here, skipping only those before it', async () => {
    const got = await loadTfjs();
    expect(BACKEND_ORDER).toContain(got.backend);
    expect(got.skipped.map((s) => s.name)).toEqual(BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(got.backend)));
    // the wasm binaries ship inside the package: offline, wasm must be what loads when tfjs-node does not
    if (got.skipped.some((s) => s.name === 'tensorflow')) expect(got.backend).toBe('wasm');
    console.log(`tfjs backend: ${got.backend}; skipped: ${JSON.stringify(got.skipped)}`);
  });

  test('each backend can be asked for by name (the bench measures them in turn)', async () => {
    const preferred = (await loadTfjs()).backend;
    expect((await loadTfjs(['cpu'])).backend).toBe('cpu');
    const again = await loadTfjs(['wasm', 'cpu']);
    expect(again.tf.getBackend()).toBe(again.backend);
    await loadTfjs(['cpu']);
    // asking by name does not change the thread's default: the next run is back on the preferred backend
    const back = await loadTfjs();
    expect(back.backend).toBe(preferred);
    expect(back.tf.getBackend()).toBe(preferred);
  });
});
