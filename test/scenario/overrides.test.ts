/** --set overrides: applied to the YAML before validation, checked as if written in the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load.js';
import { parseOverride } from '../../src/scenario/overrides.js';
import { formatProblem, PoolbenchError, ScenarioError } from '../../src/errors.js';

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

/** What the user reads for a failing `--set`: each problem as formatted, or the error's message. */
function shownFor(set: string): string[] {
  try {
    parseScenario(yaml, 'o.yaml', [parseOverride(set)]);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map(formatProblem);
    assert.ok(error instanceof PoolbenchError, `expected a PoolbenchError, got ${error instanceof Error ? error.stack : String(error)}`);
    return [error.message];
  }
  assert.fail(`--set ${set} was accepted`);
}

test('--set problems name the override, never a line of the file', () => {
  const cases: Array<[string, RegExp]> = [
    ['foo.bar=1', /^--set foo\.bar=1: unknown key "foo"$/],
    ['load.concurency=5', /^--set load\.concurency=5: unknown key "concurency" \(did you mean "concurrency"\?\)$/],
    ['load.concurrency=abc', /^--set load\.concurrency=abc load\.concurrency: expected a number, but found "abc"$/],
    ['load.concurrency=100000', /^--set load\.concurrency=100000 load\.concurrency: must be at most 10000, but is 100000$/],
    ['load.duration=48h', /^--set load\.duration=48h load\.duration: must be at most 24h, but is 48h$/],
    ['variants.0.matrix={}', /^--set variants\.0\.matrix=\{\} variants\[0\]\.matrix: the matrix is empty/],
    ['variants.0.matrix={connections: [1, 2]}', /^--set variants\.0\.matrix=\{connections: \[1, 2\]\}: connections is set both beside the matrix/],
    ['variants.5.name=x', /^--set variants\.5\.name=x: variants has 1 item, so there is no variants\[5\]$/],
    ['variants.-1.name=x', /^--set variants\.-1\.name=x: variants is a list, so "-1" is not one of its items$/],
    ['variants.1.name=x', /^--set variants\.1\.name=x variants\[1\]: missing required key "client"/],
    ['name=[1', /^--set name=\[1: the value is not valid YAML/],
    ['upstream.latency=*a', /^--set upstream\.latency=\*a: the value is not valid YAML/],
    // The value passes the file's own checks: tags, nesting, merge keys.
    ['name=!!js/function x', /^--set name=!!js\/function x: unknown tag: !!js\/function/],
    [`name=${'['.repeat(100)}${']'.repeat(100)}`, /: the value is nested too deeply$/],
    ['load={"<<": [x]}', /^--set load=\{"<<": \[x\]\}: a merge key \(<<\) merges maps only/],
  ];
  for (const [set, expected] of cases) {
    const shown = shownFor(set);
    assert.equal(shown.length, 1, `--set ${set}: ${shown.join('\n')}`);
    assert.match(shown[0], expected);
  }
});

test('a problem in the file beside a --set is still reported at its line', () => {
  const bad = yaml.replace('connections: 4', 'connections: 4, pipelining: 0');
  assert.throws(() => parseScenario(bad, 'o.yaml', [parseOverride('variants.0.connections=8')]), (error: unknown) => {
    assert.ok(error instanceof ScenarioError);
    assert.deepEqual(error.problems.map(formatProblem), ['o.yaml:4:60 variants[0].pipelining: expected a positive whole number, but found 0']);
    return true;
  });
});
