/**
 * Figures that mean what their row says (issue 11 §4), end to end over real sockets: connection
 * counts cover the same requests as the latency histogram — the warm-up's connections are
 * reported, not lost, and requests the window no longer sends open no connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../src/runner.js';
import { comparisonGrid } from '../src/report/comparison.js';
import { connectionsUsed, requestsPerConnection } from '../src/metrics/connection-use.js';
import { byName } from './helpers/results.js';
import { scenarioFromYaml } from './helpers/scenario.js';

test('a warm-up run reports the connections its requests used and divides its responses by them', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: warm
upstream: { latency: 2ms }
load: { concurrency: 6, warmup: 600ms, duration: 800ms }
variants:
  - { name: undici, client: undici, connections: 6 }
  - { name: node-http, client: node-http, maxSockets: 6 }
`),
  );
  const grid = comparisonGrid(result)!;
  const cells = (label: string) => {
    const row = grid.rows.find((r) => r.label === label)!;
    return [row.baseline, ...row.others.map((o) => o.cell)];
  };
  for (const [index, name] of ['undici', 'node-http'].entries()) {
    const v = byName(result.variants, name);
    assert.ok(v.warmup, `${name}: warm-up figures are reported`);
    assert.ok(v.warmup.requests > 0, `${name}: the warm-up answered requests`);
    assert.ok(v.warmup.connectionsOpened >= 1 && v.warmup.connectionsOpened <= 6, `${name}: warm-up opened ${v.warmup.connectionsOpened}`);
    assert.ok(v.warmup.connectionsKept >= 1, `${name}: the warm-up left connections in the pool`);
    const used = connectionsUsed(v);
    assert.ok(used >= 1 && used <= 6 + 2, `${name}: ${used} connections carried the window's requests (pool of 6)`);
    assert.ok(v.requests.completed > 0);
    assert.equal(requestsPerConnection(v), v.requests.completed / used);
    // The rows say the same: not "0 connections opened" beside thousands of requests per connection.
    assert.match(cells('connections opened')[index], new RegExp(`^${used} \\(\\d+ kept from warm-up; \\d+ in the window, upstream agrees\\)$`));
    assert.equal(cells('requests per connection')[index], (v.requests.completed / used).toFixed(1));
  }
});

/** A pool of `pool` against an upstream that never answers: everything but `pool` requests waits in the client. */
const hanging = (clientLines: string, upstream = '') => `
name: hanging
upstream: { faults: [{ type: hang }]${upstream} }
load: { concurrency: 20, duration: 400ms }
variants:
${clientLines}`;

test('a small pool under a hanging upstream opens no connection for the requests still waiting when the window stops', async () => {
  const result = await runScenario(
    scenarioFromYaml(
      hanging(`
  - { name: undici, client: undici, connections: 2 }
  - { name: node-http, client: node-http, maxSockets: 2 }
`),
    ),
  );
  for (const v of result.variants) {
    const accepted = v.connections.upstream!.connectionsAccepted;
    // Before: every request queued at the stop opened its own connection when it was aborted (20 for a pool of 2).
    assert.ok(v.connections.openedByClient <= 3, `${v.name}: the client opened ${v.connections.openedByClient} connections for a pool of 2`);
    assert.ok(accepted <= 3, `${v.name}: the upstream accepted ${accepted} connections for a pool of 2`);
    assert.equal(v.requests.completed, 0);
    assert.equal(v.errorCount, 0, `${v.name}: cancelled and abandoned requests are not errors: ${JSON.stringify(v.errors)}`);
    assert.ok(v.requests.unfinished >= 1 && v.requests.unfinished <= 2, `${v.name}: ${v.requests.unfinished} abandoned in flight`);
    assert.equal(v.requests.unfinished + (v.requests.cancelled ?? 0), v.requests.sent, `${v.name}: every request sent is abandoned or cancelled`);
  }
});

test('node-http2: requests waiting for a stream when the window stops are cancelled, and open no session', async () => {
  const result = await runScenario(scenarioFromYaml(hanging('  - { name: h2, client: node-http2, sessions: 1, maxStreamsPerSession: 2 }\n', ', protocol: h2c')));
  const [v] = result.variants;
  assert.ok(v.connections.upstream!.connectionsAccepted <= 2, `the upstream accepted ${v.connections.upstream!.connectionsAccepted} sessions for 1`);
  assert.ok((v.requests.cancelled ?? 0) >= 10, `${v.requests.cancelled} cancelled`);
  assert.equal(v.errorCount, 0, JSON.stringify(v.errors));
});

test('node-http2 against a server that does not speak HTTP/2 fails its requests rather than reconnect in silence', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: h2-on-h1
upstream: {}
load: { concurrency: 4, duration: 400ms }
variants: [{ name: h2, client: node-http2 }]
`),
  );
  const [v] = result.variants;
  assert.equal(v.requests.completed, 0);
  // Before: sessions opened in a loop (hundreds a second) with 0 errors and 0 responses reported.
  assert.ok(v.errorCount > 0, `errors: ${JSON.stringify(v.errors)}`);
  assert.ok(v.connections.openedByClient <= v.errorCount + 4, `${v.connections.openedByClient} sessions for ${v.errorCount} failed requests`);
});
