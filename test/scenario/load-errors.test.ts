import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem, ScenarioError, type ScenarioProblem } from '../../src/errors.js';
import { ExitCode } from '../../src/exit-codes.js';
import { parseScenario } from '../../src/scenario/load.js';

const FILE = 'bad.yaml';

/** The problems parseScenario reports for `yaml`; fails the test when it does not throw. */
function problemsOf(yaml: string): ScenarioProblem[] {
  try {
    parseScenario(yaml, FILE);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
    assert.equal(error.exitCode, ExitCode.InvalidInput);
    return error.problems;
  }
  assert.fail('the scenario was accepted');
}

interface BadInput {
  title: string;
  yaml: string;
  path: string;
  line: number;
  /** Omitted where the column is the YAML parser's business rather than ours. */
  col?: number;
  message: RegExp;
  hint?: RegExp;
}

// Each input has exactly one problem; lines and columns are 1-based, as editors count.
const badInputs: BadInput[] = [
  {
    title: 'autocannon with fewer connections than upstream instances (some instance would get no request)',
    yaml: 'name: x\nupstream: { instances: 3 }\nvariants:\n  - { name: a, client: autocannon, connections: 2 }\n',
    path: 'variants[0].connections', line: 4, col: 49,
    message: /spreads its connections over the 3 upstream instances, but has 2/,
    hint: /at least 3 connections/,
  },
  {
    title: 'a uniform latency whose max is below its min',
    yaml: 'name: x\nupstream:\n  latency: {distribution: uniform, min: 20ms, max: 10ms}\nvariants: [{name: a, client: undici}]\n',
    path: 'upstream.latency.max', line: 3,
    message: /max must not be below min/,
  },
  {
    title: 'a lognormal latency whose p99 is below its p50',
    yaml: 'name: x\nupstream:\n  latency: {distribution: lognormal, p50: 20ms, p99: 5ms}\nvariants: [{name: a, client: undici}]\n',
    path: 'upstream.latency.p99', line: 3,
    message: /p99 must not be below p50/,
  },
  {
    title: 'wrong type',
    yaml: 'name: 5\nvariants: [{name: a, client: undici}]\n',
    path: 'name', line: 1, col: 7,
    message: /^expected a string, but found 5$/,
  },
  {
    title: 'wrong type for a boolean',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: undici\n    keepAlive: "yes"\n',
    path: 'variants[0].keepAlive', line: 5, col: 16,
    message: /^expected true or false, but found "yes"$/,
  },
  {
    title: 'unknown top-level key',
    yaml: 'name: x\ndescripton: typo\nvariants: [{name: a, client: undici}]\n',
    path: 'descripton', line: 2, col: 1,
    message: /^unknown key "descripton"$/, hint: /did you mean "description"\?/,
  },
  {
    title: 'unknown nested key',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: undici\n    conections: 3\n',
    path: 'variants[0].conections', line: 5, col: 5,
    message: /^unknown key "conections"$/, hint: /^did you mean "connections"\?$/,
  },
  {
    title: 'unknown key in a nested map',
    yaml: 'name: x\nupstream:\n  keepAlive:\n    timout: 5s\nvariants: [{name: a, client: undici}]\n',
    path: 'upstream.keepAlive.timout', line: 4, col: 5,
    message: /^unknown key "timout"$/, hint: /did you mean "timeout"\?/,
  },
  {
    title: 'negative size',
    yaml: 'name: x\nupstream:\n  response:\n    bodySize: -1kb\nvariants: [{name: a, client: undici}]\n',
    path: 'upstream.response.bodySize', line: 4, col: 15,
    message: /^expected a size such as 512b, 64kb or 1mb, but found "-1kb"$/,
  },
  {
    title: 'negative size in bytes',
    yaml: 'name: x\nupstream:\n  response:\n    bodySize: -5\nvariants: [{name: a, client: undici}]\n',
    path: 'upstream.response.bodySize', line: 4, col: 15,
    message: /must not be negative/,
  },
  {
    title: 'negative concurrency',
    yaml: 'name: x\nload:\n  concurrency: -3\nvariants: [{name: a, client: undici}]\n',
    path: 'load.concurrency', line: 3, col: 16,
    message: /^expected a positive whole number, but found -3$/,
  },
  {
    title: 'zero concurrency',
    yaml: 'name: x\nload: {concurrency: 0}\nvariants: [{name: a, client: undici}]\n',
    path: 'load.concurrency', line: 2, col: 21,
    message: /^expected a positive whole number, but found 0$/,
  },
  {
    title: 'fractional pool size',
    yaml: 'name: x\nvariants: [{name: a, client: undici, connections: 1.5}]\n',
    path: 'variants[0].connections', line: 2, col: 51,
    message: /^expected a whole number, but found 1.5$/,
  },
  {
    title: 'empty variants',
    yaml: 'name: x\nvariants: []\n',
    path: 'variants', line: 2, col: 11,
    message: /at least one variant/,
  },
  {
    title: 'missing variants',
    yaml: 'name: x\nload: {requests: 10}\n',
    path: '', line: 1, col: 1,
    message: /^missing required key "variants"$/,
  },
  {
    title: 'missing client',
    yaml: 'name: x\nvariants:\n  - name: a\n    keepAlive: true\n',
    path: 'variants[0]', line: 3, col: 5,
    message: /^missing required key "client"$/, hint: /undici, node-http, node-http2, fetch/,
  },
  {
    title: 'bad duration',
    yaml: 'name: x\nload:\n  duration: 10 parsecs\nvariants: [{name: a, client: undici}]\n',
    path: 'load.duration', line: 3, col: 13,
    message: /^expected a duration such as 250ms, 30s or 1m, but found "10 parsecs"$/,
  },
  {
    title: 'latency of an unknown distribution',
    yaml: 'name: x\nupstream:\n  latency: {distribution: poisson, mean: 5ms}\nvariants: [{name: a, client: undici}]\n',
    path: 'upstream.latency', line: 3, col: 12,
    message: /distribution fixed, uniform, normal or lognormal/,
  },
  {
    title: 'misspelt method',
    yaml: 'name: x\nrequest: {method: GETT}\nvariants: [{name: a, client: undici}]\n',
    path: 'request.method', line: 2, col: 19,
    message: /^expected one of "GET", .*but found "GETT"$/, hint: /did you mean "GET"\?/,
  },
  {
    title: 'duplicate variant names',
    yaml: 'name: x\nvariants:\n  - {name: a, client: undici}\n  - {name: a, client: fetch}\n',
    path: 'variants[1].name', line: 4, col: 12,
    message: /^duplicate variant name "a"$/, hint: /variants\[0\]\.name/,
  },
  {
    title: 'duplicate variant names after matrix expansion',
    yaml: 'name: x\nvariants:\n  - {name: a, client: undici, matrix: {connections: [1, 2]}}\n  - {name: a connections=2, client: undici}\n',
    path: 'variants[1].name', line: 4, col: 12,
    message: /^duplicate variant name "a connections=2"$/,
  },
  {
    title: 'unknown baseline',
    yaml: 'name: x\nbaseline: undicci\nvariants:\n  - {name: undici, client: undici}\n  - {name: fetch, client: fetch}\n',
    path: 'baseline', line: 2, col: 11,
    message: /^unknown baseline "undicci"/, hint: /^did you mean "undici"\?$/,
  },
  {
    title: 'invalid YAML syntax',
    yaml: 'name: x\nload:\n  requests: 5\n warmup: 1s\nvariants: [{name: a, client: undici}]\n',
    path: '', line: 4,
    message: /^invalid YAML: All mapping items must start at the same column$/,
  },
  {
    title: 'duplicate YAML keys',
    yaml: 'name: x\nload:\n  requests: 5\n  requests: 6\nvariants: [{name: a, client: undici}]\n',
    path: 'load.requests', line: 4, col: 3,
    message: /^duplicate key/,
  },
  {
    title: 'bad matrix key',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: undici\n    matrix:\n      pipelinig: [1, 4]\n',
    path: 'variants[0].matrix.pipelinig', line: 6, col: 7,
    message: /^unknown matrix key "pipelinig"/, hint: /did you mean "pipelining"\?/,
  },
  {
    title: 'matrix may not vary the name',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: undici\n    matrix: {name: [b, c]}\n',
    path: 'variants[0].matrix.name', line: 5, col: 14,
    message: /^unknown matrix key "name"/,
  },
  {
    title: 'bad matrix value',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: undici\n    matrix:\n      connections: [1, -2, 10]\n',
    path: 'variants[0].matrix.connections[1]', line: 6, col: 24,
    message: /^expected a positive whole number, but found -2$/,
  },
  {
    title: 'empty matrix entry',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: undici\n    matrix:\n      connections: []\n',
    path: 'variants[0].matrix.connections', line: 6, col: 20,
    message: /at least one value/,
  },
  {
    title: 'unknown client',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: zz\n',
    path: 'variants[0].client', line: 4, col: 13,
    message: /^unknown client "zz"$/, hint: /undici, node-http, node-http2, fetch/,
  },
  {
    title: 'misspelt client',
    yaml: 'name: x\nvariants:\n  - name: a\n    client: undic\n',
    path: 'variants[0].client', line: 4, col: 13,
    message: /^unknown client "undic"$/, hint: /did you mean "undici"\?/,
  },
  {
    title: 'both upstream and target',
    yaml: 'name: x\nupstream: {rtt: 1ms}\ntarget: http://localhost:8080\nvariants: [{name: a, client: undici}]\n',
    path: 'target', line: 3, col: 1,
    message: /either upstream or target, not both/,
  },
  {
    title: 'bad target URL',
    yaml: 'name: x\ntarget: ftp://example.com\nvariants: [{name: a, client: undici}]\n',
    path: 'target', line: 2, col: 9,
    message: /^expected an http:\/\/ or https:\/\/ URL, but found "ftp:\/\/example.com"$/,
  },
  {
    title: 'fetch with keepAlive false',
    yaml: 'name: x\nvariants:\n  - name: f\n    client: fetch\n    keepAlive: false\n',
    path: 'variants[0].keepAlive', line: 5, col: 16,
    message: /fetch has no keep-alive switch/, hint: /undici or node-http/,
  },
  {
    title: 'fetch with keepAlive false from a matrix',
    yaml: 'name: x\nvariants:\n  - name: f\n    client: fetch\n    matrix: {keepAlive: [true, false]}\n',
    path: 'variants[0].matrix.keepAlive[1]', line: 5, col: 32,
    message: /fetch has no keep-alive switch/,
  },
  {
    title: 'a list instead of a map',
    yaml: '- name: x\n',
    path: '', line: 1, col: 1,
    message: /^expected a map, but found a list$/,
  },
  {
    title: 'empty file',
    yaml: '# only a comment\n',
    path: '', line: 0, col: 0,
    message: /the file is empty/,
  },
];

