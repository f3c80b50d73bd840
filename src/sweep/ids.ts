/**
 * Run identity (docs/formats.md#run-ids): a run is its fully resolved parameters, the sweep seed and its replicate
 * index, and its id is a hash of the canonical JSON of exactly that. Nothing else goes in (not the sweep name, the
 * file, the key order or the other runs), so the same run has the same id in every sweep, order, worker count and
 * shard.
 */
import { createHash } from 'node:crypto';
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
      return JSON.stringify(value);
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
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        path.push(k);
        out += `${i > 0 ? ',' : ''}${JSON.stringify(k)}:${encode(record[k], path)}`;
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

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The run's id: the first 16 hex characters of sha256(canonicalJson({ params, seed, replicate })). */
export function runIdOf(params: RunParams, sweepSeed: number, replicate: number): RunId {
  return sha256Hex(canonicalJson({ params, seed: sweepSeed, replicate })).slice(0, 16);
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
