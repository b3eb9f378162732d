/** --set overrides: applied to the YAML before validation, checked as if written in the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load.js';
import { parseOverride } from '../../src/scenario/overrides.js';
import { PoolbenchError, ScenarioError } from '../../src/errors.js';

const yaml = `name: o
upstream: { latency: 10ms }
variants:
  - { name: a, client: undici, connections: 4 }
`;

test('values are YAML: durations, numbers, lists and maps, at keys and list indices', () => {
  const scenario = parseScenario(yaml, 'o.yaml', [
    'upstream.latency={distribution: uniform, min: 5ms, max: 15ms}',
    'variants.0.connections=20',
    'upstream.rtt=13ms',
    "thresholds=['p99 < 50ms']",
  ].map(parseOverride));
  assert.deepEqual(scenario.upstream?.latency, { distribution: 'uniform', min: 5, max: 15 });
  assert.equal(scenario.upstream?.rtt, 13);
  assert.equal((scenario.variants[0] as { connections?: number }).connections, 20);
  assert.deepEqual(scenario.thresholds, ['p99 < 50ms']);
});

test('a bad overridden value is reported against its --set, not a line of the file', () => {
  assert.throws(() => parseScenario(yaml, 'o.yaml', [parseOverride('variants.0.connections=-1')]), (error: unknown) => {
    assert.ok(error instanceof ScenarioError);
    assert.deepEqual([error.problems[0].file, error.problems[0].line, error.problems[0].path], ['--set variants.0.connections=-1', 0, 'variants[0].connections']);
    return true;
  });
});

test('a key below a scalar is refused with a hint', () => {
  assert.throws(() => parseScenario(yaml, 'o.yaml', [parseOverride('upstream.latency.min=5ms')]), (error: unknown) => {
    assert.ok(error instanceof PoolbenchError);
    assert.match(error.message, /upstream\.latency is not a map or list in the scenario, so it has no key "min"/);
    return true;
  });
  assert.throws(() => parseOverride('9lives=1'), /expected a dotted key/);
});
