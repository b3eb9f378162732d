/**
 * The HTML report: one self-contained file (no CDN, works offline, opens by double-click) with
 * the comparison table, uPlot charts, percentiles, the scenario and the environment. uPlot is
 * read from node_modules and inlined. Every piece of scenario text is escaped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import YAML from 'yaml';
import type { RunResult } from '../result.js';
import { columnTitle, comparisonGrid } from './comparison.js';
import { DISTRIBUTION_PERCENTILES, distributionPercentiles, percentileLabel } from './distribution.js';
import { buildCharts } from './chart-data.js';
import { drawCharts } from './html-client.js';
import { displaySafeRun, escapeMarkup as h, jsonForScript } from './escape.js';
import { formatBytes, formatCount, formatDuration } from './format.js';
import { runNotes } from './run-notes.js';
import { describeLoad, scenarioAsRun } from './load-description.js';

/** Tableau 10: distinct on screen and in print. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

let uPlotAssets: { script: string; css: string } | undefined;
function readUPlot(): { script: string; css: string } {
  const require = createRequire(import.meta.url);
  uPlotAssets ??= {
    script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uPlotAssets;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d2330; background: #f6f7f9; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 10px; }
.meta, .description { color: #5a6272; margin: 2px 0; }
.partial { background: #fff3cd; border: 1px solid #e0c36a; padding: 8px 12px; border-radius: 6px; }
.notes li { color: #7a4b00; }
table { border-collapse: collapse; background: #fff; box-shadow: 0 1px 2px #0001; border-radius: 6px; overflow: hidden; }
th, td { padding: 5px 12px; text-align: right; border-bottom: 1px solid #eceef2; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef0f4; font-weight: 600; }
.better { color: #1a7f37; } .worse { color: #c62828; } .change { font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
.card { background: #fff; border-radius: 6px; box-shadow: 0 1px 2px #0001; padding: 12px; min-width: 0; }
.card h3 { font-size: 14px; margin: 0 0 8px; }
.caption { color: #5a6272; font-size: 12px; margin: 6px 0 0; }
pre { background: #fff; padding: 12px; border-radius: 6px; overflow: auto; box-shadow: 0 1px 2px #0001; }
`;

const FAULT_CAPTION = '<p class="caption">Shaded: fault windows (timed faults of the upstream), in the colour of the variant they struck.</p>';

function changeCell(change: string): string {
  const tone = change.endsWith('better') ? 'better' : change.endsWith('worse') ? 'worse' : '';
  return `<span class="change ${tone}">${h(change)}</span>`;
}

/** Not comparisonTable (the text formats' layout): each column gets its chart colour, and the change always sits under its figure. */
function comparisonSection(result: RunResult): string {
  const grid = comparisonGrid(result);
  if (!grid) return '<p>No variant was measured.</p>';
  const swatch = (name: string) => `<span class="swatch" style="background:${PALETTE[result.variants.findIndex((v) => v.name === name) % PALETTE.length]}"></span>`;
  const head = [grid.baseline, ...grid.others].map((v, i) => `<th>${swatch(v.name)}${h(columnTitle(v, i === 0))}</th>`).join('');
  const rows = grid.rows.map(({ label, baseline, others }) => {
    const cells = others.map(({ cell, change }) => `<td>${h(cell)}${change ? `<br>${changeCell(change)}` : ''}</td>`).join('');
    return `<tr><td>${h(label)}</td><td>${h(baseline)}</td>${cells}</tr>`;
  });
  return `<table id="comparison"><thead><tr><th>metric</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function percentileTable(result: RunResult): string {
  const head = ['variant', 'responses', ...DISTRIBUTION_PERCENTILES.map(percentileLabel)].map((c) => `<th>${h(c)}</th>`).join('');
  const rows = result.variants.map((v) => {
    const values = v.latency.count ? distributionPercentiles(v).map(formatDuration) : DISTRIBUTION_PERCENTILES.map(() => '—');
    return `<tr><td>${h(v.name)}</td><td>${formatCount(v.latency.count)}</td>${values.map((x) => `<td>${x}</td>`).join('')}</tr>`;
  });
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function environmentTable(result: RunResult): string {
  const env = result.environment;
  const rows: Array<[string, string]> = [
    ['poolbench', env.poolbench],
    ['Node.js', env.node],
    ['undici', env.undici],
    ["Node's bundled undici", env.undiciBundledWithNode ?? '—'],
    ['OS', `${env.platform} ${env.osRelease} (${env.arch})`],
    ['CPU', `${env.cpuCount}× ${env.cpuModel}`],
    ['memory', formatBytes(env.totalMemoryBytes)],
    ['target', result.targetUrl],
    ['started', result.startedAt],
    ['finished', result.finishedAt],
  ];
  return `<table>${rows.map(([k, v]) => `<tr><td>${h(k)}</td><td>${h(v)}</td></tr>`).join('')}</table>`;
}

export function renderHtml(run: RunResult): string {
  const result = displaySafeRun(run);
  const { scenario } = result;
  const charts = buildCharts(result);
  const uPlot = readUPlot();
  const notes = runNotes(result);
  const title = `poolbench — ${scenario.name}`;
  const durations = result.variants.map((v) => formatDuration(v.durationMs)).join(' / ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${uPlot.css}${STYLE}</style>
</head>
<body>
<main>
<h1>${h(title)}</h1>
${scenario.description ? `<p class="description">${h(scenario.description)}</p>` : ''}
<p class="meta">${result.variants.length} variant(s) · ${h(durations)} each · ${h(describeLoad(scenario.load))} · node ${h(result.environment.node)} · ${h(result.startedAt)}</p>
${result.partial ? `<p class="partial">Partial run: ${h(result.interruption?.message ?? 'not every variant ran')}.</p>` : ''}
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}
<h2>Comparison</h2>
${comparisonSection(result)}
<h2>Charts</h2>
<div class="charts">
${charts.map((c) => `<section class="card"><h3>${h(c.title)}</h3><div class="chart" id="chart-${h(c.id)}"></div>${c.caption ? `<p class="caption">${h(c.caption)}</p>` : ''}${c.faultBands ? FAULT_CAPTION : ''}</section>`).join('\n')}
</div>
<h2>Latency percentiles</h2>
${percentileTable(result)}
<h2>Scenario</h2>
<pre>${h(YAML.stringify(scenarioAsRun(scenario)))}</pre>
<h2>Environment</h2>
${environmentTable(result)}
</main>
<script>${uPlot.script}</script>
<script>(${drawCharts.toString()})(uPlot, ${jsonForScript(charts)}, ${jsonForScript(PALETTE)});</script>
</body>
</html>
`;
}
