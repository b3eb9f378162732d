import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparisonMetrics, describeChange, renderComparisonTable } from '../../src/report/comparison.js';
import { renderDistribution } from '../../src/report/distribution.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

const metric = (label: string) => comparisonMetrics.find((m) => m.label === label)!;

test('describeChange is direction-aware', () => {
  const cases: Array<[string, number, number, string]> = [
    ['latency p50', 100, 50, '−50.0 % better'],
    ['latency p50', 50, 100, '+100.0 % worse'],
    ['latency p50', 100, 100.2, '+0.2 %'],
    ['throughput', 100, 200, '×2.00'],
    ['errors', 0, 3, '+3'],
    ['errors', 2, 2, 'same'],
    ['connections opened', 1000, 10, '−99.0 %'],
    ['connections opened', 0, 0, 'same'],
    ['RSS stdev', 1, 2, ''],
  ];
  for (const [label, base, value, expected] of cases) {
    assert.equal(describeChange(metric(label), base, value), expected, `${label}: ${base} -> ${value}`);
  }
});

test('two variants: a separate change column, the seeds’ improvement table', () => {
  const text = renderComparisonTable(runResult([variantResult('off', spread(100, 95, 105), { opened: 100 }), variantResult('on', spread(200, 48, 52), { opened: 10 })]));
  const header = text.split('\n')[1];
  assert.match(header, /metric.*off \(baseline\).*on.*change/);
  const p50 = text.split('\n').find((l) => l.includes('latency p50'))!;
  assert.match(p50, /(99\.\d\d|100\.\d) ms.*50\.\d\d ms.*−50\.0 % better/);
  assert.match(text.split('\n').find((l) => l.includes('throughput'))!, /×2\.00/);
  assert.doesNotMatch(text, /\u001b\[/, 'no escape codes');
});

test('more than two variants: the change sits under each figure', () => {
  const text = renderComparisonTable(runResult([variantResult('a', [10, 10]), variantResult('b', [5, 5]), variantResult('c', [20, 20])]));
  assert.doesNotMatch(text.split('\n')[1], /change/);
  assert.match(text, /−50\.0 % better/);
  assert.match(text, /\+100\.0 % worse/);
});

test('errors are shown with their most frequent classes', () => {
  const text = renderComparisonTable(runResult([variantResult('a', [1]), variantResult('b', [1], { errors: { ECONNRESET: 3, 'HTTP 5xx': 1 } })]));
  assert.match(text, /4 \(ECONNRESET 3, HTTP 5xx 1\)/);
});

test('the distribution shows percentiles and a bar per bucket, every response counted once', () => {
  const v = variantResult('spread', spread(1000, 1, 100));
  const text = renderDistribution(v);
  assert.match(text, /p50 50\.\d\d ms/);
  const bars = text.split('\n').slice(2);
  assert.equal(bars.length, 10);
  const counted = bars.map((line) => Number(/ (\d[\d,]*)$/.exec(line)![1].replace(/,/g, ''))).reduce((a, b) => a + b, 0);
  assert.equal(counted, 1000);
});

test('the terminal summary marks a partial run and explains it', () => {
  const result = runResult([variantResult('a', [1, 2, 3])]);
  result.partial = true;
  result.interruption = { reason: 'SIGINT', message: 'interrupted by SIGINT' };
  const text = renderTerminalSummary(result);
  assert.match(text, /\[PARTIAL\]/);
  assert.match(text, /note: the run stopped early: interrupted by SIGINT/);
});
