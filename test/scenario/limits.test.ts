/**
 * Bounds (issue 11 §2): every number a scenario can ask for has an upper bound; just over it is
 * refused at the key's line with the bound in the message, the bound itself is accepted; the
 * README lists exactly the bounds the code has; matrices are counted before they are built.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { ScenarioError, type ScenarioProblem } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load.js';
import { limitsTable, limitsTableIn, unboundedNumbers } from '../../src/scenario/limits-table.js';

const FILE = 'limits.yaml';

type Plain = Record<string, unknown>;

/** A small valid scenario with `changes` applied, each a dotted path (numbers index lists) and a value. */
function scenarioYaml(changes: Record<string, unknown>): string {
  const scenario: Plain = { name: 'limits', upstream: {}, load: { duration: '1s' }, variants: [{ name: 'a', client: 'undici' }] };
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    let node = scenario;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Plain;
    node[keys.at(-1)!] = value;
  }
  return stringify(scenario);
}

function problemsOf(yaml: string): ScenarioProblem[] {
  try {
    parseScenario(yaml, FILE);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
    return error.problems;
  }
  return [];
}

interface BoundCase {
  /** The dotted path set; `at` is accepted, `over` refused. */
  key: string;
  at: unknown;
  over: unknown;
  /** How the message names the bound, e.g. `must be at most 24h, but is 25h`. */
  message: RegExp;
  /** Where the problem is reported, when not at `key`. */
  reportedAt?: string;
  /** Other settings the key needs (e.g. the open model for a rate). */
  with?: Record<string, unknown>;
}

