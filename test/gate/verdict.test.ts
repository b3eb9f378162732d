/**
 * Issue 11, "exit codes that tell the truth", on results built from known latencies: a comparison
 * of nothing fails, "significant" only where a test ran, the single-trial tail rule, the scenario's
 * gate settings against the flags, and variants without a successful request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithBaseline, type CompareOptions } from '../../src/gate/compare.js';
import { gateExitCode, gateOutcome } from '../../src/gate/outcome.js';
import type { GateVerdict } from '../../src/gate/types.js';
import { gateHeadline, renderGateMarkdown, renderGateTable } from '../../src/report/gate.js';
import { gateSettings } from '../../src/gate/settings.js';
import { successfulRequests, variantsWithoutSuccess } from '../../src/gate/success.js';
import { noSuccessNote } from '../../src/report/run-notes.js';
import { gateJUnitCases, renderJunitCases } from '../../src/report/junit.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { mergeTrials } from '../../src/metrics/trials.js';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunResult, VariantResult } from '../../src/result.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

/** One variant per name, `trials` trials each, latencies spread ±10 % around `centreMs`. */
function run(names: string[], centreMs: number, trials = 1): RunResult {
  return runResult(names.map((name) => mergeTrials(Array.from({ length: trials }, () => variantResult(name, spread(200, centreMs * 0.9, centreMs * 1.1))))));
}

/** A verdict of the comparison alone, with every rendering of it. */
function judged(base: RunResult, current: RunResult, options: CompareOptions = {}) {
  const verdict: GateVerdict = { thresholds: [], comparison: compareWithBaseline(base, current, options) };
  const table = renderGateTable(verdict);
  const markdown = renderGateMarkdown(verdict);
  const junit = renderJunitCases('gate', '', gateJUnitCases(verdict));
  return { verdict, comparison: verdict.comparison!, table, markdown, junit, all: [table, markdown, junit].join('\n') };
}

const row = (comparison: NonNullable<GateVerdict['comparison']>, metric: string) => comparison.rows.find((r) => r.metric === metric)!;

