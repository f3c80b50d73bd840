/**
 * Where the WebAssembly loops get their memory: one module compiled per thread, and one memory with one instance of
 * it per thread, lent to the runs that thread does one after another (src/core/steps-wasm.ts lays a run out in it).
 *
 * Why per thread: V8 backs every WebAssembly.Memory with a reservation of about 10 GiB of address space, whatever
 * its size (guard regions, so that compiled code needs no bounds checks), released only when the memory is garbage
 * collected. A memory per run, as before, piled those reservations up: under an address-space limit (`ulimit -v`,
 * Slurm's VSizeFactor) runs failed with "WebAssembly.Memory(): could not allocate memory". Now a thread holds at most
 * one, and a run that cannot get it (the limit leaves no 10 GiB) runs the JavaScript loops instead, with the same
 * bits, and says so (TrainResult.wasmRefused, engine_used). NODE_OPTIONS=--disable-wasm-trap-handler makes V8
 * reserve only the pages asked for, at the cost of bounds checks in the loops.
 *
 * The memory is sized to the run that needs it (initial = maximum pages, never grown: growing detaches the buffer,
 * and once any buffer of a thread is detached every typed-array access in its optimised JavaScript slows by about a
 * quarter). A run that needs more than the thread's memory holds replaces it: the old one is dropped first, so V8's
 * own retry after a failed reservation (a full garbage collection) can reclaim it. A second core created while the
 * thread's memory is lent (tests, benchmarks) gets a memory of its own.
 */
import { readFileSync } from 'node:fs';
import type { StepsExports } from './wasm-exports.js';

/** dist/core/wasm/steps.wasm, from this file in src/core (tests) or in dist/core (the built CLI). */
const WASM_URL = new URL('../../dist/core/wasm/steps.wasm', import.meta.url);
const PAGE = 65536;

/** The part of the WebAssembly JS API used here (the project's lib settings carry no WebAssembly types). */
interface WasmModule {
  readonly __brand: 'WebAssembly.Module';
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule, imports: object) => { exports: unknown };
  Memory: new (desc: { initial: number; maximum: number }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

/** The compiled module, or null where it is missing or this runtime lacks WebAssembly SIMD. Once per thread. */
function stepsModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = readFileSync(WASM_URL);
    compiled = WA.validate(bytes) ? new WA.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the WebAssembly loops are wanted: LNSWEEP_WASM=0 turns them off, an explicit option wins. */
export function wasmWanted(option?: boolean): boolean {
  if (option !== undefined) return option;
  return process.env.LNSWEEP_WASM !== '0';
}

/** Whether the WebAssembly loops can run here (module built and SIMD supported). */
export function wasmAvailable(): boolean {
  return stepsModule() !== null;
}

/** A memory and its instance, lent to one core at a time. */
interface Arena {
  readonly w: StepsExports;
  readonly memory: WasmMemory;
  busy: boolean;
}

/** What a core holds while it runs: the instance, its memory, and the next free byte for a layout. */
export interface WasmLease {
  readonly w: StepsExports;
  readonly buffer: ArrayBuffer;
  /** the first byte no layout of this lease uses yet (starts at the module's heap base) */
  free: number;
  /** `length` doubles of the memory from the first free byte (16-aligned), for arrays the loops step in place */
  f64(length: number): Float64Array;
  /** `length` int32 words, likewise */
  i32(length: number): Int32Array;
  /** the subspace kernel's packed forms are formed in the memory (rows-wasm.ts), not copied in from JavaScript */
  packedInPlace: boolean;
  /** Gives the memory back to the thread (idempotent); the core must not step after it. */
  release(): void;
}

let threadArena: Arena | null = null;
/**
 * The smallest memory this thread was refused, and why: a larger one is refused at once, without asking again (a
 * refusal costs V8 several full garbage collections, and under a limit the answer does not change).
 */
let refused: { bytes: number; reason: string } | null = null;
/** A lease dropped without release() (a core nobody disposed) gives the thread's memory back when collected. */
const unreleased = new FinalizationRegistry<Arena>((arena) => {
  arena.busy = false;
});

function allocate(mod: WasmModule, bytes: number): Arena {
  const pages = Math.ceil(bytes / PAGE);
  const memory = new WA.Memory({ initial: pages, maximum: pages });
  const w = new WA.Instance(mod, { env: { memory } }).exports as StepsExports;
  return { w, memory, busy: true };
}

/**
 * A memory of at least `bytes` beyond the module's static data, with its instance: the thread's own when it is free
 * (replaced by a larger one if too small), else one for this core alone. Null where WebAssembly SIMD is unavailable;
 * a string (why) where the memory was refused, e.g. under an address-space limit.
 */
export function acquireWasm(bytes: number): WasmLease | string | null {
  const mod = stepsModule();
  if (mod === null) return null;
  // The module's static data fits in its first page (checked below, once the instance says where it ends).
  const total = bytes + PAGE;
  if (refused !== null && total >= refused.bytes && (threadArena === null || threadArena.busy)) return refused.reason;
  let arena: Arena;
  try {
    if (threadArena !== null && !threadArena.busy && threadArena.memory.buffer.byteLength >= total) {
      arena = threadArena;
      arena.busy = true;
      // as a fresh memory would be: layouts and kernels rely on zeros (sums from 0, padding neurons)
      new Uint8Array(arena.memory.buffer, arena.w.heapBase()).fill(0);
    } else if (threadArena === null || !threadArena.busy) {
      threadArena = null; // dropped before the new reservation, so a failed one can collect it and retry
      arena = threadArena = allocate(mod, total);
    } else {
      arena = allocate(mod, total);
    }
  } catch (err) {
    const reason = `WebAssembly memory of ${Math.ceil(total / PAGE)} pages refused (${err instanceof Error ? err.message : String(err)})`;
    if (refused === null || total < refused.bytes) refused = { bytes: total, reason };
    return reason;
  }
  const heapBase = arena.w.heapBase();
  if (heapBase + bytes > arena.memory.buffer.byteLength) {
    throw new Error(`[core] bug: the WebAssembly module's static data ends at ${heapBase}, beyond its first page`);
  }
  let released = false;
  const take = (bytes: number): number => {
    const at = (lease.free + 15) & ~15;
    claim(lease, at + bytes);
    return at;
  };
  const lease: WasmLease = {
    w: arena.w,
    buffer: arena.memory.buffer,
    free: heapBase,
    f64: (length) => new Float64Array(lease.buffer, take(8 * length), length),
    i32: (length) => new Int32Array(lease.buffer, take(4 * length), length),
    packedInPlace: false,
    release() {
      if (released) return;
      released = true;
      unreleased.unregister(lease);
      arena.busy = false;
    },
  };
  unreleased.register(lease, arena, lease);
  return lease;
}

/** Marks the lease used up to byte `end` (where a layout ended); throws if that is beyond its memory (a bug). */
export function claim(lease: WasmLease, end: number): void {
  if (end > lease.buffer.byteLength) throw new Error(`[core] bug: wasm layout needs ${end} bytes, memory has ${lease.buffer.byteLength}`);
  lease.free = end;
}
