/**
 * The Markdown report, for pull-request comments and GitHub's step summary: the comparison
 * table, each variant's pool state over time and its percentiles. Every piece of scenario text
 * is escaped.
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
import { summarizePoolState } from '../metrics/time-series.js';

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

const POOL_STATE_WORDS =
  '_Sampled once a second from each client’s own pool. connected: connections open (HTTP/2: sessions), idle + busy; ' +
  'busy: open with a request in progress; idle: open with none; pending: requests waiting for a connection or a stream. ' +
  '—: the client cannot tell (autocannon)._';

/** Each variant's pool over its time series; undefined when no variant's client could tell. */
function poolStateSection(result: RunResult): string | undefined {
  const summaries = result.variants.map((v) => ({ name: md(v.name), pool: summarizePoolState(v.timeSeries) }));
  if (summaries.every(({ pool }) => pool === undefined)) return undefined;
  const mean = (n: number) => n.toFixed(1);
  const head = ['variant', 'connected mean / peak', 'busy mean', 'idle mean', 'pending mean / peak'];
  const rows = summaries.map(({ name, pool }) =>
    pool
      ? [name, `${mean(pool.meanConnected)} / ${formatCount(pool.peakConnected)}`, mean(pool.meanBusy), mean(pool.meanIdle), `${mean(pool.meanPending)} / ${formatCount(pool.peakPending)}`]
      : [name, '—', '—', '—', '—'],
  );
  return ['### Pool state', markdownTable(head, rows), POOL_STATE_WORDS].join('\n\n');
}

export function renderMarkdown(run: RunResult): string {
  const result = displaySafeRun(run);
  const { scenario } = result;
  const faults = faultWindowsSection(result);
  const poolState = poolStateSection(result);
  const sections = [
    `## poolbench — ${md(scenario.name)}${result.partial ? ' (partial)' : ''}`,
    ...(scenario.description ? [md(scenario.description)] : []),
    `${describeSetting(result, md)} · ${result.startedAt}`,
    `load: ${describeLoad(scenario.load)}`,
    comparisonSection(result),
    ...(faults ? [faults] : []),
    ...(poolState ? [poolState] : []),
    '### Latency percentiles',
    percentilesSection(result),
  ];
  const notes = runNotes(result);
  if (notes.length) sections.push(notes.map((n) => `> **note:** ${md(n)}`).join('\n>\n'));
  if (result.gate) sections.push(renderGateMarkdown(result.gate).trimEnd());
  return sections.join('\n\n') + '\n';
}
