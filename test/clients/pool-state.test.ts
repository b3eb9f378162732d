/**
 * Pool state over time (connected / idle / busy / pending), for every client kind, through the
 * runner against the bundled upstream: a pool smaller than the concurrency keeps requests
 * pending and never holds more connections than its size; a pool bigger than the concurrency
 * keeps none pending. Each response takes 50 ms, so a request in progress is seen by the samples.
 *
 * undici (fetch's too) opens connections beyond the concurrency, up to about twice it: a worker's
 * next request comes a tick before its connection is free again, and the pool opens another, for
 * which the request waits — pending. A warm-up lets a big pool finish growing before measuring.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../../src/runner.js';
import type { PoolState } from '../../src/metrics/time-series.js';
import type { VariantResult } from '../../src/result.js';
import { byName } from '../helpers/results.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

const CONCURRENCY = 8;

/**
 * The variant's pool samples, after checking each is consistent (connected = idle + busy, nothing
 * negative). The last point, taken once the load has stopped, has none.
 */
function samples(v: VariantResult): PoolState[] {
  assert.equal(v.timeSeries.at(-1)?.pool, undefined, `${v.name}: no pool state after the window`);
  const states = v.timeSeries.flatMap((point) => (point.pool ? [point.pool] : []));
  assert.ok(states.length >= 1, `${v.name}: ${v.timeSeries.length} points, none with the pool's state`);
  for (const pool of states) {
    assert.equal(pool.idle + pool.busy, pool.connected, `${v.name}: ${JSON.stringify(pool)}`);
    for (const n of Object.values(pool)) assert.ok(n >= 0, `${v.name}: ${JSON.stringify(pool)}`);
  }
  return states;
}

/** A pool smaller than the concurrency: never more connections than its size, and requests pending while it is full. */
function assertSmallPool(v: VariantResult, size: number): void {
  const states = samples(v);
  assert.ok(states.every((s) => s.connected <= size), `${v.name}: connected ≤ ${size}: ${JSON.stringify(states)}`);
  assert.ok(states.some((s) => s.pending > 0 && s.busy > 0), `${v.name}: requests pending while connections are busy: ${JSON.stringify(states)}`);
}

/** A pool bigger than the concurrency: nothing pending, at most `size` connections, some busy. */
function assertBigPool(v: VariantResult, size: number): void {
  const states = samples(v);
  assert.ok(states.every((s) => s.pending === 0 && s.connected <= size && s.busy <= CONCURRENCY), `${v.name}: nothing pending: ${JSON.stringify(states)}`);
  assert.ok(states.some((s) => s.busy > 0), `${v.name}: connections busy: ${JSON.stringify(states)}`);
}

test('HTTP/1.1: undici, node-http and fetch report their pool; a small pool keeps requests pending, a big one none; autocannon cannot tell', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: pool-state
upstream: { latency: 50ms }
load: { concurrency: ${CONCURRENCY}, duration: 2s, warmup: 1s }
variants:
  - { name: undici 2, client: undici, connections: 2 }
  - { name: undici 16, client: undici, connections: 16 }
  - { name: node-http 2, client: node-http, maxSockets: 2 }
  - { name: node-http 16, client: node-http, maxSockets: 16 }
  - { name: fetch, client: fetch }
  - { name: autocannon, client: autocannon, connections: 2 }
`),
  );
  assertSmallPool(byName(result.variants, 'undici 2'), 2);
  assertSmallPool(byName(result.variants, 'node-http 2'), 2);
  assertBigPool(byName(result.variants, 'undici 16'), 16);
  assertBigPool(byName(result.variants, 'node-http 16'), 16);
  // fetch's global dispatcher has no limit poolbench can set.
  assertBigPool(byName(result.variants, 'fetch'), Infinity);
  assert.ok(byName(result.variants, 'autocannon').timeSeries.every((point) => point.pool === undefined));
});

test('HTTP/2: a session busy with many streams is one busy connection; streams beyond the limit are pending', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: pool-state-h2
upstream: { protocol: h2c, latency: 50ms }
load: { concurrency: ${CONCURRENCY}, duration: 2s }
variants:
  - { name: node-http2 2 streams, client: node-http2, sessions: 1, maxStreamsPerSession: 2 }
  - { name: node-http2 100 streams, client: node-http2, sessions: 1, maxStreamsPerSession: 100 }
  - { name: undici h2 2 streams, client: undici, protocol: h2, connections: 1, pipelining: 2 }
  - { name: undici h2 100 streams, client: undici, protocol: h2, connections: 1, pipelining: 100 }
`),
  );
  assertSmallPool(byName(result.variants, 'node-http2 2 streams'), 1);
  assertSmallPool(byName(result.variants, 'undici h2 2 streams'), 1);
  for (const name of ['node-http2 100 streams', 'undici h2 100 streams']) {
    const v = byName(result.variants, name);
    assertBigPool(v, 1);
    assert.ok(samples(v).some((s) => s.busy === 1), `${name}: one session, busy with all the streams`);
  }
});

test('load.workers: the threads\' pools are summed', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: pool-state-workers
upstream: { latency: 50ms }
load: { concurrency: ${CONCURRENCY}, duration: 2s, warmup: 1s, workers: 2 }
variants:
  - { name: undici 2 per thread, client: undici, connections: 2 }
  - { name: undici 16 per thread, client: undici, connections: 16 }
`),
  );
  const small = byName(result.variants, 'undici 2 per thread');
  assertSmallPool(small, 4);
  // Each thread's pool is full (2 connections for its 4 workers): only the sum reaches 4.
  assert.ok(samples(small).some((s) => s.connected === 4), JSON.stringify(samples(small)));
  assertBigPool(byName(result.variants, 'undici 16 per thread'), 32);
});
