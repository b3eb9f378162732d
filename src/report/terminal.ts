/** The whole terminal summary of a run: heading, comparison table, distributions, notes, the advisor's findings, the gate's verdict. */
import type { RunResult } from '../result.js';
import { renderComparisonTable } from './comparison.js';
import { renderDistribution } from './distribution.js';
import { renderRouteTable } from './routes.js';
import { renderFindings } from './findings.js';
import { renderGateTable } from '../gate/render.js';
import { noSuccessNote } from '../gate/success.js';
import { describeLoad } from './load-description.js';
import { displaySafeRun } from './escape.js';
import { insecureNote, tlsFailureNotes } from './tls-notes.js';

export function renderTerminalSummary(run: RunResult): string {
  // No control character of the scenario's reaches the terminal or a .txt file raw.
  const result = displaySafeRun(run);
  const { scenario, environment: env } = result;
  const heading = [
    `poolbench ${env.poolbench} — ${scenario.name}${result.partial ? ' [PARTIAL]' : ''}`,
    `target ${result.targetUrl} · node ${env.node} · undici ${env.undici} · ${env.cpuCount}× ${env.cpuModel}`,
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

/** Things a reader must not miss: an unverified TLS target, partial runs, variants without a success, disagreeing counts, abandoned requests. */
export function runNotes(result: RunResult): string[] {
  const notes: string[] = [];
  const insecure = insecureNote(result.scenario.targetTls);
  if (insecure) notes.push(insecure);
  if (result.interruption) notes.push(`the run stopped early: ${result.interruption.message}; figures cover what was measured until then`);
  const skipped = result.scenario.variants.length - result.variants.length;
  if (skipped > 0) notes.push(`${skipped} variant(s) did not run`);
  for (const v of result.variants) {
    const noSuccess = noSuccessNote(v);
    if (noSuccess) notes.push(noSuccess);
    const up = v.connections.upstream;
    if (up && v.connections.countsAgree === false) {
      notes.push(`${v.name}: the client counted ${v.connections.openedByClient} connections opened, the upstream ${up.connectionsAccepted} accepted`);
    }
    if (v.stoppedEarly) notes.push(`${v.name}: stopped early: ${v.stoppedEarly.reason}`);
    if (v.saturated) notes.push(`${v.name}: the load generator could not keep up (${v.saturated.reason}); its figures measure the generator as much as the pool`);
    notes.push(...tlsFailureNotes(v));
    if (v.requests.unfinished > 0) notes.push(`${v.name}: ${v.requests.unfinished} request(s) were still in flight at the end and were abandoned`);
    if (v.requests.cancelled) notes.push(`${v.name}: ${v.requests.cancelled} request(s) were still waiting for a connection when the window stopped and were cancelled unsent`);
  }
  return notes;
}
