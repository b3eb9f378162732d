/**
 * One hostile set of names through every output: no control character reaches the terminal,
 * .txt, Markdown or the progress lines raw; JUnit is well-formed (parsed by fast-xml-parser)
 * whatever the names hold; HTML keeps every piece of scenario text escaped, inline data included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { displaySafe, escapeMarkdown, escapeXml, markdownCode, visibleText } from '../../src/report/escape.js';
import { reporters } from '../../src/report/index.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { evaluateGate } from '../../src/gate/verdict.js';
import { renderGateMarkdown, renderGateTable } from '../../src/report/gate.js';
import { renderStepLine } from '../../src/plan/render.js';
import { startProgressOutput } from '../../src/cli/progress-output.js';
import type { CliIo } from '../../src/cli/io.js';
import type { RunEvent } from '../../src/runner.js';
import type { RunResult } from '../../src/result.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

/** Raw characters that must never reach a terminal, a log or a Markdown file. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const HOSTILE = {
  escape: 'clear\u001b[2J\u001b]0;title\u0007',
  nul: 'nul\u0000byte',
  newline: 'fake\ngate passed',
  cr: 'over\rwrite',
  xml: 'xml\u0001\u000b\ufffe\uffff',
  surrogate: 'lone\ud800 and \udc00',
  bidi: 'bidi\u202eesrever',
  script: '</script><script>alert(1)</script>',
};
const names = Object.values(HOSTILE);

/** A run whose scenario name, description, variant names, error classes, route paths and thresholds are all hostile. */
function hostileRun(): RunResult {
  const variants = names.map((name, i) => variantResult(name, spread(50, 1 + i, 10 + i), { errors: { [`${name} error`]: 1 } }));
  variants[0].routes = { [`/route${HOSTILE.escape}${HOSTILE.script}`]: { count: 50, latency: variants[0].latency, latencyHistogram: variants[0].latencyHistogram } };
  const result = runResult(variants);
  result.scenario.name = names.join(' ');
  result.scenario.description = `${HOSTILE.script} ${HOSTILE.escape}\nsecond line`;
  result.scenario.request.headers = { 'x-hostile': HOSTILE.script };
  result.scenario.thresholds = ['errors < 1'];
  result.gate = evaluateGate(result, result, { minEffectPercent: 5, baselineLabel: `base${HOSTILE.newline}.json` });
  result.interruption = { reason: 'error', message: `failed at ${HOSTILE.escape}` };
  result.partial = true;
  return result;
}

test('visibleText: every unsafe character becomes a visible escape; ordinary text and emoji are left alone', () => {
  assert.equal(visibleText('a\u001b[31mb\u0000c\nd\re\tf\u007f\u009b'), 'a\\x1b[31mb\\x00c\\nd\\re\\tf\\x7f\\x9b');
  assert.equal(visibleText('\u202eabc\u2066\u2028'), '\\u202eabc\\u2066\\u2028');
  assert.equal(visibleText('\ud800x\udc00\ufffe'), '\\ud800x\\udc00\\ufffe');
  assert.equal(visibleText('pool 10 — p99 ≤ 5 µs 😀 <b>'), 'pool 10 — p99 ≤ 5 µs 😀 <b>');
  assert.equal(visibleText(visibleText('a\u001bb')), 'a\\x1bb', 'idempotent');
});

test('escapeXml keeps line breaks and tabs, replaces what XML 1.0 forbids, escapes markup', () => {
  assert.equal(escapeXml('a\nb\tc\u0001<d>\ufffe\ud800'), 'a\nb\tc\\x01&lt;d&gt;\\ufffe\\ud800');
  assert.equal(XMLValidator.validate(`<a b="${escapeXml(names.join(''))}">${escapeXml(names.join(''))}</a>`), true);
});

test('escapeMarkdown and markdownCode: nothing breaks a table cell or renders as HTML', () => {
  assert.equal(escapeMarkdown('a|b <i> *c*\nd'), 'a\\|b &lt;i&gt; \\*c\\*\\\\nd');
  assert.equal(markdownCode('p99 < 50ms | x'), '`p99 < 50ms \\| x`');
  assert.equal(markdownCode('a`b'), 'a\\`b');
});

test('displaySafe: every string and key of a structure, numbers and booleans untouched, input not changed', () => {
  const input = { [`k\u001b`]: [`v\u0000`, 1, true, null, { deep: 'x\ny' }] };
  assert.deepEqual(displaySafe(input), { 'k\\x1b': ['v\\x00', 1, true, null, { deep: 'x\\ny' }] });
  assert.deepEqual(Object.keys(input), ['k\u001b']);
});

