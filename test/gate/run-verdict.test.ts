/**
 * The verdict on a run (gate/verdict.ts judgeRun), on results built from known figures: the
 * exit-code precedence of src/exit-codes.ts — did not finish > no successful request > saturation
 * > a failed threshold > a regression > 0 — with what --allow-saturation and --no-fail change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeGate, judgeRun, withVerdict } from '../../src/gate/verdict.js';
import { advise } from '../../src/advisor/index.js';
import { ExitCode } from '../../src/exit-codes.js';
import type { PoolFigures, RunResult, VariantResult } from '../../src/result.js';
import { CLIENT_CLOSE_CAUSES } from '../../src/clients/pool-observer.js';
import { createHistogram, encodeHistogram, summarize } from '../../src/metrics/histogram.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

/** Two variants, `pooled` answering in about `centreMs`; `problems` spoil it. */
function run(centreMs: number, problems: { thresholds?: string[]; saturated?: boolean; noSuccess?: boolean; interruption?: RunResult['interruption'] } = {}): RunResult {
  const pooled: VariantResult = variantResult('pooled', spread(200, centreMs * 0.9, centreMs * 1.1));
  if (problems.saturated) pooled.saturated = { reason: 'event-loop delay p99 80 ms', loopDelayP99Ms: 80 };
  if (problems.noSuccess) pooled.statusCodes = { '503': pooled.requests.completed };
  const result = runResult([variantResult('single', spread(200, 20, 22)), pooled], 'single');
  result.scenario.thresholds = problems.thresholds;
  if (problems.interruption) Object.assign(result, { interruption: problems.interruption, partial: true });
  return result;
}

const failingThreshold = ['p50 < 1ms'];

test('a clean run passes with exit 0 and no gate section when it had no threshold and no baseline', () => {
  const verdict = judgeRun(run(20));
  assert.equal(verdict.exitCode, ExitCode.Success);
  assert.deepEqual(verdict.reason, { kind: 'passed' });
  assert.equal(verdict.gate, undefined);
});

test('an interruption outranks everything, and a partial run is not gated', () => {
  const everything = { thresholds: failingThreshold, saturated: true, noSuccess: true };
  const sigint = judgeRun(run(20, { ...everything, interruption: { reason: 'SIGINT', message: 'Ctrl-C' } }), { baseline: run(10) });
  assert.equal(sigint.exitCode, ExitCode.Interrupted);
  assert.deepEqual(sigint.reason, { kind: 'stopped-early', by: 'SIGINT' });
  assert.equal(sigint.gate, undefined);
  assert.equal(judgeRun(run(20, { ...everything, interruption: { reason: 'SIGTERM', message: 'stop' } })).exitCode, ExitCode.Terminated);
  assert.equal(judgeRun(run(20, { ...everything, interruption: { reason: 'error', message: 'upstream crashed' } })).exitCode, ExitCode.RunError);
});

test('a variant without a successful request outranks saturation and the gate, even with --allow-saturation and --no-fail', () => {
  const verdict = judgeRun(run(20, { thresholds: failingThreshold, saturated: true, noSuccess: true }), { allowSaturation: true, fail: false });
  assert.equal(verdict.exitCode, ExitCode.NoSuccess);
  assert.deepEqual(verdict.reason, { kind: 'no-success', variants: ['pooled'] });
  // The gate was still evaluated: every report shows it.
  assert.equal(verdict.gate?.thresholds.length, 2);
});

test('saturation outranks a failed threshold; --allow-saturation lets the gate decide', () => {
  const saturated = run(20, { thresholds: failingThreshold, saturated: true });
  assert.deepEqual(judgeRun(saturated), judgeRun(saturated, { fail: true, allowSaturation: false }));
  assert.equal(judgeRun(saturated).exitCode, ExitCode.GeneratorSaturated);
  assert.deepEqual(judgeRun(saturated).reason, { kind: 'saturated', variants: ['pooled'] });
  // --no-fail does not cover saturation.
  assert.equal(judgeRun(saturated, { fail: false }).exitCode, ExitCode.GeneratorSaturated);
  assert.equal(judgeRun(saturated, { allowSaturation: true }).exitCode, ExitCode.ThresholdFailed);
});

test('a failed threshold outranks a regression; a regression alone gives its code', () => {
  const baseline = run(10);
  const both = judgeRun(run(20, { thresholds: failingThreshold }), { baseline, compare: { baselineLabel: 'base.json' } });
  assert.equal(both.exitCode, ExitCode.ThresholdFailed);
  assert.deepEqual(both.reason, { kind: 'gate-failed', outcome: 'threshold-failed' });
  assert.equal(both.gate?.comparison?.baselineLabel, 'base.json');
  const regression = judgeRun(run(20), { baseline });
  assert.equal(regression.exitCode, ExitCode.Regression);
  assert.deepEqual(regression.reason, { kind: 'gate-failed', outcome: 'regression' });
});

test('--no-fail turns only the gate\'s codes into 0, keeping the code it would have been', () => {
  const waived = judgeRun(run(20, { thresholds: failingThreshold }), { fail: false });
  assert.equal(waived.exitCode, ExitCode.Success);
  assert.deepEqual(waived.reason, { kind: 'gate-waived', outcome: 'threshold-failed', code: ExitCode.ThresholdFailed });
  assert.deepEqual(judgeGate(undefined, false), { exitCode: ExitCode.Success, reason: { kind: 'passed' } });
});

/** Pool figures showing the keep-alive race: 5 of 100 requests on reused connections failed, the server closed idle ones. */
function racingPool(): PoolFigures {
  const empty = summarize(createHistogram());
  const encoded = encodeHistogram(createHistogram());
  const closes = Object.fromEntries(CLIENT_CLOSE_CAUSES.map((cause) => [cause, cause === 'server-idle' ? 5 : 0])) as PoolFigures['closes'];
  return {
    attempts: {
      acquireWait: empty, acquireWaitHistogram: encoded, requestsOnFresh: 10, requestsOnReused: 100, reuseRatio: 100 / 110, idleBeforeReuse: empty, failuresOnReused: 5, deadSocketRate: 0.05,
      latencyFresh: empty, latencyFreshHistogram: encoded, latencyReused: empty, latencyReusedHistogram: encoded,
    },
    connectionLifetime: empty, connectionLifetimeHistogram: encoded, requestsPerConnection: empty, requestsPerConnectionHistogram: encoded, closes,
  };
}

test('the verdict carries the advisor\'s findings and leaves the result alone; withVerdict gives the report its findings and gate', () => {
  const result = run(20, { thresholds: failingThreshold });
  result.variants[1].pool = racingPool();
  const before = structuredClone(result);
  const verdict = judgeRun(result);
  assert.deepEqual(result, before, 'judgeRun does not write into the result');
  assert.deepEqual(verdict.findings.map((finding) => [finding.rule, finding.variant]), [['dead-sockets', 'pooled']]);
  assert.deepEqual(verdict.findings, advise(result));
  const judged = withVerdict(result, verdict);
  assert.deepEqual(judged.findings, verdict.findings);
  assert.equal(judged.gate, verdict.gate);
  assert.deepEqual(result, before, 'withVerdict returns a new result');
});
