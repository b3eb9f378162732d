/** Threshold expressions: table-driven, good and bad; bad ones located in the scenario file. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { holds, parseThreshold, type Threshold } from '../../src/scenario/threshold.js';
import { ScenarioError } from '../../src/errors.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

type Parsed = Omit<Threshold, 'source'>;

const good: [string, Parsed][] = [
  ['p99 < 50ms', { metric: 'p99', relative: false, comparator: '<', value: 50, unit: 'ms' }],
  ['p50<=1.5s', { metric: 'p50', relative: false, comparator: '<=', value: 1500, unit: 'ms' }],
  ['  p999 < 250  ', { metric: 'p999', relative: false, comparator: '<', value: 250, unit: 'ms' }],
  ['max < 500us', { metric: 'max', relative: false, comparator: '<', value: 0.5, unit: 'ms' }],
  ['mean < 20ms', { metric: 'mean', relative: false, comparator: '<', value: 20, unit: 'ms' }],
  ['p90 < 30ms', { metric: 'p90', relative: false, comparator: '<', value: 30, unit: 'ms' }],
  ['rps >= 900', { metric: 'rps', relative: false, comparator: '>=', value: 900, unit: 'rps' }],
  ['rps > 12.5 req/s', { metric: 'rps', relative: false, comparator: '>', value: 12.5, unit: 'rps' }],
  ['errors < 0.1%', { metric: 'errors', relative: false, comparator: '<', value: 0.1, unit: 'percent' }],
  ['errors == 0', { metric: 'errors', relative: false, comparator: '==', value: 0, unit: 'count' }],
  ['errors <= 3', { metric: 'errors', relative: false, comparator: '<=', value: 3, unit: 'count' }],
  ['connections <= 10', { metric: 'connections', relative: false, comparator: '<=', value: 10, unit: 'count' }],
  ['reuse > 95%', { metric: 'reuse', relative: false, comparator: '>', value: 95, unit: 'percent' }],
  ['poolWait.p99 < 5ms', { metric: 'poolWait.p99', relative: false, comparator: '<', value: 5, unit: 'ms' }],
  ['p50 vs baseline < -30%', { metric: 'p50', relative: true, comparator: '<', value: -30, unit: 'percent' }],
  ['rps vs baseline >= +10%', { metric: 'rps', relative: true, comparator: '>=', value: 10, unit: 'percent' }],
  ['connections vs baseline < -90 %', { metric: 'connections', relative: true, comparator: '<', value: -90, unit: 'percent' }],
];

const bad: [string, RegExp][] = [
  ['', /expected a threshold such as "p99 < 50ms"/],
  ['< 50ms', /expected a threshold such as/],
  ['p95 < 50ms', /unknown percentile "p95": thresholds know p50, p90, p99 and p999/],
  ['erors < 1%', /unknown metric "erors" \(did you mean "errors"\?\)/],
  ['latency < 50ms', /unknown metric "latency"; the metrics are p50, p90/],
  ['p99 50ms', /expected a comparison \(<, <=, >, >= or ==\) after "p99", but found "50ms"/],
  ['p99', /expected a comparison .* but found the end of the expression/],
  ['errors = 0', /but found "= 0" \("==" tests equality\)/],
  ['p99 <', /expected a value after "<"/],
  ['p99 < fast', /p99 is a latency: expected a duration such as 50ms or 1.5s, but found "fast"/],
  ['p99 < 10%', /p99 is a latency/],
  ['p99 < -5ms', /p99 is a latency/],
  ['rps > lots', /rps is a rate/],
  ['errors < 1.5', /errors is a count or a share of requests/],
  ['connections < 2.5', /connections is a count: expected a whole number/],
  ['reuse > 0.9', /reuse is the share of requests sent on a reused connection: expected a percentage from 0% to 100%/],
  ['reuse > 120%', /expected a percentage from 0% to 100%/],
  ['p50 vs baseline < 10ms', /"p50 vs baseline" compares a percentage change, such as -30% or \+10%, but found "10ms"/],
  ['p50 vs base < -30%', /after "p50 vs", expected "baseline", but found "base"/],
  ['p50 vs', /after "p50 vs", expected "baseline", but found the end of the expression/],
];

describe('parseThreshold: good expressions', () => {
  for (const [text, expected] of good) {
    test(JSON.stringify(text), () => {
      const parsed = parseThreshold(text);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
      assert.deepEqual(parsed.threshold, { source: text.trim(), ...expected });
    });
  }
});

describe('parseThreshold: bad expressions get one clear sentence', () => {
  for (const [text, message] of bad) {
    test(JSON.stringify(text), () => {
      const parsed = parseThreshold(text);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.error, message);
    });
  }
});

test('holds: each comparator', () => {
  assert.deepEqual(
    (['<', '<=', '>', '>=', '=='] as const).map((c) => [holds(1, c, 2), holds(2, c, 2), holds(3, c, 2)]),
    [[true, false, false], [true, true, false], [false, false, true], [false, true, true], [false, true, false]],
  );
});

test('the scenario loader keeps good thresholds and places bad ones at their line and column', () => {
  const yaml = `name: t
thresholds: ['p99 < 50ms', 'errors < 0.1%']
variants:
  - name: a
    client: undici
    thresholds:
      - rps > 100
      - p99 < fast
`;
  assert.throws(() => scenarioFromYaml(yaml), (error: unknown) => {
    assert.ok(error instanceof ScenarioError);
    assert.equal(error.problems.length, 1);
    const [problem] = error.problems;
    assert.deepEqual([problem.line, problem.col, problem.path], [8, 9, 'variants[0].thresholds[1]']);
    assert.match(problem.message, /p99 is a latency/);
    return true;
  });
  const scenario = scenarioFromYaml(yaml.replace('p99 < fast', 'p99 < 80ms'));
  assert.deepEqual(scenario.thresholds, ['p99 < 50ms', 'errors < 0.1%']);
  assert.deepEqual(scenario.variants[0].thresholds, ['rps > 100', 'p99 < 80ms']);
});
