/**
 * Rows and headings that say what they count (issue 11 §4): the open model is described by its
 * rate and the requests in flight it measured, never by a concurrency it did not use; the errors
 * cell names every class or says how many it leaves out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise } from '../../src/advisor/index.js';
import { comparisonGrid, errorClassesCell } from '../../src/report/comparison.js';
import { describeLoad } from '../../src/report/load-description.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderHtml } from '../../src/report/html.js';
import type { RunResult } from '../../src/result.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

/** A pool of 4 that made requests wait: the advisor's pool-wait rule fires on it. */
function waitingPool(model: 'open' | 'closed'): RunResult {
  const v = variantResult('small-pool', spread(200, 90, 110), { opened: 4 });
  v.variant = { name: 'small-pool', client: 'undici', keepAlive: true, pipelining: 1, protocol: 'h1', connections: 4 };
  v.poolWait = { meanWaiting: 30, peakWaiting: 40, samples: 10, estimatedMeanWaitMs: 60 };
  v.inFlight = { mean: 34.2, max: 44, distribution: [] };
  const run = runResult([v]);
  run.scenario.load = model === 'open' ? { ...run.scenario.load, model: 'open', rate: 500, concurrency: 10 } : { ...run.scenario.load, concurrency: 50 };
  return run;
}

test('describeLoad: the open model by its rate and in-flight cap, the closed one by its concurrency', () => {
  const closed = waitingPool('closed').scenario.load;
  assert.equal(describeLoad(closed), 'closed model, concurrency 50');
  assert.equal(describeLoad({ ...closed, stages: [{ duration: 1000, target: 80 }, { duration: 1000, target: 20 }] }), 'closed model, concurrency 50 → 80 → 20');
  const open = waitingPool('open').scenario.load;
  assert.equal(describeLoad(open), 'open model, arrival rate 500 req/s, at most 1,000 requests in flight');
  assert.equal(describeLoad({ ...open, rate: undefined, stages: [{ duration: 1000, target: 300 }] }), 'open model, arrival rate 0 → 300 req/s, at most 1,000 requests in flight');
});

test('under the open model no heading or finding speaks of a concurrency', () => {
  const run = waitingPool('open');
  run.findings = advise(run);
  const [finding] = run.findings;
  assert.equal(finding?.rule, 'pool-wait', 'the pool-wait rule still fires, on the requests in flight measured');
  assert.match(finding.evidence, /^34\.2 requests in flight on average at 500 req\/s for room for 4/);
  assert.match(finding.change, /raise connections to 35 .*or lower the rate$/);
  for (const [format, text] of [['terminal', renderTerminalSummary(run)], ['markdown', renderMarkdown(run)], ['html', renderHtml(run)]] as const) {
    assert.doesNotMatch(text, /concurren/i, `${format} speaks of concurrency under the open model`);
    assert.match(text, /open model, arrival rate 500 req\/s/, `${format} names the rate`);
  }
});

test('under the closed model the findings and headings keep speaking of the concurrency', () => {
  const run = waitingPool('closed');
  run.findings = advise(run);
  assert.match(run.findings[0].evidence, /^50 requests in flight for room for 4/);
  assert.match(run.findings[0].change, /raise connections to 50 .*or lower the concurrency$/);
  assert.match(renderTerminalSummary(run), /^load: closed model, concurrency 50$/m);
});

test('the open model without an in-flight measurement (an engine driving its own load) gets no finding from a concurrency it did not set', () => {
  const run = waitingPool('open');
  delete run.variants[0].inFlight;
  assert.deepEqual(advise(run), []);
});

test('the errors cell names every class, or says how many it leaves out', () => {
  assert.equal(errorClassesCell({ ECONNRESET: 3, 'HTTP 5xx': 1 }), 'ECONNRESET 3, HTTP 5xx 1');
  assert.equal(errorClassesCell({ a: 1, b: 5, c: 3 }), 'b 5, c 3, a 1');
  assert.equal(errorClassesCell({ a: 1, b: 5, c: 3, d: 2 }), 'b 5, c 3, d 2, +1 more class');
  const many = { ECONNRESET: 50, ECONNREFUSED: 40, UND_ERR_SOCKET: 30, 'HTTP 5xx': 20, 'HTTP 4xx': 10, ETIMEDOUT: 5 };
  assert.equal(errorClassesCell(many), 'ECONNRESET 50, ECONNREFUSED 40, UND_ERR_SOCKET 30, +3 more classes');
  const run = runResult([variantResult('a', [10], { errors: many }), variantResult('b', [10], { errors: { ECONNRESET: 1 } })]);
  const row = comparisonGrid(run)!.rows.find((r) => r.label === 'errors')!;
  assert.equal(row.baseline, '155 (ECONNRESET 50, ECONNREFUSED 40, UND_ERR_SOCKET 30, +3 more classes)');
  assert.equal(row.others[0].cell, '1 (ECONNRESET 1)');
});
