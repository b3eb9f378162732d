/** The gate's command-line values, checked with errors that name the flag. */
import { invalidValue } from './invalid-option.js';

/** `--repeat N`: trials per variant. */
export function parseRepeat(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1000) throw invalidValue('--repeat', value, 'a whole number of trials from 1 to 1000');
  return n;
}

/** `--min-effect 5%` (or `5`): the smallest change, in percent, the gate counts. */
export function parseMinEffect(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%?\s*$/.exec(value);
  if (!m || Number(m[1]) > 1000) throw invalidValue('--min-effect', value, 'a percentage such as 5%');
  return Number(m[1]);
}