test('no variant in common fails with the regression code, naming the variants on each side, in every rendering', () => {
  const { verdict, comparison, table, markdown, junit } = judged(run(['pooled'], 20), run(['pooled-renamed'], 20));
  assert.equal(comparison.rows.length, 0);
  assert.equal(gateOutcome(verdict), 'not-compared');
  assert.equal(gateExitCode(verdict), ExitCode.Regression);
  const names = /the baseline has "pooled", this run has "pooled-renamed"/;
  assert.match(gateHeadline(verdict), /^gate FAILED: the baseline comparison could not compare: no variant in common/);
  assert.match(gateHeadline(verdict), names);
  assert.match(table, /FAILED: no variant in common/);
  assert.match(markdown, /^### ❌ poolbench gate FAILED/);
  assert.match(markdown, names);
  assert.match(junit, /<testcase classname="poolbench.baseline" name="variants compared" time="0.000">\s*<failure message="the baseline comparison could not compare: no variant in common: the baseline has &quot;pooled&quot;/);
});

test('partial overlap is compared and noted, not failed: a pull request may add a variant', () => {
  const { verdict, comparison } = judged(run(['a', 'b'], 20), run(['a', 'c'], 20));
  assert.equal(gateOutcome(verdict), 'pass');
  assert.deepEqual(comparison.variants.map((v) => v.name), ['a']);
  assert.match(comparison.notes.join('\n'), /c: not in the baseline, so not compared/);
  assert.match(comparison.notes.join('\n'), /b: in the baseline but not in this run/);
});

test('a metric missing on one side fails: a baseline variant without responses, or a report without the field', () => {
  const base = run(['pool'], 20);
  const silent = variantResult('pool', []); // no response: no latency to compare
  const { verdict, comparison, table, junit } = judged(base, runResult([silent]));
  assert.equal(row(comparison, 'latency p50').verdict, 'missing');
  assert.equal(row(comparison, 'latency p50').missing, 'current');
  assert.equal(gateExitCode(verdict), ExitCode.Regression);
  assert.match(gateHeadline(verdict), /pool: latency p50 is missing \(this run: no request completed\)/);
  assert.match(table, /latency p50 +│ 2\d\.\d+ ms +│ — +│ .*│ MISSING in this run/);
  assert.match(junit, /name="latency p50 vs baseline" time="0.000">\s*<failure message="latency p50: missing in this run"/);

  const single = runResult([variantResult('pool', spread(200, 18, 22))]);
  const edited = structuredClone(single);
  delete (edited.variants[0].latency as Partial<VariantResult['latency']>).p90;
  const fromOldReport = judged(edited, single);
  assert.equal(row(fromOldReport.comparison, 'latency p90').missing, 'baseline');
  assert.equal(row(fromOldReport.comparison, 'latency p50').verdict, 'same');
  assert.equal(gateOutcome(fromOldReport.verdict), 'not-compared');
});

test('"significant" only when the test ran: 5 trials a side say significant, 1 a side say beyond the ±N % tolerance', () => {
  const tested = judged(run(['pool'], 20, 5), run(['pool'], 26, 5));
  assert.equal(row(tested.comparison, 'latency p50').verdict, 'worse');
  assert.match(gateHeadline(tested.verdict), /gate FAILED: \d significant regression\(s\) against the baseline$/);
  assert.match(tested.table, /latency p50 .*│ WORSE/);
  assert.match(tested.junit, /failure message="latency p50 regressed \+\d+\.\d %, significant \(p 0\.0\d+\)"/);

  const untested = judged(run(['pool'], 20), run(['pool'], 26), { minEffectPercent: 8 });
  assert.equal(row(untested.comparison, 'latency p50').verdict, 'worse');
  assert.match(gateHeadline(untested.verdict), /gate FAILED: 2 regression\(s\) beyond the ±8 % tolerance against the baseline \(significance not tested\)$/);
  assert.match(untested.table, /latency p50 .*│ not tested │ WORSE \(beyond ±8 %\)/);
  assert.match(untested.markdown, /\| latency p50 \| .* \| not tested \| \*\*WORSE \(beyond ±8 %\)\*\* \|/);
  assert.match(untested.junit, /failure message="latency p50 regressed \+\d+\.\d %, beyond the ±8 % tolerance \(significance not tested\)"/);
  assert.doesNotMatch(untested.all, /\bsignificant\b/, 'nothing claims significance without a test');
  // An untested run within the tolerance is "within", not "no significant change".
  const same = judged(run(['pool'], 20), run(['pool'], 20.3));
  assert.match(same.table, /latency p50 .*│ within ±5 %/);
  assert.doesNotMatch(same.all, /\bsignificant\b/);
});

test('the single-trial tail rule: p90 and p99 are not judged without their own tolerance, and the output says so', () => {
  // The busy-machine case of issue 11: an identical configuration, p50 steady, the tail +26 %.
  const base = runResult([variantResult('pool', [...spread(980, 19, 21), ...spread(20, 40, 41)])]);
  const noisyTail = runResult([variantResult('pool', [...spread(980, 19, 21), ...spread(20, 50, 52)])]);
  const { verdict, comparison, table, markdown, junit } = judged(base, noisyTail);
  assert.ok(row(comparison, 'latency p99').deltaPercent > 20, `p99 moved ${row(comparison, 'latency p99').deltaPercent} %`);
  assert.equal(row(comparison, 'latency p99').verdict, 'not-judged');
  assert.equal(row(comparison, 'latency p90').verdict, 'not-judged');
  assert.equal(row(comparison, 'latency p50').verdict, 'same');
  assert.equal(gateOutcome(verdict), 'pass');
  assert.match(gateHeadline(verdict), /gate passed: 0 threshold check\(s\), 3 baseline comparison\(s\) \(2 not judged\)/);
  assert.match(table, /latency p99 .*│ not judged/);
  assert.match(table, /p90 and p99 were not judged: tail percentiles move by more than that between identical runs on a busy machine/);
  assert.match(markdown, /\| latency p99 \| .* \| not judged \|/);
  assert.match(junit, /name="latency p99 vs baseline" time="0.000">\s*<skipped message="not judged: a tail percentile, with too few trials to measure its noise"\/>/);
  assert.match(junit, /skipped="2"/);

  // Given their own tolerance, tails are judged against it.
  const own = judged(base, noisyTail, { minEffectByMetric: { p99: 40 } });
  assert.equal(row(own.comparison, 'latency p99').verdict, 'same');
  assert.match(own.table, /latency p99 .*│ within ±40 %/);
  assert.equal(row(own.comparison, 'latency p90').verdict, 'not-judged');
  assert.match(own.table, /merged histograms against a ±5 % tolerance \(latency p99: ±40 %\); significance not tested/);
  const strict = judged(base, noisyTail, { minEffectByMetric: { p99: 10 } });
  assert.equal(row(strict.comparison, 'latency p99').verdict, 'worse');
  assert.equal(gateExitCode(strict.verdict), ExitCode.Regression);

  // With enough trials the test measures their noise, and tails are judged like the rest.
  const repeated = judged(run(['pool'], 20, 5), run(['pool'], 20, 5));
  assert.ok(repeated.comparison.rows.every((r) => r.verdict !== 'not-judged'));
});

test('gate.metrics chooses the metrics judged', () => {
  const { comparison } = judged(run(['pool'], 20), run(['pool'], 40), { metrics: ['rps', 'p50'] });
  assert.deepEqual(comparison.rows.map((r) => r.metric), ['latency p50', 'throughput']);
});

test('gate settings: the scenario gives the defaults, the flags win, fractions become percent', () => {
  assert.deepEqual(gateSettings(undefined, {}), { trials: 1, compare: { minEffectByMetric: {} } });
  const gate = { trials: 5, minEffect: 0.07, metrics: ['p50' as const, 'rps' as const], minEffectByMetric: { p99: 0.3 } };
  assert.deepEqual(gateSettings(gate, {}), { trials: 5, compare: { minEffectPercent: 7, metrics: ['p50', 'rps'], minEffectByMetric: { p99: 30 } } });
  const flagged = gateSettings(gate, { repeat: 2, minEffectPercent: 12 });
  assert.equal(flagged.trials, 2);
  assert.equal(flagged.compare.minEffectPercent, 12);
  assert.deepEqual(flagged.compare.minEffectByMetric, { p99: 30 }, 'a per-metric minimum effect has no flag and stays');
});

/** A variant whose every response had `status`, and `failed` transport failures. */
function answeredWith(name: string, status: number, responses: number, failed = 0, expectFailures?: boolean): VariantResult {
  const v = variantResult(name, spread(responses, 1, 2));
  const errors: Record<string, number> = { ...(status >= 400 && responses > 0 && { [`HTTP ${Math.floor(status / 100)}xx`]: responses }), ...(failed > 0 && { ECONNREFUSED: failed }) };
  return {
    ...v,
    variant: { ...v.variant, ...(expectFailures !== undefined && { expectFailures }) },
    requests: { sent: responses + failed, completed: responses, failed, unfinished: 0 },
    statusCodes: responses > 0 ? { [String(status)]: responses } : {},
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
  };
}

test('successes: a 5xx or 4xx response is completed but not a success; transport failures are none', () => {
  assert.equal(successfulRequests(answeredWith('ok', 200, 10)), 10);
  assert.equal(successfulRequests(answeredWith('5xx', 500, 10)), 0);
  assert.equal(successfulRequests(answeredWith('404', 404, 10)), 0);
  assert.equal(successfulRequests(answeredWith('refused', 200, 0, 3)), 0);
  const mixed = answeredWith('mixed', 200, 5);
  assert.equal(successfulRequests({ ...mixed, requests: { ...mixed.requests, completed: 8 }, statusCodes: { '200': 5, '503': 3 } }), 5);
});

test('variants without a success are named in the notes of the terminal and Markdown summaries; expectFailures excuses one', () => {
  const result = runResult([answeredWith('fine', 200, 10), answeredWith('all 5xx', 500, 40), answeredWith('refused', 200, 0, 7), answeredWith('fault experiment', 503, 9, 0, true)]);
  assert.deepEqual(variantsWithoutSuccess(result).map((v) => v.name), ['all 5xx', 'refused']);
  assert.equal(noSuccessNote(result.variants[0]), undefined);
  assert.match(noSuccessNote(result.variants[1])!, /^all 5xx: no request succeeded \(40 sent; HTTP 5xx ×40\); its figures measure only failures — exit code 103/);
  const terminal = renderTerminalSummary(result);
  assert.match(terminal, /note: refused: no request succeeded \(7 sent; ECONNREFUSED ×7\)/);
  assert.match(terminal, /note: fault experiment: no request succeeded \(9 sent; HTTP 5xx ×9\), as its expectFailures: true allows/);
  assert.doesNotMatch(terminal, /note: fine:/);
  assert.match(renderMarkdown(result), /> \*\*note:\*\* all 5xx: no request succeeded/);
});
