/**
 * The canonical JSON that run ids (src/sweep/ids.ts) and stream seeds (seed-derivation.ts) hash: here in core, below
 * both, because the noise-sustained state's solve (noise-state-memo.ts) seeds itself through the same derivation.
 * Pure; no I/O.
 */
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
