/** The JSON report: the RunResult as it is, so it can be re-rendered and compared later. */
import type { RunResult } from '../result.js';

export function renderJson(result: RunResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
