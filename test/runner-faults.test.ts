/**
 * Faults through the whole run: the keep-alive race, retries, drains and rolling deploys,
 * and that no fault can crash or hang a run. Real upstream processes, real clients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../src/runner.js';
import type { RunResult, VariantResult } from '../src/result.js';
import { renderComparisonTable } from '../src/report/comparison.js';
import { scenarioFromYaml } from './helpers/scenario.js';

function byName(result: RunResult, name: string): VariantResult {
  const found = result.variants.find((v) => v.name === name);
  assert.ok(found, `variant ${name} in result`);
  return found;
}

test('the keep-alive race: node-http with keepAlive and no retry loses requests on reused sockets', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: race
upstream: { faults: [{ type: close_after_response, delay: 20ms }] }
load: { concurrency: 2, requests: 40 }
variants: [{ name: node-http, client: node-http, keepAlive: true }]
`),
  );
  const v = byName(result, 'node-http');
  assert.ok((v.errors.ECONNRESET ?? 0) > 0, JSON.stringify(v.errors));
  assert.ok(v.attempts!.failedOnReused > 0 && v.attempts!.failedOnFresh === 0, JSON.stringify(v.attempts));
});

test('the keep-alive race: undici (and node-http) honouring the server\'s hint lose nothing', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: race-hint
upstream: { faults: [{ type: close_after_response, delay: 20ms, hint: true }] }
load: { concurrency: 2, requests: 40 }
variants:
  - { name: undici, client: undici }
  - { name: node-http, client: node-http }
`),
  );
  for (const v of result.variants) {
    assert.equal(v.errorCount, 0, `${v.name}: ${JSON.stringify(v.errors)}`);
    assert.equal(v.requests.completed, 40);
  }
});

test('retries turn failures into successes, and the table shows attempts and successes', async () => {
  // Every connection's first request gets a 503; its retry goes on the same, now good, connection.
  const result = await runScenario(
    scenarioFromYaml(`
name: retries
upstream: { faults: [{ type: http_error, status: 503, trigger: { nth: 1 } }] }
load: { concurrency: 2, requests: 30 }
variants:
  - { name: no retry, client: node-http }
  - { name: node-http retry, client: node-http, retry: { minTimeout: 10ms } }
  - { name: undici retry, client: undici, retry: { minTimeout: 10ms } }
`),
  );
  const none = byName(result, 'no retry');
  assert.ok((none.errors['HTTP 5xx'] ?? 0) > 0);
  for (const name of ['node-http retry', 'undici retry']) {
    const v = byName(result, name);
    assert.equal(v.errorCount, 0, `${name}: ${JSON.stringify(v.errors)}`);
    assert.ok(v.attempts!.attempts > v.requests.sent, `${name}: ${v.attempts!.attempts} attempts for ${v.requests.sent} requests`);
  }
  const table = renderComparisonTable(result);
  assert.match(table, /attempts \(retries\)/);
  assert.match(table, /requests succeeded/);
});

test('a drain costs a client without retries requests; one that retries with backoff loses none', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: drain
upstream: { rtt: 2ms, faults: [{ type: drain, trigger: { at: 300ms, for: 600ms } }] }
load: { concurrency: 2, duration: 1500ms }
variants:
  - { name: plain, client: undici }
  - { name: retrying, client: undici, retry: { maxRetries: 5, minTimeout: 100ms } }
`),
  );
  const plain = byName(result, 'plain');
  const retrying = byName(result, 'retrying');
  assert.ok(plain.faultWindows!.requestsLost > 0, JSON.stringify(plain.faultWindows));
  assert.equal(retrying.faultWindows!.requestsLost, 0, JSON.stringify(retrying.faultWindows));
  assert.equal(retrying.errorCount, 0, JSON.stringify(retrying.errors));
  assert.ok((retrying.connections.upstream?.faults?.drain?.struck ?? 0) > 0, 'the upstream drained');
  assert.match(renderComparisonTable(result), /lost in fault windows/);
});

test('a rolling deploy over 3 instances: a balanced, retrying client loses nothing', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: deploy
upstream: { rtt: 2ms, instances: 3, deploy: { drain: 200ms, down: 200ms, every: 400ms, start: 200ms } }
load: { concurrency: 3, duration: 1800ms }
variants:
  - { name: node-http plain, client: node-http }
  - { name: undici retrying, client: undici, retry: { maxRetries: 6, minTimeout: 50ms } }
`),
  );
  const plain = byName(result, 'node-http plain');
  const retrying = byName(result, 'undici retrying');
  assert.ok(plain.faultWindows!.requestsLost > 0, JSON.stringify(plain.faultWindows));
  assert.equal(retrying.faultWindows!.requestsLost, 0, JSON.stringify(retrying.faultWindows));
  assert.equal(retrying.faultWindows!.windows.length, 6, 'a drain and a down window per instance');
  assert.equal(retrying.connections.upstream?.faults?.refuse?.struck, 3, 'every instance went down once');
});

test('no fault crashes or hangs a run: clients without timeouts end with unfinished requests', async () => {
  const startedAt = performance.now();
  const kinds = ['reset', 'empty_response', 'malformed', 'truncate', 'hang', 'stall'];
  // The idle reset strikes a connection left idle 200 ms: longer than a busy machine's usual
  // stalls, else every request of a slow generator would be reset and none would complete.
  const faults = kinds.map((type) => `{ type: ${type}, trigger: { probability: 0.1 } }`).join(', ');
  const result = await runScenario(
    scenarioFromYaml(`
name: chaos
upstream: { faults: [${faults}, { type: reset, trigger: { idle: 200ms } }, { type: refuse, trigger: { at: 200ms, for: 100ms } }] }
load: { concurrency: 4, duration: 500ms }
variants:
  - { name: undici, client: undici }
  - { name: node-http, client: node-http }
  - { name: fetch, client: fetch }
`),
  );
  assert.equal(result.partial, false);
  assert.equal(result.variants.length, 3);
  for (const v of result.variants) {
    assert.ok(v.requests.completed > 0, `${v.name} completed requests`);
    assert.ok(v.errorCount > 0, `${v.name} saw faults`);
  }
  assert.ok(result.variants.some((v) => v.requests.unfinished > 0), 'hang and stall left requests to the grace period');
  // 3 × (500 ms + 2 s grace) at most, plus start-up (seconds on a busy machine): not a hang.
  assert.ok(performance.now() - startedAt < 20_000);
});

test('load.idleGap pauses each worker between its requests', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: gaps
load: { concurrency: 1, requests: 5, idleGap: 100ms }
variants: [{ name: undici, client: undici }]
`),
  );
  const [v] = result.variants;
  assert.equal(v.requests.completed, 5);
  assert.ok(v.durationMs >= 380, `4 gaps of 100 ms in ${v.durationMs} ms`);
});
