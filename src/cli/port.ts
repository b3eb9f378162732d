/** `--port` of the commands that listen (`serve`, `proxy`). */
import { invalidValue } from './invalid-option.js';

/**
 * Digits only: `Number()` alone would also take '', ' 80 ', '0x50' and '8e1', and an empty
 * value would quietly become "any free port".
 */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw invalidValue('--port', value, 'a whole number from 0 to 65535', '0 picks any free port');
  return port;
}