const open = { 'load.model': 'open', 'load.rate': 10 };
const bounds: BoundCase[] = [
  { key: 'load.concurrency', at: 10_000, over: 100_000, message: /^must be at most 10000, but is 100000$/ },
  { key: 'load.duration', at: '24h', over: '600h', message: /^must be at most 24h, but is 600h$/ },
  { key: 'load.duration', at: 86_400_000, over: 86_400_001, message: /^must be at most 24h, but is 86400001ms$/ },
  { key: 'load.warmup', at: '24h', over: '25h', message: /at most 24h, but is 25h/ },
  { key: 'load.requests', at: 1_000_000_000, over: 1_000_000_001, message: /at most 1000000000, but is 1000000001/ },
  { key: 'load.rate', at: 100_000, over: 100_001, message: /at most 100000, but is 100001/, with: { 'load.model': 'open' } },
  { key: 'load.maxInFlight', at: 100_000, over: 100_001, message: /at most 100000, but is 100001/, with: open },
  { key: 'load.workers', at: 64, over: 65, message: /at most 64, but is 65/ },
  { key: 'load.idleGap', at: '1h', over: '2h', message: /at most 1h, but is 2h/ },
  { key: 'load.stages', at: [{ duration: '12h', target: 10_000 }, { duration: '12h', target: 1 }], over: [{ duration: '12h', target: 1 }, { duration: 43_260_000, target: 1 }], message: /stages must add up to at most 24h, but add up to 1441m/, with: { 'load.duration': undefined } },
  { key: 'load.stages', at: [{ duration: '1s', target: 10_000 }], over: [{ duration: '1s', target: 10_001 }], message: /closed-model target is a concurrency: must be at most 10000, but is 10001/, reportedAt: 'load.stages[0].target', with: { 'load.duration': undefined } },
  { key: 'load.stages', at: [{ duration: '1s', target: 100_000 }], over: [{ duration: '1s', target: 100_001 }], message: /at most 100000, but is 100001/, reportedAt: 'load.stages[0].target', with: { 'load.model': 'open', 'load.duration': undefined } },
  { key: 'upstream.rtt', at: '1m', over: '61s', message: /^must be at most 1m, but is 61s$/ },
  { key: 'upstream.jitter', at: 60_000, over: 60_001, message: /at most 1m, but is 60001ms/ },
  { key: 'upstream.latency', at: '1h', over: '61m', message: /at most 1h, but is 61m/ },
  { key: 'upstream.latency', at: { distribution: 'uniform', min: 0, max: '1h' }, over: { distribution: 'uniform', min: 0, max: '2h' }, message: /at most 1h, but is 2h/, reportedAt: 'upstream.latency.max' },
  { key: 'upstream.response.bodySize', at: '64mb', over: '100gb', message: /^must be at most 64mb, but is 100gb$/ },
  { key: 'upstream.routes', at: [{ path: '/a', weight: 1, latency: 0, bodySize: '64mb' }, { path: '/b', weight: 1, latency: 0, bodySize: '64mb' }], over: [1, 2, 3, 4, 5].map((n) => ({ path: `/${n}`, weight: 1, latency: 0, bodySize: '64mb' })), message: /bodies must add up to at most 256mb, but add up to 320mb/ },
  { key: 'upstream.routes', at: Array.from({ length: 100 }, (_, n) => ({ path: `/${n}`, weight: 1, latency: 0 })), over: Array.from({ length: 101 }, (_, n) => ({ path: `/${n}`, weight: 1, latency: 0 })), message: /^must have at most 100 items, but has 101$/ },
  { key: 'upstream.instances', at: 64, over: 65, message: /at most 64, but is 65/ },
  { key: 'upstream.workers', at: 8, over: 9, message: /instances × workers must be at most 64 processes, but is 72/, with: { 'upstream.instances': 8 } },
  { key: 'upstream.maxConnections', at: 10_000, over: 10_001, message: /at most 10000, but is 10001/ },
  { key: 'upstream.keepAlive.timeout', at: '1h', over: '2h', message: /at most 1h, but is 2h/ },
  { key: 'upstream.h2.maxConcurrentStreams', at: 10_000, over: 10_001, message: /at most 10000, but is 10001/ },
  { key: 'upstream.faults', at: [{ type: 'refuse', trigger: { at: '24h', for: '1s' } }], over: [{ type: 'refuse', trigger: { at: '25h', for: '1s' } }], message: /at most 24h, but is 25h/, reportedAt: 'upstream.faults[0].trigger.at' },
  { key: 'upstream.deploy', at: { every: '24h' }, over: { every: '48h' }, message: /at most 24h, but is 48h/, reportedAt: 'upstream.deploy.every', with: { 'upstream.instances': 2 } },
  { key: 'request.headers', at: Object.fromEntries(Array.from({ length: 100 }, (_, n) => [`x-${n}`, 'v'])), over: Object.fromEntries(Array.from({ length: 101 }, (_, n) => [`x-${n}`, 'v'])), message: /must have at most 100 headers, but has 101/ },
  { key: 'request.body', at: 'x'.repeat(65_536), over: 'x'.repeat(65_537), message: /must have at most 65536 characters, but has 65537/, with: { 'request.method': 'POST' } },
  { key: 'variants.0.connections', at: 10_000, over: 10_001, message: /at most 10000, but is 10001/, reportedAt: 'variants[0].connections' },
  { key: 'variants.0.pipelining', at: 1_000, over: 1_001, message: /at most 1000, but is 1001/, reportedAt: 'variants[0].pipelining' },
  { key: 'variants.0.pools', at: 1_000, over: 1_001, message: /at most 1000, but is 1001/, reportedAt: 'variants[0].pools' },
  { key: 'variants.0.headersTimeout', at: '1h', over: '1000h', message: /at most 1h, but is 1000h/, reportedAt: 'variants[0].headersTimeout' },
  { key: 'variants.0.requestTimeout', at: '1h', over: '25h', message: /at most 1h, but is 25h/, reportedAt: 'variants[0].requestTimeout' },
  { key: 'variants.0.retry', at: { maxRetries: 100 }, over: { maxRetries: 101 }, message: /at most 100, but is 101/, reportedAt: 'variants[0].retry.maxRetries' },
  { key: 'plan', at: { slo: 'p99 < 100ms', targetRate: 100_000 }, over: { slo: 'p99 < 100ms', targetRate: 100_001 }, message: /at most 100000, but is 100001/, reportedAt: 'plan.targetRate' },
];

