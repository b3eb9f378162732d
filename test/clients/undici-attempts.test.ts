/**
 * Per-attempt pool figures for undici and fetch, through whole runs on real sockets: the acquire
 * wait, fresh or reused, and transport failures on reused connections (the dead-socket rate).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../../src/runner.js';
import type { PoolAttemptFigures, VariantResult } from '../../src/result.js';
import { byName } from '../helpers/results.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

/** The variant's per-attempt pool figures; fails the test when the client reported none. */
function poolOf(v: VariantResult): PoolAttemptFigures {
  assert.ok(v.pool?.attempts, `${v.name}: per-attempt pool figures`);
  return v.pool.attempts;
}

const attemptsOf = (pool: PoolAttemptFigures) => pool.requestsOnFresh + pool.requestsOnReused;

test('undici: a pool of 1 at concurrency 8 queues; a pool of 16 does not', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: acquire
upstream: { latency: 10ms }
load: { concurrency: 8, requests: 120, warmup: 300ms }
variants:
  - { name: one, client: undici, connections: 1 }
  - { name: sixteen, client: undici, connections: 16 }
`),
  );
  const one = byName(result.variants, 'one');
  // One connection serves one request at a time: the measured service time is the window over the requests.
  const serviceMs = one.durationMs / one.requests.completed;
  const predicted = 7 * serviceMs;
  const wait = poolOf(one).acquireWait.p50;
  assert.ok(wait > 0.5 * predicted && wait < 1.6 * predicted, `acquire wait p50 ${wait} ms, queueing predicts ${predicted} ms (service ${serviceMs} ms)`);
  assert.equal(attemptsOf(poolOf(one)), one.attempts!.attempts);
  const sixteen = poolOf(byName(result.variants, 'sixteen'));
  assert.ok(sixteen.acquireWait.p50 < 2, `acquire wait p50 ${sixteen.acquireWait.p50} ms with a connection free`);
  assert.ok(sixteen.acquireWait.p50 < 0.2 * byName(result.variants, 'sixteen').latency.p50);
});

test('undici and fetch: keep-alive reuses (and splits latency by it), keep-alive off opens a connection per attempt', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: reuse
upstream: { latency: 2ms }
load: { concurrency: 4, requests: 200 }
variants:
  - { name: undici on, client: undici }
  - { name: undici off, client: undici, keepAlive: false }
  - { name: fetch, client: fetch }
`),
  );
  const on = poolOf(byName(result.variants, 'undici on'));
  assert.ok(on.reuseRatio > 0.9, `reuse ratio ${on.reuseRatio}`);
  assert.ok(on.latencyReused.count > 0.9 * 200 && on.latencyFresh.count + on.latencyReused.count === 200, `fresh ${on.latencyFresh.count}, reused ${on.latencyReused.count}`);
  const off = poolOf(byName(result.variants, 'undici off'));
  assert.equal(off.reuseRatio, 0);
  assert.equal(off.requestsOnReused, 0);
  assert.equal(off.requestsOnFresh, 200);
  assert.equal(off.latencyFresh.count, 200);
  const fetched = poolOf(byName(result.variants, 'fetch'));
  assert.ok(fetched.reuseRatio > 0.9, `fetch reuse ratio ${fetched.reuseRatio}`);
  assert.equal(attemptsOf(fetched), 200);
  // fetch's Response cannot be linked to its attempt (clients/fetch.ts): latency is not split.
  assert.equal(fetched.latencyReused.count + fetched.latencyFresh.count, 0);
});

test('undici and fetch: a server closing connections after a response → failures on reused connections, dead-socket rate above zero', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: dead-sockets
upstream: { faults: [{ type: close_after_response, delay: 20ms }] }
load: { concurrency: 2, requests: 40 }
variants:
  - { name: undici, client: undici }
  - { name: fetch, client: fetch }
`),
  );
  for (const v of result.variants) {
    const pool = poolOf(v);
    assert.ok(pool.failuresOnReused > 0, `${v.name}: ${JSON.stringify(v.attempts)}`);
    assert.ok((pool.deadSocketRate ?? 0) > 0, `${v.name}: dead-socket rate ${pool.deadSocketRate}`);
    // The observer's verdict and the attempt counts are one.
    assert.equal(pool.failuresOnReused, v.attempts!.failedOnReused, v.name);
    assert.equal(v.attempts!.failedOnFresh, 0, v.name);
  }
});

test('undici with retries: each retry is an attempt of its own, handed at its re-dispatch', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: retries
upstream: { faults: [{ type: http_error, status: 503, trigger: { nth: 1 } }] }
load: { concurrency: 2, requests: 30 }
variants:
  - { name: undici retry, client: undici, retry: { minTimeout: 200ms } }
`),
  );
  const v = byName(result.variants, 'undici retry');
  const pool = poolOf(v);
  assert.ok(v.attempts!.attempts > v.requests.sent);
  assert.equal(attemptsOf(pool), v.attempts!.attempts);
  // The 200 ms back-off comes before the re-dispatch: it is not acquire wait.
  assert.ok(pool.acquireWait.max < 150, `acquire wait max ${pool.acquireWait.max} ms`);
});

test('undici over HTTP/2: streams waiting for the one stream undici allows wait; with 100 streams they do not', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: h2
upstream: { protocol: h2c, latency: 10ms }
load: { concurrency: 8, requests: 80 }
variants:
  - { name: one stream, client: undici, protocol: h2, connections: 1 }
  - { name: multiplexed, client: undici, protocol: h2, connections: 1, pipelining: 100 }
`),
  );
  const one = poolOf(byName(result.variants, 'one stream'));
  const multiplexed = poolOf(byName(result.variants, 'multiplexed'));
  for (const pool of [one, multiplexed]) assert.equal(attemptsOf(pool), 80);
  assert.equal(multiplexed.requestsOnFresh, 1, 'one connection, fresh for its first stream only');
  assert.ok(one.acquireWait.p50 > 5 * multiplexed.acquireWait.p50 && one.acquireWait.p50 > 20, `p50 ${one.acquireWait.p50} vs ${multiplexed.acquireWait.p50} ms`);
});
