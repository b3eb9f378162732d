/** The baseline comparison, the verdict and its renderings, on results built from known latencies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithBaseline } from '../../src/gate/compare.js';
import { evaluateGate } from '../../src/gate/verdict.js';
import { gateExitCode, gateOutcome } from '../../src/gate/outcome.js';
import { renderGateMarkdown, renderGateTable } from '../../src/report/gate.js';
import { gateJUnitCases, renderJunitCases } from '../../src/report/junit.js';
import { mergeTrials } from '../../src/metrics/trials.js';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunResult } from '../../src/result.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

/** A run of `trials` trials whose latencies centre on the given milliseconds. */
function run(centresMs: number[], thresholds?: string[]): RunResult {
  const v = mergeTrials(centresMs.map((c) => variantResult('pool', spread(200, c * 0.9, c * 1.1))));
  const result = runResult([v]);
  return thresholds ? { ...result, scenario: { ...result.scenario, thresholds } } : result;
}

const rowOf = (comparison: ReturnType<typeof compareWithBaseline>, metric: string) => comparison.rows.find((r) => r.metric === metric)!;

test('noise within the minimum effect is no significant change, even when consistent', () => {
  const comparison = compareWithBaseline(run([20, 20.2, 19.9, 20.1, 20.3]), run([20.4, 20.5, 20.6, 20.4, 20.5]));
  const p50 = rowOf(comparison, 'latency p50');
  assert.ok(p50.pValue! < 0.05, `p ${p50.pValue}`);
  assert.equal(p50.verdict, 'same');
  assert.equal(gateOutcome({ thresholds: [], comparison }), 'pass');
});

test('a 30 % slower run is worse with p = 2/252 across 5 trials a side, and exits with the regression code', () => {
  const comparison = compareWithBaseline(run([20, 20.2, 19.9, 20.1, 20.3]), run([26, 26.3, 25.8, 26.1, 26.2]));
  const p50 = rowOf(comparison, 'latency p50');
  assert.equal(p50.verdict, 'worse');
  assert.ok(Math.abs(p50.pValue! - 2 / 252) < 1e-9);
  assert.ok(p50.deltaPercent > 25 && p50.deltaPercent < 35, `${p50.deltaPercent}`);
  assert.equal(rowOf(comparison, 'throughput').verdict, 'same', 'throughput is the same: trials all last 1 s with 200 responses');
  assert.equal(gateExitCode({ thresholds: [], comparison }), ExitCode.Regression);
});

test('a large shift that is not significant (overlapping trials) is no significant change', () => {
  const comparison = compareWithBaseline(run([20, 30, 20, 30, 25]), run([30, 20, 31, 21, 26]));
  assert.equal(rowOf(comparison, 'latency p50').verdict, 'same');
});

test('one trial a side: histograms against the tolerance, and the notes say significance was not tested', () => {
  const comparison = compareWithBaseline(run([20]), run([26]));
  const p50 = rowOf(comparison, 'latency p50');
  assert.equal(p50.pValue, undefined);
  assert.equal(p50.verdict, 'worse');
  assert.equal(comparison.variants[0].method, 'tolerance');
  assert.match(comparison.notes.join('\n'), /significance was not tested — 1 trial\(s\) against 1/);
  assert.match(renderGateTable({ thresholds: [], comparison }), /not tested/);
  assert.equal(rowOf(compareWithBaseline(run([20]), run([20.5])), 'latency p50').verdict, 'same');
});

test('3 trials a side cannot reach significance, so they are compared by tolerance too', () => {
  const comparison = compareWithBaseline(run([20, 20, 20]), run([26, 26, 26]));
  assert.equal(comparison.variants[0].method, 'tolerance');
});

test('a failed threshold outranks a regression; --min-effect moves the line', () => {
  const base = run([20, 20, 20, 20, 20]);
  const slow = run([26, 26, 26, 26, 26], ['p99 < 1ms']);
  assert.equal(gateExitCode(evaluateGate(slow, base)), ExitCode.ThresholdFailed);
  assert.equal(gateOutcome(evaluateGate(run([26, 26, 26, 26, 26]), base, { minEffectPercent: 40 })), 'pass');
});

test('thresholds: pass, fail, and no data when the figure is not recorded', () => {
  const verdict = evaluateGate(run([20], ['p50 < 30ms', 'p50 < 10ms', 'poolWait.p99 < 5ms']));
  assert.deepEqual(verdict.thresholds.map((c) => c.status), ['pass', 'fail', 'no-data']);
  assert.ok(Math.abs(verdict.thresholds[0].actual! - 20) < 0.5);
});

test('relative thresholds compare with the baseline variant and do not apply to it', () => {
  const result = runResult([variantResult('off', spread(100, 90, 110)), variantResult('on', spread(100, 45, 55))]);
  const verdict = evaluateGate({ ...result, scenario: { ...result.scenario, thresholds: ['p50 vs baseline < -30%'] } });
  assert.deepEqual(verdict.thresholds.map((c) => [c.variant, c.status]), [['off', 'not-applicable'], ['on', 'pass']]);
  assert.ok(Math.abs(verdict.thresholds[1].actual! + 50) < 1, `${verdict.thresholds[1].actual}`);
});

test('renderings: Markdown headline and tables, JUnit cases with failures, escaped XML', () => {
  const verdict = evaluateGate(run([26, 26.3, 25.8, 26.1, 26.2], ['errors == 0', 'p99 < 1ms']), run([20, 20.2, 19.9, 20.1, 20.3]), { baselineLabel: 'base.json' });
  const markdown = renderGateMarkdown(verdict);
  assert.match(markdown, /^### ❌ poolbench gate FAILED: 1 threshold\(s\) did not hold; \d+ significant regression\(s\)/);
  assert.match(markdown, /\| pool \| `p99 < 1ms` \| .* \| \*\*FAILED\*\* \|/);
  assert.match(markdown, /\| pool \| latency p50 \| 20\.\d+ ms \| 26\.\d+ ms \| \+(29|30)\.\d % \| 0\.008 \| \*\*WORSE\*\* \|/);
  const cases = gateJUnitCases(verdict);
  assert.equal(cases.length, 2 + 5);
  assert.deepEqual(cases.filter((c) => c.failure).map((c) => c.name), ['p99 < 1ms', 'latency p50 vs baseline', 'latency p90 vs baseline', 'latency p99 vs baseline', 'latency mean vs baseline']);
  const xml = renderJunitCases('gate', '', cases);
  assert.match(xml, /<testcase classname="poolbench.thresholds.pool" name="p99 &lt; 1ms" time="0.000">\s*<failure message="p99 &lt; 1ms did not hold: /);
  assert.match(xml, /<testcase classname="poolbench.thresholds.pool" name="errors == 0" time="0.000"\/>/);
});

test('count thresholds read the worst trial, not the sum over trials', () => {
  const trials = [variantResult('pool', spread(50, 10, 20), { opened: 4 }), variantResult('pool', spread(50, 10, 20), { opened: 6 })];
  const result = runResult([mergeTrials(trials)]);
  const verdict = evaluateGate({ ...result, scenario: { ...result.scenario, thresholds: ['connections <= 6', 'connections < 6'] } });
  assert.deepEqual(verdict.thresholds.map((c) => [c.actual, c.status]), [[6, 'pass'], [6, 'fail']]);
});
