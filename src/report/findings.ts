/** The advisor's findings as text, for under the table. Empty when there are none. */
import type { Finding } from '../advisor/types.js';

export function renderFindings(findings: readonly Finding[] | undefined): string {
  if (!findings || findings.length === 0) return '';
  const blocks = findings.map((f, i) => [`${i + 1}. ${f.variant}: ${f.setting}  [${f.rule}]`, `   evidence: ${f.evidence}`, `   change:   ${f.change}`].join('\n'));
  return `advisor — ${findings.length} finding${findings.length === 1 ? '' : 's'}\n${blocks.join('\n')}\n`;
}
