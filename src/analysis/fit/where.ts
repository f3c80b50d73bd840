/**
 * `--where` of `lnsweep fit`: comma-separated conditions on parameters, `KEY OP VALUE` with OP one of = != < <= > >=
 * (`sigma>0,width>=100,optimizer=sgd`). Numbers compare as numbers; other values (enums) only with = and !=.
 */
import type { RunParams } from '../../core/types.js';
import { PARAM_KEYS } from '../../core/params.js';
import { FitRequestError } from './errors.js';

export type Condition = (p: RunParams) => boolean;

const OPS: Record<string, (a: number, b: number) => boolean> = {
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  '!=': (a, b) => a !== b,
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
};

export function parseWhere(text: string): Condition[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((clause) => {
      const m = /^([a-z_]+)\s*(<=|>=|!=|=|<|>)\s*(.+)$/.exec(clause);
      if (!m) throw new FitRequestError(`--where '${clause}': not KEY OP VALUE (OP: = != < <= > >=), e.g. --where 'sigma>0,width>=100'`);
      const [, key, op, raw] = m;
      if (!(PARAM_KEYS as readonly string[]).includes(key)) throw new FitRequestError(`--where '${clause}': '${key}' is not a parameter`);
      const k = key as keyof RunParams;
      const value = Number(raw);
      if (raw.trim() !== '' && Number.isFinite(value)) return (p: RunParams) => OPS[op](Number(p[k]), value);
      if (op !== '=' && op !== '!=') throw new FitRequestError(`--where '${clause}': '${raw}' is not a number; text compares only with = or !=`);
      return (p: RunParams) => (String(p[k]) === raw) === (op === '=');
    });
}
