/**
 * The runner end to end over real sockets: the bundled upstream in its own process, each
 * client kind, the network model's headline effect, and stopping early.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, type RunEvent } from '../src/runner.js';
import { decodeHistogram } from '../src/metrics/histogram.js';
import { byName } from './helpers/results.js';
import { scenarioFromYaml } from './helpers/scenario.js';
import { isListening, processExists } from './helpers/net.js';
import { exitDecision } from '../src/gate/verdict.js';
import { ExitCode } from '../src/exit-codes.js';

const RTT_MS = 25;

test('network model: keep-alive off pays an extra round trip per request, keep-alive on does not', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: network-model
upstream: { rtt: ${RTT_MS}ms }
load: { concurrency: 4, duration: 1200ms }
variants:
  - { name: off, client: undici, connections: 4, keepAlive: false }
  - { name: on, client: undici, connections: 4, keepAlive: true }
`),
  );
  const off = byName(result.variants, 'off');
  const on = byName(result.variants, 'on');
  // A busy machine only adds time: every request without keep-alive pays 2 rtt, and the fastest
  // one with it pays 1 (the median may carry tens of ms of a loaded machine's delays).
  assert.ok(off.latency.min >= 1.8 * RTT_MS, `keep-alive off min ${off.latency.min} ms ≥ 1.8 × rtt`);
  assert.ok(on.latency.min <= 1.4 * RTT_MS, `keep-alive on min ${on.latency.min} ms ≤ 1.4 × rtt`);
  assert.ok(on.latency.p50 < off.latency.p50, `keep-alive on p50 ${on.latency.p50} ms < off p50 ${off.latency.p50} ms`);
  assert.equal(result.partial, false);
});

test('the time series has a point a second and accounts for every response and connection', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: series
upstream: { rtt: 5ms }
load: { concurrency: 2, duration: 2300ms }
variants: [{ name: off, client: undici, connections: 2, keepAlive: false }]
`),
  );
  const [off] = result.variants;
  const series = off.timeSeries;
  assert.ok(series.length >= 2 && series.length <= 4, `${series.length} points`);
  assert.deepEqual(series.map((p) => Math.round(p.t)).slice(0, 2), [1, 2]);
  assert.equal(series.reduce((sum, p) => sum + p.completed, 0), off.requests.completed);
  assert.equal(series.reduce((sum, p) => sum + p.connectionsOpened, 0), off.connections.openedByClient);
  for (const point of series) if (point.completed > 0) assert.ok(point.p50 >= 9, `p50 ${point.p50} ≥ 1.8 × rtt`);
});

for (const client of ['undici', 'node-http'] as const) {
  const poolKey = client === 'undici' ? 'connections' : 'maxSockets';
  // No maxSockets for node-http here: with a finite maxSockets, Node sends keep-alive even when
  // the agent's keepAlive is false (the test below shows it).
  const offPool = client === 'undici' ? ', connections: 3' : '';
  test(`${client}: keep-alive off opens one connection per request, and both sides count the same`, async () => {
    const result = await runScenario(
      scenarioFromYaml(`
name: ${client}-off
upstream: { rtt: 2ms }
load: { concurrency: 3, requests: 60 }
variants: [{ name: off, client: ${client}${offPool}, keepAlive: false }]
`),
    );
    const [off] = result.variants;
    assert.equal(off.requests.completed, 60);
    assert.equal(off.errorCount, 0, JSON.stringify(off.errors));
    assert.equal(off.connections.openedByClient, 60);
    assert.equal(off.connections.upstream?.connectionsAccepted, 60);
    assert.equal(off.connections.countsAgree, true);
  });

  test(`${client}: keep-alive on opens no more connections than the pool size`, async () => {
    const result = await runScenario(
      scenarioFromYaml(`
name: ${client}-on
upstream: { rtt: 2ms }
load: { concurrency: 8, requests: 200 }
variants: [{ name: on, client: ${client}, ${poolKey}: 4, keepAlive: true }]
`),
    );
    const [on] = result.variants;
    assert.equal(on.requests.completed, 200);
    assert.ok(on.connections.openedByClient >= 1 && on.connections.openedByClient <= 4, `opened ${on.connections.openedByClient}`);
    assert.equal(on.connections.upstream?.connectionsAccepted, on.connections.openedByClient);
    assert.equal(on.connections.upstream?.requests, 200);
  });
}

test('node-http: keepAlive false with a finite maxSockets still reuses sockets for queued requests (Node behaviour)', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: node-quirk
upstream: { rtt: 2ms }
load: { concurrency: 6, requests: 120 }
variants: [{ name: off, client: node-http, maxSockets: 3, keepAlive: false }]
`),
  );
  const [off] = result.variants;
  assert.equal(off.requests.completed, 120);
  assert.ok(off.connections.openedByClient < 120, `opened ${off.connections.openedByClient} < 120 requests`);
  assert.equal(off.connections.countsAgree, true);
});

test('fetch: reuses connections through the global dispatcher and both sides agree', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: fetch
upstream: { rtt: 2ms }
load: { concurrency: 4, requests: 100 }
variants: [{ name: fetch, client: fetch }]
`),
  );
  const [fetchResult] = result.variants;
  assert.equal(fetchResult.requests.completed, 100);
  // The global dispatcher has no connection limit and waits an event-loop turn before reusing a
  // socket, so it opens a few more connections than the concurrency; far fewer than requests.
  assert.ok(fetchResult.connections.openedByClient >= 1 && fetchResult.connections.openedByClient <= 20, `opened ${fetchResult.connections.openedByClient}`);
  assert.equal(fetchResult.connections.countsAgree, true);
  assert.match(fetchResult.library, /fetch/);
});

test('https: undici and node:https trust the test CA; the upstream counts TLS handshakes', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: tls
upstream: { protocol: https }
load: { concurrency: 2, requests: 20 }
variants:
  - { name: undici, client: undici, connections: 2, keepAlive: false }
  - { name: node, client: node-http, maxSockets: 2, keepAlive: true }
`),
  );
  const undici = byName(result.variants, 'undici');
  const node = byName(result.variants, 'node');
  assert.equal(undici.errorCount + node.errorCount, 0, JSON.stringify([undici.errors, node.errors]));
  assert.equal(undici.connections.upstream?.tlsHandshakes, 20);
  assert.ok(node.connections.upstream!.tlsHandshakes <= 2);
  assert.ok(undici.connectTime.count === 20, 'connect time recorded per connection');
});

test('the encoded histogram decodes to the reported percentiles', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: histogram
upstream: { latency: { distribution: uniform, min: 1ms, max: 5ms } }
load: { concurrency: 4, requests: 300 }
variants: [{ name: only, client: undici, connections: 4 }]
`),
  );
  const [only] = result.variants;
  const decoded = decodeHistogram(only.latencyHistogram);
  assert.equal(decoded.totalCount, 300);
  assert.equal(decoded.getValueAtPercentile(50) / 1000, only.latency.p50);
  assert.equal(decoded.getValueAtPercentile(99) / 1000, only.latency.p99);
});

test('an abort stops the run within the grace period, keeps what was measured, and stops the upstream', async () => {
  const stopper = new AbortController();
  let upstreamPid: number | undefined;
  let port = 0;
  const started = performance.now();
  const onEvent = (event: RunEvent) => {
    if (event.type === 'run-start') {
      upstreamPid = event.upstreamPid;
      port = Number(new URL(event.targetUrl).port);
    }
    if (event.type === 'variant-start' && event.phase === 'measure') setTimeout(() => stopper.abort('SIGINT'), 400);
  };
  const result = await runScenario(
    scenarioFromYaml(`
name: abort
upstream: { rtt: 5ms }
load: { concurrency: 2, duration: 30s }
variants:
  - { name: first, client: undici, connections: 2 }
  - { name: never, client: undici, connections: 2 }
`),
    { signal: stopper.signal, onEvent },
  );
  assert.ok(performance.now() - started < 10_000, 'stopped long before the 30 s duration');
  assert.equal(result.partial, true);
  assert.equal(result.interruption?.reason, 'SIGINT');
  assert.equal(result.variants.length, 1);
  assert.equal(result.variants[0].partial, true);
  assert.ok(result.variants[0].requests.completed > 0);
  assert.ok(upstreamPid && !processExists(upstreamPid), 'upstream process gone');
  assert.equal(await isListening(port), false, 'upstream port closed');
});

test('an upstream that dies mid-run ends the run as partial, with the reason', async () => {
  let upstreamPid: number | undefined;
  const onEvent = (event: RunEvent) => {
    if (event.type === 'run-start') upstreamPid = event.upstreamPid;
    if (event.type === 'variant-start' && event.phase === 'measure') setTimeout(() => process.kill(upstreamPid!, 'SIGKILL'), 300);
  };
  const result = await runScenario(
    scenarioFromYaml(`
name: crash
upstream: { rtt: 5ms }
load: { concurrency: 2, duration: 30s }
variants: [{ name: only, client: undici, connections: 2 }]
`),
    { onEvent },
  );
  assert.equal(result.partial, true);
  assert.equal(result.interruption?.reason, 'upstream-exited');
  assert.equal(result.variants.length, 1);
  assert.ok(result.variants[0].requests.completed > 0);
});

test('runScenario returns the verdict: thresholds checked, the baseline compared, and the exit code follows from it', async () => {
  const scenario = scenarioFromYaml(`
name: verdict
upstream: { latency: 5ms }
load: { concurrency: 2, requests: 40 }
thresholds: ['p50 < 30s', 'p50 < 0.001ms']
variants:
  - { name: pooled, client: undici, connections: 2 }
`);
  const baseline = await runScenario(scenario);
  const result = await runScenario(scenario, { baseline, compare: { baselineLabel: 'first run' } });
  assert.deepEqual(result.gate?.thresholds.map((check) => check.status), ['pass', 'fail']);
  assert.equal(result.gate?.comparison?.baselineLabel, 'first run');
  assert.equal(exitDecision(result).exitCode, ExitCode.ThresholdFailed);
  assert.equal(exitDecision(result, { fail: false }).exitCode, ExitCode.Success);
});

test('poolWait thresholds judge the acquire wait measured per request: a pool of 1 under concurrency 8 passes a loose one and fails a tight one', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: pool-wait-thresholds
upstream: { latency: 10ms }
load: { concurrency: 8, requests: 80 }
thresholds: ['poolWait.p99 < 30s', 'poolWait.p99 < 1ms', 'poolWait.p50 > 5ms']
variants:
  - { name: one connection, client: undici, connections: 1 }
`),
  );
  // Seven requests queue behind the one in flight, each ~10 ms: the wait is tens of ms, never under 1 ms.
  const wait = result.variants[0].pool?.attempts?.acquireWait;
  assert.ok(wait && wait.count === 80, `acquire wait recorded per request: ${JSON.stringify(wait)}`);
  assert.deepEqual(result.gate?.thresholds.map((check) => check.status), ['pass', 'fail', 'pass']);
  assert.equal(result.gate?.thresholds[1].actual, wait.p99);
  // The verdict in the result carries the advisor's findings: the pool is the bottleneck.
  assert.deepEqual(result.findings?.map((finding) => finding.rule), ['pool-wait']);
});
