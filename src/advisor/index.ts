/** The advisor: every rule over every variant of a finished run. Pure: RunResult in, findings out. */
import type { RunResult } from '../result.js';
import { rules } from './rules.js';
import type { Finding } from './types.js';

export function advise(run: RunResult): Finding[] {
  const findings: Finding[] = [];
  for (const variant of run.variants) {
    for (const rule of rules) {
      const finding = rule(variant, run);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

export type { Finding } from './types.js';
