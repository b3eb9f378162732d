/**
 * The Markdown report, for pull-request comments and GitHub's step summary: the comparison
 * table and each variant's percentiles. Every piece of scenario text is escaped.
 */
import type { RunResult } from '../result.js';
import { comparisonGrid, comparisonTable } from './comparison.js';
import { DISTRIBUTION_PERCENTILES, distributionPercentiles, percentileLabel } from './distribution.js';
import { displaySafeRun, escapeMarkdown as md } from './escape.js';
import { formatCount, formatDuration } from './format.js';
import { formatFaultWindows } from './fault-windows.js';
import { runNotes } from './run-notes.js';
import { renderGateMarkdown } from './gate.js';
import { markdownTable } from './markdown-table.js';
import { describeLoad, describeSetting } from './load-description.js';

function comparisonSection(result: RunResult): string {
  const grid = comparisonGrid(result);
  if (!grid) return '_No variant was measured._';
  const { head, rows } = comparisonTable(grid, { escape: md, inline: (cell, change) => `${cell} (${change})` });
  return markdownTable(head, rows);
}

function percentilesSection(result: RunResult): string {
  const head = ['variant', 'responses', ...DISTRIBUTION_PERCENTILES.map(percentileLabel)];
  const rows = result.variants.map((v) => [
    md(v.name),
    formatCount(v.latency.count),
    ...(v.latency.count ? distributionPercentiles(v).map(formatDuration) : DISTRIBUTION_PERCENTILES.map(() => '—')),
  ]);
  return markdownTable(head, rows);
}

/** When each variant's timed faults struck (what they cost is in the comparison table); undefined when none had any. */
function faultWindowsSection(result: RunResult): string | undefined {
  const lines = result.variants.flatMap((v) => (v.faultWindows ? [`- **${md(v.name)}**: fault windows ${formatFaultWindows(v.faultWindows.windows)} after measuring started`] : []));
  return lines.length ? lines.join('\n') : undefined;
}

export function renderMarkdown(run: RunResult): string {
  const result = displaySafeRun(run);
  const { scenario } = result;
  const faults = faultWindowsSection(result);
  const sections = [
    `## poolbench — ${md(scenario.name)}${result.partial ? ' (partial)' : ''}`,
    ...(scenario.description ? [md(scenario.description)] : []),
    `${describeSetting(result, md)} · ${result.startedAt}`,
    `load: ${describeLoad(scenario.load)}`,
    comparisonSection(result),
    ...(faults ? [faults] : []),
    '### Latency percentiles',
    percentilesSection(result),
  ];
  const notes = runNotes(result);
  if (notes.length) sections.push(notes.map((n) => `> **note:** ${md(n)}`).join('\n>\n'));
  if (result.gate) sections.push(renderGateMarkdown(result.gate).trimEnd());
  return sections.join('\n\n') + '\n';
}
