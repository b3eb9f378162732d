/**
 * HTTP/2 clients against the bundled upstream in its own process, through the runner: one
 * connection for many streams, head-of-line blocking per route, and the advisor's findings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../../src/runner.js';
import { byName } from '../helpers/results.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

test('HTTP/2 with 100 streams opens exactly one connection for all requests; client and upstream agree', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: one-connection
upstream: { protocol: h2, rtt: 5ms }
load: { concurrency: 100, requests: 600 }
variants:
  - { name: undici, client: undici, protocol: h2, connections: 1, pipelining: 100 }
  - { name: node-http2, client: node-http2, sessions: 1, maxStreamsPerSession: 100 }
`),
  );
  for (const v of result.variants) {
    assert.equal(v.requests.completed, 600, v.name);
    assert.equal(v.errorCount, 0, `${v.name}: ${JSON.stringify(v.errors)}`);
    assert.equal(v.connections.openedByClient, 1, v.name);
    assert.equal(v.connections.countsAgree, true, v.name);
    assert.equal(v.connections.upstream?.http2?.sessions, 1, v.name);
    assert.equal(v.connections.upstream?.http2?.streams, 600, v.name);
  }
  assert.equal(byName(result.variants, 'node-http2').connections.http2?.sessionsOpened, 1);
});

test('h2c through undici (useH2c) and node-http2', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: h2c
upstream: { protocol: h2c }
load: { concurrency: 4, requests: 40 }
variants:
  - { name: undici, client: undici, protocol: h2, connections: 1, pipelining: 4 }
  - { name: node-http2, client: node-http2 }
`),
  );
  for (const v of result.variants) {
    assert.equal(v.requests.completed, 40, v.name);
    assert.equal(v.connections.upstream?.http2?.streams, 40, v.name);
  }
});

test('head-of-line: a slow route holds the fast one back under HTTP/1.1 pipelining, not under HTTP/2', async () => {
  // One line, half the slow route's latency, parts held back from not: the requests held behind a
  // slow one wait most of it, while a busy machine's stalls (tens, at worst a few hundred ms) stay below it.
  const fastMs = 100; // 95 ms think time + 5 ms round trip
  const slowMs = 1000;
  const result = await runScenario(
    scenarioFromYaml(`
name: hol
upstream:
  protocol: h2
  rtt: 5ms
  routes:
    - { path: /fast, weight: 90, latency: ${fastMs - 5}ms }
    - { path: /slow, weight: 10, latency: ${slowMs - 5}ms }
load: { concurrency: 8, duration: 1500ms, warmup: 300ms }
variants:
  - { name: pipelining, client: undici, connections: 1, pipelining: 8, blocking: false }
  - { name: h2, client: undici, protocol: h2, connections: 1, pipelining: 8 }
`),
  );
  const pipelined = byName(result.variants, 'pipelining').routes!['/fast'].latency;
  const multiplexed = byName(result.variants, 'h2').routes!['/fast'].latency;
  assert.ok(pipelined.p99 >= slowMs / 2, `pipelining: /fast p99 ${pipelined.p99} ms ≥ ${slowMs / 2} ms`);
  assert.ok(multiplexed.p99 < slowMs / 2, `h2: /fast p99 ${multiplexed.p99} ms < ${slowMs / 2} ms`);
  assert.ok(result.findings?.some((f) => f.rule === 'h1-pipelining-head-of-line' && f.variant === 'pipelining'));
  assert.ok(!result.findings?.some((f) => f.rule === 'h1-pipelining-head-of-line' && f.variant === 'h2'));
});

test('the advisor flags undici HTTP/2 with pipelining: 1, and not with pipelining: 100', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: advisor
upstream: { protocol: h2c, rtt: 10ms }
load: { concurrency: 20, duration: 1s }
variants:
  - { name: serialised, client: undici, protocol: h2, connections: 1, pipelining: 1 }
  - { name: multiplexed, client: undici, protocol: h2, connections: 1, pipelining: 100 }
`),
  );
  const flagged = (result.findings ?? []).filter((f) => f.rule === 'h2-pipelining-serialises').map((f) => f.variant);
  assert.deepEqual(flagged, ['serialised']);
});

test('the advisor names the stream cap when one HTTP/2 connection hits the server’s maxConcurrentStreams', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: cap
upstream: { protocol: h2c, rtt: 10ms, h2: { maxConcurrentStreams: 5 } }
load: { concurrency: 20, duration: 1s }
variants:
  - { name: one session, client: node-http2, sessions: 1 }
  - { name: four sessions, client: node-http2, sessions: 4 }
`),
  );
  assert.equal(byName(result.variants, 'one session').connections.upstream?.peakInFlightPerConnection, 5);
  const flagged = (result.findings ?? []).filter((f) => f.rule === 'h2-stream-cap').map((f) => f.variant);
  assert.deepEqual(flagged, ['one session']);
});