describe('parseScenario rejects bad input', () => {
  for (const bad of badInputs) {
    it(bad.title, () => {
      const problems = problemsOf(bad.yaml);
      assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
      const [problem] = problems;
      assert.equal(problem.path, bad.path);
      assert.equal(problem.line, bad.line);
      if (bad.col !== undefined) assert.equal(problem.col, bad.col);
      assert.match(problem.message, bad.message);
      if (bad.hint) assert.match(problem.hint ?? '', bad.hint);
      const shown = formatProblem(problem);
      if (bad.path) assert.ok(shown.includes(` ${bad.path}: `), shown);
      if (bad.line > 0) assert.ok(shown.startsWith(`${FILE}:${bad.line}:`), shown);
    });
  }

  it('reports every problem in a file at once, in file order', () => {
    const yaml = [
      'name: x',
      'load:',
      '  concurrency: 0',
      'variants:',
      '  - name: a',
      '    client: zz',
      '  - name: b',
      '    client: undici',
      '    conections: 4',
    ].join('\n');
    const problems = problemsOf(yaml);
    assert.deepEqual(
      problems.map((p) => [p.path, p.line]),
      [['load.concurrency', 3], ['variants[0].client', 6], ['variants[1].conections', 9]],
    );
  });

  it('reports a missing key of a nested map at that map', () => {
    const problems = problemsOf('name: x\nupstream:\n  latency:\n    distribution: uniform\n    min: 1ms\nvariants: [{name: a, client: undici}]\n');
    assert.deepEqual(problems.map((p) => [p.path, p.line, p.col, p.message]), [['upstream.latency', 4, 5, 'missing required key "max"']]);
  });
});
