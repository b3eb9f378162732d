/** The whole terminal summary of a run: heading, comparison table, distributions, notes, the advisor's findings, the gate's verdict. */
import type { RunResult } from '../result.js';
import { renderComparisonTable } from './comparison.js';
import { renderDistribution } from './distribution.js';
import { renderRouteTable } from './routes.js';
import { renderFindings } from './findings.js';
import { renderGateTable } from './gate.js';
import { describeLoad, describeSetting } from './load-description.js';
import { displaySafeRun } from './escape.js';
import { runNotes } from './run-notes.js';

export function renderTerminalSummary(run: RunResult): string {
  // No control character of the scenario's reaches the terminal or a .txt file raw.
  const result = displaySafeRun(run);
  const { scenario, environment: env } = result;
  const heading = [
    `poolbench ${env.poolbench} — ${scenario.name}${result.partial ? ' [PARTIAL]' : ''}`,
    describeSetting(result),
    `load: ${describeLoad(scenario.load)}`,
  ];
  const routes = renderRouteTable(result);
  const sections = [heading.join('\n'), renderComparisonTable(result), ...(routes ? [routes] : []), ...result.variants.map(renderDistribution)];
  const notes = runNotes(result);
  if (notes.length) sections.push(notes.map((n) => `note: ${n}`).join('\n'));
  const findings = renderFindings(result.findings);
  if (findings) sections.push(findings.trimEnd());
  if (result.gate) sections.push(renderGateTable(result.gate).trimEnd());
  return sections.join('\n\n') + '\n';
}