test('every format, one hostile name set: no raw control character, well-formed JUnit, escaped HTML', () => {
  const result = hostileRun();
  const outputs = Object.fromEntries(
    Object.entries(reporters)
      .filter(([format]) => format !== 'json')
      .map(([format, reporter]) => [format, reporter.render(result).map((f) => f.content).join('\n')]),
  );
  outputs.gateTable = renderGateTable(displaySafe(result.gate!));
  for (const [format, text] of Object.entries(outputs)) {
    const match = RAW_CONTROL.exec(format === 'junit' || format === 'html' ? text.replace(/[\n\t]/g, '') : text.replace(/\n/g, ''));
    assert.equal(match, null, `${format}: raw ${JSON.stringify(match?.[0])} at ${match?.index}`);
  }
  // Each name is still recognisable, shown as escapes.
  assert.ok(outputs.table.includes('clear\\x1b[2J\\x1b]0;title\\x07'));
  assert.ok(outputs.table.includes('fake\\ngate passed'));
  assert.doesNotMatch(outputs.table, /^gate passed/m, 'a name cannot forge a line');
  assert.doesNotMatch(outputs.md, /^gate passed/m);
  assert.ok(outputs.table.includes('/routeclear\\x1b[2J'), 'route paths are escaped too');

  // JUnit: parsed by a real XML parser, with every variant a test case under its escaped name.
  assert.equal(XMLValidator.validate(outputs.junit), true, 'well-formed XML');
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' }).parse(outputs.junit);
  const cases = parsed.testsuites.testsuite.testcase as Array<{ name: string; classname: string }>;
  const variantCases = cases.filter((c) => c.classname === 'variants').map((c) => c.name);
  assert.deepEqual(variantCases, names.map(visibleText));
  assert.ok(cases.some((c) => c.classname.startsWith('poolbench.thresholds.')), 'the gate cases are there too');

  // HTML: its only scripts are its own two; the name inside the chart data cannot end the element.
  assert.equal(outputs.html.match(/<script>/g)!.length, 2);
  assert.equal(outputs.html.match(/<\/script>/g)!.length, 2);
  assert.ok(!outputs.html.includes('<img') && !outputs.html.includes(HOSTILE.script));
  assert.match(outputs.html, /<p class="description">&lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; clear\\x1b\[2J\\x1b\]0;title\\x07 second line<\/p>/, 'the description is prose: its line break folded');

  // Markdown, the gate's section included: no live tag, no broken table row.
  assert.ok(!outputs.md.includes('<script>') && !outputs.md.includes('</script>'));
  const cells = (row: string) => row.split(/(?<!\\)\|/).length - 2;
  for (const table of outputs.md.split('\n\n').filter((block) => block.startsWith('|'))) {
    const rows = table.split('\n');
    for (const row of rows) assert.equal(cells(row), cells(rows[0]), row);
  }
  assert.equal(JSON.parse(reporters.json.render(result)[0].content).variants[0].name, HOSTILE.escape, 'the JSON report keeps the names as they are');
});

test('the gate Markdown escapes names and notes, keeps the threshold as code', () => {
  const markdown = renderGateMarkdown(hostileRun().gate!);
  assert.ok(!markdown.includes('<script>') && !/[\u0000-\u0008\u000b-\u001f]/.test(markdown));
  assert.match(markdown, /\| `errors < 1` \|/);
});

test('the progress lines and a plan step line show names escaped', async () => {
  let stderr = '';
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, env: { CI: '1' }, onInterrupt: () => () => {} };
  const output = await startProgressOutput(io, 'lines');
  const events: RunEvent[] = [
    { type: 'run-start', targetUrl: 'http://127.0.0.1:1', variants: names },
    ...names.map((name, index): RunEvent => ({ type: 'variant-start', index, total: names.length, name, phase: 'measure', durationMs: 1000 })),
    { type: 'progress', name: HOSTILE.newline, point: { t: 5, completed: 1, rps: 1, p50: 1, p99: 1, errors: 0, connectionsOpened: 0, openConnections: 1 }, elapsedMs: 5000, completed: 5, errors: 0, rps: 1, p50: 1, p99: 1, connectionsOpened: 1 },
  ];
  for (const event of events) output.onEvent(event);
  output.stop();
  assert.equal(RAW_CONTROL.exec(stderr.replace(/\n/g, '')), null);
  assert.equal(stderr.trimEnd().split('\n').length, events.length, 'one line per event, whatever the names hold');
  assert.match(stderr, /\[1\/8\] clear\\x1b\[2J/);

  const step = { phase: 'pool', poolSize: 1, offeredRps: 1, throughputRps: 1, latency: { p50: 1, p99: 1 }, errorShare: 0, failures: [] } as unknown as Parameters<typeof renderStepLine>[1];
  assert.match(renderStepLine(HOSTILE.escape, step), /^clear\\x1b\[2J/);
});

test('the terminal summary of a hostile run is the same whether rendered once or from its own escaped copy', () => {
  const result = hostileRun();
  assert.equal(renderTerminalSummary(result), renderTerminalSummary(displaySafe(result)));
});
