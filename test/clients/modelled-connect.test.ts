/**
 * The network model's connection setup shows in the client's connect time, for every client kind
 * that models it, and the first request on a fresh connection does not pay it again: with rtt R,
 * keep-alive off costs ~R to connect (TCP), ~2R with TLS 1.3, and ~2R a request either way
 * (connect + one round trip), keep-alive on ~R a request.
 *
 * A busy machine only adds time: lower bounds hold for every sample; upper bounds are loose and
 * put on medians.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../../src/runner.js';
import { planRun } from '../../src/run/plan.js';
import { byName } from '../helpers/results.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

const RTT = 50;

function assertSetupInConnectTime(result: Awaited<ReturnType<typeof runScenario>>, name: string, setupRoundTrips: number): void {
  const variant = byName(result.variants, name);
  const setup = setupRoundTrips * RTT;
  assert.equal(variant.errorCount, 0, `${name}: ${JSON.stringify(variant.errors)}`);
  assert.ok(variant.connectTime.min >= 0.9 * setup, `${name}: connect min ${variant.connectTime.min} ms ≥ ${setup} ms`);
  assert.ok(variant.connectTime.p50 <= setup + 0.8 * RTT, `${name}: connect p50 ${variant.connectTime.p50} ms ≈ ${setup} ms`);
  // A fresh connection's request: its setup, then one round trip — the setup paid once, not twice.
  // (On the median: node:http's agent hands a socket closing after its response to a request
  // queued for one, which then costs a single round trip.)
  assert.ok(variant.latency.p50 >= 0.9 * (setup + RTT), `${name}: latency p50 ${variant.latency.p50} ms ≥ ${setup + RTT} ms`);
  assert.ok(variant.latency.p50 <= setup + 1.8 * RTT, `${name}: latency p50 ${variant.latency.p50} ms ≈ ${setup + RTT} ms`);
}

test('http: connect time is one round trip for every client kind that models it; a request on a fresh connection two', { timeout: 60_000 }, async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: modelled-connect
upstream: { rtt: ${RTT}ms }
load: { concurrency: 2, duration: 1200ms }
variants:
  - { name: undici off, client: undici, connections: 2, keepAlive: false }
  - { name: node-http off, client: node-http, maxSockets: 2, keepAlive: false }
  - { name: undici on, client: undici, connections: 2, keepAlive: true }
  - { name: fetch, client: fetch }
`),
  );
  assertSetupInConnectTime(result, 'undici off', 1);
  assertSetupInConnectTime(result, 'node-http off', 1);
  // fetch records no connect time, and keeps its connections: its first requests pay the setup.
  const fetched = byName(result.variants, 'fetch');
  assert.equal(fetched.errorCount, 0, `fetch: ${JSON.stringify(fetched.errors)}`);
  assert.ok(fetched.latency.max >= 1.8 * RTT, `fetch: a fresh connection's request ${fetched.latency.max} ms ≥ 2 rtt`);
  const on = byName(result.variants, 'undici on');
  assert.ok(on.latency.p50 <= 1.6 * RTT, `keep-alive on p50 ${on.latency.p50} ms ≈ ${RTT} ms`);
  assert.equal(result.partial, false);
});

test('https and h2 (TLS 1.3): connect time is two round trips, TCP and the TLS handshake', { timeout: 60_000 }, async () => {
  const https = await runScenario(
    scenarioFromYaml(`
name: modelled-connect-tls
upstream: { protocol: https, rtt: ${RTT}ms }
load: { concurrency: 2, duration: 1200ms }
variants:
  - { name: undici off, client: undici, connections: 2, keepAlive: false }
  - { name: node-http off, client: node-http, maxSockets: 2, keepAlive: false }
`),
  );
  assertSetupInConnectTime(https, 'undici off', 2);
  assertSetupInConnectTime(https, 'node-http off', 2);
  const h2 = await runScenario(
    scenarioFromYaml(`
name: modelled-connect-h2
upstream: { protocol: h2, rtt: ${RTT}ms, keepAlive: { maxRequests: 1 } }
load: { concurrency: 1, duration: 1200ms }
variants:
  - { name: node-http2, client: node-http2, sessions: 1 }
`),
  );
  const session = byName(h2.variants, 'node-http2');
  assert.equal(session.errorCount, 0, `node-http2: ${JSON.stringify(session.errors)}`);
  assert.ok(session.requests.completed > 0, 'node-http2 completed requests');
  assert.ok(session.connectTime.min >= 0.9 * 2 * RTT, `node-http2: connect min ${session.connectTime.min} ms ≥ 2 rtt`);
  assert.ok(session.connectTime.p50 <= 2.8 * RTT, `node-http2: connect p50 ${session.connectTime.p50} ms ≈ 2 rtt`);
});

test('the upstream leaves the setup to the clients only when every variant models it (not autocannon)', () => {
  const plan = (client: string) =>
    planRun(scenarioFromYaml(`
name: charge
upstream: { rtt: 5ms }
variants: [{ name: a, client: undici }, { name: b, client: ${client} }]
`));
  const modelled = (client: string) => {
    const { upstream } = plan(client);
    return upstream.kind === 'bundled' && upstream.instances.every((instance) => instance.setupModelledByClients === true);
  };
  assert.equal(modelled('node-http'), true);
  assert.equal(modelled('node-http2'), true);
  assert.equal(modelled('autocannon'), false);
  assert.equal(modelled('fetch'), true);
});
