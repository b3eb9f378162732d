import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brokenSlos } from '../../src/plan/slo.js';
import { parseSlo } from '../../src/scenario/slo.js';
import { ScenarioError } from '../../src/errors.js';
import { scenarioFromYaml } from '../helpers/scenario.js';
import type { LatencySummary } from '../../src/metrics/histogram.js';

test('latency objectives parse', () => {
  const cases: [string, unknown][] = [
    ['p99 < 200ms', { metric: 'p99', comparator: '<', limitMs: 200 }],
    [' p50<=1.5s ', { metric: 'p50', comparator: '<=', limitMs: 1500 }],
    ['mean < 40', { metric: 'mean', comparator: '<', limitMs: 40 }],
  ];
  for (const [text, slo] of cases) assert.deepEqual(parseSlo(text), { ok: true, slo }, text);
});

test('bad objectives get one sentence saying what was expected', () => {
  const cases: [string, RegExp][] = [
    ['p95 < 200ms', /unknown percentile "p95"/],
    ['rps < 200', /a plan objective is a latency.*"rps"/],
    ['p99 vs baseline < -10%', /not a change "vs baseline"/],
    ['p99 > 200ms', /upper bound: expected < or <=/],
    ['p99 < 0ms', /positive duration/],
    ['p99 200ms', /expected a comparison .* after "p99"/],
    ['p99 < fast', /expected a duration.*"fast"/],
    ['< 200ms', /expected a threshold such as/],
  ];
  for (const [text, error] of cases) {
    const parsed = parseSlo(text);
    assert.ok(!parsed.ok && error.test(parsed.error), `${text}: ${JSON.stringify(parsed)}`);
  }
});

test('brokenSlos names each objective a latency breaks, and none when all hold', () => {
  const latency = { p50: 20, p99: 250, mean: 30 } as LatencySummary;
  const slos = [{ metric: 'p99', comparator: '<', limitMs: 200 }, { metric: 'p50', comparator: '<=', limitMs: 20 }] as const;
  assert.deepEqual(brokenSlos(slos, latency), ['p99 250.0 ms ≥ 200.0 ms']);
  assert.deepEqual(brokenSlos(slos, { ...latency, p99: 199 }), []);
});

test('a bad objective in a scenario is reported at its line and column', () => {
  const yaml = 'name: x\nplan:\n  targetRate: 10\n  slo: p99 > 200ms\nvariants: [{ name: a, client: undici }]\n';
  assert.throws(() => scenarioFromYaml(yaml), (error: unknown) => {
    assert.ok(error instanceof ScenarioError);
    assert.equal(error.problems[0].line, 4);
    assert.match(error.problems[0].message, /upper bound/);
    return true;
  });
});