describe('every bound: just over it is refused at its line with the bound, the bound itself is accepted', () => {
  for (const bound of bounds) {
    const where = bound.reportedAt ?? bound.key;
    it(`${where}: ${bound.message.source}`, () => {
      assert.deepEqual(problemsOf(scenarioYaml({ ...bound.with, [bound.key]: bound.at })).map((p) => `${p.path}: ${p.message}`), [], 'the bound itself is accepted');
      const problems = problemsOf(scenarioYaml({ ...bound.with, [bound.key]: bound.over }));
      const problem = problems.find((p) => p.path === where);
      assert.ok(problem, `no problem at ${where}; got ${JSON.stringify(problems)}`);
      assert.match(problem.message, bound.message);
      assert.ok(problem.line > 0 && problem.col > 0, 'located in the file');
    });
  }
});

describe('the README and the JSON Schema agree with the code', () => {
  it('every number in the schema has an upper bound', () => {
    assert.deepEqual(unboundedNumbers(), []);
  });

  it("README's Limits table is the generated one (node dist/src/scenario/limits-table.js README.md)", async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    assert.equal(limitsTableIn(readme), limitsTable());
  });

  it('the table names the bounds a user meets first', () => {
    const table = limitsTable();
    for (const row of [/\| 24h \|.*`load\.duration`/, /\| 10,000 \|.*`load\.concurrency`/, /\| 64mb \|.*`upstream\.response\.bodySize`/, /\| 256 \| variants, after matrix expansion/]) assert.match(table, row);
  });
});

describe('matrix expansion is counted before it is built', () => {
  const values = Array.from({ length: 100 }, (_, n) => n + 1);

  it('five keys of 100 values are refused at the matrix, with the count, in well under the 30 s it used to take', () => {
    const started = Date.now();
    const problems = problemsOf(scenarioYaml({ 'variants.0.matrix': { connections: values, pipelining: values, pools: values, maxConcurrentStreams: values, keepAliveTimeout: values } }));
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].path, 'variants[0].matrix');
    assert.ok(problems[0].line > 0);
    assert.match(problems[0].message, /this matrix expands to 10000000000 variants, .* at most 256/);
  });

  it('256 variants are accepted; a second variant taking the total past 256 is the one refused', () => {
    const sixteen = values.slice(0, 16);
    assert.equal(parseScenario(scenarioYaml({ 'variants.0.matrix': { connections: sixteen, pipelining: sixteen } }), FILE).variants.length, 256);
    const twenty = JSON.stringify(values.slice(0, 20));
    const problems = problemsOf(`name: two\nvariants:\n  - name: a\n    client: undici\n    matrix: { connections: ${twenty}, pipelining: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }\n  - name: b\n    client: undici\n    matrix: { connections: ${JSON.stringify(values)} }\n`);
    assert.deepEqual(problems.map((p) => [p.path, p.line, p.col]), [['variants[1].matrix', 8, 5]]);
    assert.match(problems[0].message, /expands to 100 variants, 300 in all/);
  });

  it('a list of 257 plain variants is refused at the 257th', () => {
    const problems = problemsOf(stringify({ name: 'many', variants: Array.from({ length: 257 }, (_, n) => ({ name: `v${n}`, client: 'fetch' })) }));
    assert.deepEqual(problems.map((p) => p.path), ['variants[256]']);
    assert.match(problems[0].message, /variant 257 .* at most 256/);
  });

  it('matrix: {} is an error at its line', () => {
    const problems = problemsOf('name: m\nvariants:\n  - name: a\n    client: undici\n    matrix: {}\n');
    assert.deepEqual(problems.map((p) => [p.path, p.line]), [['variants[0].matrix', 5]]);
    assert.match(problems[0].message, /the matrix is empty/);
  });

  it('a key both beside and inside the matrix is an error at the matrix key', () => {
    const problems = problemsOf('name: m\nvariants:\n  - name: a\n    client: undici\n    connections: 10\n    matrix:\n      connections: [1, 2]\n');
    assert.deepEqual(problems.map((p) => [p.path, p.line, p.col]), [['variants[0].matrix.connections', 7, 7]]);
    assert.match(problems[0].message, /connections is set both beside the matrix \(variants\[0\]\.connections\) and in it/);
  });
});
