/** Markdown, JUnit and .hgrm: structure, escaping, and that .hgrm keeps the histogram's percentiles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderJunit, renderJunitCases } from '../../src/report/junit.js';
import { renderHgrm } from '../../src/report/hgrm.js';
import { renderHtml } from '../../src/report/html.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { reporters } from '../../src/report/index.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

const twoVariants = () => runResult([variantResult('off', spread(100, 95, 105), { opened: 100 }), variantResult('on', spread(200, 48, 52), { opened: 10 })]);

function parseJunit(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' }).parse(xml);
  return parsed.testsuites.testsuite as { name: string; tests: string; failures: string; testcase: Array<{ name: string; classname: string; time: string; failure?: { message: string } }> };
}

test('markdown: a heading, the comparison table with a change column, and a percentile row per variant', () => {
  const text = renderMarkdown(twoVariants());
  const lines = text.split('\n');
  assert.equal(lines[0], '## poolbench — renderer test');
  const tables = text.trimEnd().split('\n\n').filter((block) => block.startsWith('|'));
  assert.equal(tables.length, 2);
  const [comparison, percentiles] = tables.map((t) => t.split('\n'));
  assert.equal(comparison[0], '| metric | off (baseline) | on | change |');
  assert.match(comparison[1], /^\| --- \| --- \| --- \| --- \|$/);
  // Every row has as many cells as its header: nothing in a cell broke the table.
  const cells = (row: string) => row.split(/(?<!\\)\|/).length - 2;
  for (const table of [comparison, percentiles]) for (const row of table) assert.equal(cells(row), cells(table[0]), row);
  assert.equal(cells(percentiles[0]), 10);
  assert.match(comparison.find((r) => r.startsWith('| latency p50'))!, /\| −50\.0 % better \|$/);
  assert.deepEqual(percentiles.slice(2).map((r) => r.split(' | ')[0]), ['| off', '| on']);
});

test('markdown: one line per variant that ran with fault windows, none without', () => {
  const result = twoVariants();
  result.variants[1].faultWindows = { windows: [{ startMs: 2000, endMs: 5000 }, { startMs: 8000, endMs: Infinity }], requestsLost: 12, requestsInWindows: 340, recoveryMs: 150 };
  const lines = renderMarkdown(result).split('\n').filter((line) => line.startsWith('- '));
  assert.deepEqual(lines, ['- **on**: fault windows 2.0–5.0 s, 8.0 s–end after measuring started']);
  assert.doesNotMatch(renderMarkdown(twoVariants()), /^- /m);
});

test('markdown: the pool state over time per variant, means and peaks; — for a client that cannot tell', () => {
  const result = twoVariants();
  const pool = (connected: number, busy: number, pending: number) => ({ connected, idle: connected - busy, busy, pending });
  result.variants[1].timeSeries = [pool(2, 2, 6), pool(2, 1, 3), undefined].map((state, i) => ({ t: i + 1, completed: 5, rps: 5, p50: 1, p99: 2, errors: 0, connectionsOpened: 0, openConnections: 2, ...(state && { pool: state }) }));
  const text = renderMarkdown(result);
  const section = text.slice(text.indexOf('### Pool state'), text.indexOf('### Latency percentiles')).trim().split('\n\n');
  assert.deepEqual(section[1].split('\n'), [
    '| variant | connected mean / peak | busy mean | idle mean | pending mean / peak |',
    '| --- | --- | --- | --- | --- |',
    '| off | — | — | — | — |',
    '| on | 2.0 / 2 | 1.5 | 0.5 | 4.5 / 6 |',
  ]);
  assert.match(section[2], /busy: open with a request in progress/);
  assert.doesNotMatch(renderMarkdown(twoVariants()), /Pool state/, 'no section when no client could tell');
});

test('junit: one test case per variant; a variant with errors or a saturated generator fails', () => {
  const clean = variantResult('clean', [1, 2, 3]);
  const failing = variantResult('failing', [1, 2], { errors: { ECONNRESET: 2 } });
  const saturated = Object.assign(variantResult('saturated', [1, 2]), { saturated: { reason: 'achieved 50 % of the target rate', loopDelayP99Ms: 3 } });
  const suite = parseJunit(renderJunit(runResult([clean, failing, saturated])));
  assert.equal(suite.tests, '3');
  assert.equal(suite.failures, '2');
  assert.deepEqual(suite.testcase.map((c) => [c.name, c.failure !== undefined]), [['clean', false], ['failing', true], ['saturated', true]]);
  assert.match(suite.testcase[1].failure!.message, /2 error/);
  assert.match(suite.testcase[2].failure!.message, /saturated/);
});

test('junit: more cases can be added by other checks without touching the renderer', () => {
  const suite = parseJunit(renderJunitCases('s', '2026-01-01T00:00:00Z', [{ classname: 'thresholds', name: 'p99 < 100ms', timeSeconds: 0, failure: { message: 'p99 was 120 ms' } }]));
  assert.deepEqual(suite.testcase.map((c) => [c.classname, c.name, c.failure?.message]), [['thresholds', 'p99 < 100ms', 'p99 was 120 ms']]);
});

test('.hgrm: the percentile lines give back the histogram’s values within its precision', () => {
  const v = variantResult('spread', spread(5000, 0.2, 900));
  const histogram = decodeHistogram(v.latencyHistogram);
  const rows = renderHgrm(v)
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cells) => cells.length >= 3 && /^\d/.test(cells[0]))
    .map(([value, percentile, count]) => ({ ms: Number(value), percentile: Number(percentile) * 100, count: Number(count) }));
  assert.ok(rows.length > 50, `${rows.length} percentile lines`);
  assert.equal(rows.at(-1)!.count, 5000, 'the last line counts every value');
  for (const row of rows) {
    const expectedMs = histogram.getValueAtPercentile(row.percentile) / 1000;
    // 3 significant digits in the histogram, 3 decimals (1 µs) in the file.
    assert.ok(Math.abs(row.ms - expectedMs) <= expectedMs * 0.001 + 0.001, `p${row.percentile}: ${row.ms} vs ${expectedMs}`);
  }
  assert.match(renderHgrm(v), /#\[Max {5}=\s+\d+\.\d{3}, Total count\s+=\s+5000\]/);
});

test('a scenario named <script>alert(1)</script> is shown as text in every format', () => {
  const name = '<script>alert(1)</script>';
  const result = runResult([variantResult(name, [1, 2, 3], { errors: { [name]: 1 } }), variantResult('b', [2, 3])]);
  result.scenario.name = name;
  result.scenario.description = name;
  const outputs = {
    table: renderTerminalSummary(result),
    md: renderMarkdown(result),
    html: renderHtml(result),
    junit: renderJunit(result),
  };
  assert.ok(outputs.table.includes(name), 'the terminal shows the name as it is');
  for (const format of ['md', 'html', 'junit'] as const) {
    const text = outputs[format];
    assert.ok(text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${format} shows the name, escaped`);
    assert.ok(!text.includes(name), `${format} has no live <script>alert(1)`);
  }
  // The HTML's own scripts: uPlot and the chart code, and nothing that came from the scenario.
  assert.equal(outputs.html.match(/<script>/g)!.length, 2);
  parseJunit(outputs.junit);
});

test('every format renders a run with no completed request without throwing', () => {
  const result = runResult([variantResult('empty', []), variantResult('b', [1])]);
  for (const [format, reporter] of Object.entries(reporters)) {
    for (const file of reporter.render(result)) assert.ok(file.content.length > 0, format);
  }
});
