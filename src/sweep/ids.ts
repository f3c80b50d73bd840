/**
 * Run identity (docs/formats.md#run-ids): a run is its fully resolved parameters, the sweep seed and its replicate
 * index, and its id is a hash of the canonical JSON of exactly that. Nothing else goes in (not the sweep name, the
 * file, the key order or the other runs), so the same run has the same id in every sweep, order, worker count and
 * shard.
 */
import { hash } from 'node:crypto';
import type { RunParams } from '../core/types.js';

/** 16 lowercase hex characters (64 bits of sha256): collisions are negligible below ~10⁸ runs. */
export type RunId = string & { readonly __brand?: 'RunId' };

const RUN_ID_FORM = /^[0-9a-f]{16}$/;

/**
 * True when `value` has the exact form of a run id (what runIdOf returns). Every id read from outside (plan.json,
 * journals, file names in runs/, queue jobs) is checked with this before a path is built from it: an id such as
 * `../../x` would otherwise name a file outside the output folder.
 */
export function isRunId(value: unknown): value is RunId {
  return typeof value === 'string' && RUN_ID_FORM.test(value);
}

/**
 * JSON with object keys sorted (by UTF-16 code unit, recursively), no whitespace and numbers in JavaScript's shortest
 * round-trip form (so 0.1 is "0.1" on every platform; -0 becomes "0"). Only JSON values are allowed: NaN, ±Infinity,
 * undefined, functions, bigints, symbols and non-plain objects throw, since a value JSON cannot carry would make two
 * different runs hash alike.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, []);
}

/**
 * `path` holds the keys and indices down to `value`, pushed and popped in place: a plan encodes every run, and
 * building each value's location as a string cost more than the encoding itself. The location is only put into words
 * when a value is refused.
 */
function encode(value: unknown, path: (string | number)[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${where(path)} is ${value}, which JSON cannot represent`);
      return String(value); // what JSON.stringify writes for a finite number (-0 too: "0"), without its generic path
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          out += (i > 0 ? ',' : '') + encode(value[i], path);
          path.pop();
        }
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonicalJson: ${where(path)} is a ${proto?.constructor?.name ?? 'non-plain object'}, not a plain object`);
      }
      const record = value as Record<string, unknown>;
      const { sorted, prefixes } = shapeOf(Object.keys(record));
      let out = '{';
      for (let i = 0; i < sorted.length; i++) {
        const k = sorted[i];
        path.push(k);
        out += prefixes[i] + encode(record[k], path);
        path.pop();
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonicalJson: ${where(path)} is ${typeof value}, which JSON cannot represent`);
  }
}

/** `$.params.snapshot_steps[2]`: where a refused value sits, for the message. */
function where(path: readonly (string | number)[]): string {
  return '$' + path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}

/**
 * Object.keys(record) sorted, and what the encoding writes before each value (`"key":`, after a comma but for the
 * first). A plan encodes a million objects of a handful of shapes (every run's params has the same keys in the same
 * order), and sorting and quoting 24 keys each time was most of `plan`'s time: the last few shapes are kept and
 * reused when the same keys come again in the same order. Keys are compared one by one, so any other list is a new
 * shape.
 */
interface Shape {
  keys: string[];
  sorted: string[];
  prefixes: string[];
}
const SHAPE_CACHE_SIZE = 8;
const shapes: Shape[] = [];
function shapeOf(keys: string[]): Shape {
  for (const shape of shapes) {
    const known = shape.keys;
    if (known.length !== keys.length) continue;
    let same = true;
    for (let i = 0; i < keys.length && same; i++) same = known[i] === keys[i];
    if (same) return shape;
  }
  const sorted = [...keys].sort();
  const shape = { keys, sorted, prefixes: sorted.map((k, i) => `${i > 0 ? ',' : ''}${JSON.stringify(k)}:`) };
  shapes.unshift(shape);
  if (shapes.length > SHAPE_CACHE_SIZE) shapes.pop();
  return shape;
}

/**
 * The run's id: the first 16 hex characters of sha256(canonicalJson({ params, seed, replicate })). The id is made from
 * the digest's first 8 bytes rather than cut from the 64-character hex string, which would keep that string alive
 * (a V8 sliced string) as long as the id: 80 bytes more for each of a million planned runs.
 */
export function runIdOf(params: RunParams, sweepSeed: number, replicate: number): RunId {
  return runIdOfParamsJson(canonicalJson({ params }).slice('{"params":'.length, -1), sweepSeed, replicate);
}

/**
 * runIdOf from the parameters' canonical JSON, made once for all the replicates of a point (a sweep of 20,000
 * replicates encoded the same parameters 20,000 times: issue 23). canonicalJson({ params, seed, replicate }) is this
 * very text, its keys sorted: "params" < "replicate" < "seed".
 */
export function runIdOfParamsJson(paramsJson: string, sweepSeed: number, replicate: number): RunId {
  const text = `{"params":${paramsJson},"replicate":${canonicalJson(replicate)},"seed":${canonicalJson(sweepSeed)}}`;
  return hash('sha256', text, 'buffer').toString('hex', 0, 8);
}

/**
 * Null when `run.run_id` is the id of its parameters, the sweep seed and its replicate; else the id they hash to. A
 * run read from outside (plan.json, a queue job) is done and filed under its id only when this is null, so that no
 * file under a planned id ever holds another run's numbers.
 */
export function rehashedRunId(run: { run_id: string; params: RunParams; replicate: number }, sweepSeed: number): RunId | null {
  const id = runIdOf(run.params, sweepSeed, run.replicate);
  return id === run.run_id ? null : id;
}
