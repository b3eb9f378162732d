/**
 * Faults on HTTP/2 sessions (h2c, and h2 over TLS) against undici (protocol h2) and node-http2,
 * through poolbench's own adapters: the symptom each client sees is the one the README documents.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, it, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RequestClient, type RequestVariant, type Target } from '../../src/clients/index.js';
import { classifyError } from '../../src/metrics/error-class.js';
import type { Variant } from '../../src/scenario/schema.js';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { tlsFixtureFiles } from '../../src/upstream/tls-fixtures.js';
import { runScenario } from '../../src/runner.js';
import { byName } from '../helpers/results.js';
import { scenarioFromYaml } from '../helpers/scenario.js';
import { eventually, upstreamConfig, within } from './helpers.js';

type Kind = 'undici' | 'node-http2';

/**
 * A deadline short enough that hang and stall show within the test's time, and long enough that
 * a busy machine's stalls (up to a few hundred ms) do not turn a 200 into a timeout.
 */
const VARIANTS: Record<Kind, RequestVariant> = {
  undici: { name: 'undici', client: 'undici', keepAlive: true, pipelining: 10, protocol: 'h2', requestTimeout: 1000 },
  'node-http2': { name: 'node-http2', client: 'node-http2', keepAlive: true, sessions: 1, maxStreamsPerSession: 100, requestTimeout: 1000 },
};

async function outcome(client: RequestClient): Promise<string> {
  try {
    return String((await within(3000, client.send('/', AbortSignal.timeout(3000)), 'the request')).status);
  } catch (error) {
    return classifyError(error);
  }
}

/** Three requests one after another: before the fault, the one it strikes (nth: 2), and after. */
async function threeRequests(client: RequestClient): Promise<string[]> {
  const outcomes = [];
  for (let i = 0; i < 3; i++) outcomes.push(await outcome(client));
  return outcomes;
}

describe('HTTP/2 faults: the symptom each client sees', { timeout: 60_000 }, () => {
  let server: UpstreamServer | undefined;
  let client: RequestClient | undefined;
  let target: Target;

  async function start(kind: Kind, upstream: Record<string, unknown>, variant: Partial<Variant> = {}): Promise<RequestClient> {
    const protocol = (upstream.protocol as string | undefined) ?? 'h2c';
    server = createUpstreamServer(upstreamConfig({ response: { bodySize: 100 }, ...upstream, protocol }));
    const port = await server.listen();
    const ca = protocol === 'h2' ? await readFile(tlsFixtureFiles().caFile, 'utf8') : undefined;
    const origin = protocol === 'h2' ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
    target = { origin, ca, request: { method: 'GET', path: '/', headers: {} } };
    client = createClient({ ...VARIANTS[kind], ...variant } as RequestVariant, target);
    return client;
  }
  const counters = () => server!.counters();

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = server = undefined;
  });

  const STREAM_RESET = ['200', 'ERR_HTTP2_STREAM_ERROR', '200'];
  const cases: { fault: Record<string, unknown>; outcomes: string[]; sessions: number; streamsReset?: number }[] = [
    { fault: { type: 'h2_refuse_stream', trigger: { nth: 2 } }, outcomes: STREAM_RESET, sessions: 1, streamsReset: 1 },
    { fault: { type: 'empty_response', trigger: { nth: 2 } }, outcomes: STREAM_RESET, sessions: 1, streamsReset: 1 },
    { fault: { type: 'truncate', trigger: { nth: 2 } }, outcomes: STREAM_RESET, sessions: 1, streamsReset: 1 },
    { fault: { type: 'reset', trigger: { nth: 2 } }, outcomes: ['200', 'ECONNRESET', '200'], sessions: 2 },
    { fault: { type: 'http_error', status: 429, trigger: { nth: 2 } }, outcomes: ['200', '429', '200'], sessions: 1, streamsReset: 0 },
    { fault: { type: 'hang', trigger: { nth: 2 } }, outcomes: ['200', 'REQUEST_TIMEOUT', '200'], sessions: 1 },
    // The whole session goes silent, so the request after it is lost too.
    { fault: { type: 'stall', trigger: { nth: 2 } }, outcomes: ['200', 'REQUEST_TIMEOUT', 'REQUEST_TIMEOUT'], sessions: 1 },
  ];
  for (const kind of ['undici', 'node-http2'] as const) {
    for (const { fault, outcomes, sessions, streamsReset } of cases) {
      it(`${kind}: ${JSON.stringify(fault)} → ${outcomes.join(', ')}`, async () => {
        const c = await start(kind, { faults: [fault] });
        assert.deepEqual(await threeRequests(c), outcomes);
        assert.equal(counters().faults?.[fault.type as 'reset']?.struck, 1);
        assert.equal(counters().http2?.sessions, sessions);
        if (streamsReset !== undefined) assert.equal(counters().http2?.streamsReset, streamsReset);
      });
    }

    it(`${kind}: h2 over TLS — h2_refuse_stream refuses the stream and the session carries on`, async () => {
      const c = await start(kind, { protocol: 'h2', faults: [{ type: 'h2_refuse_stream', trigger: { nth: 2 } }] });
      assert.deepEqual(await threeRequests(c), STREAM_RESET);
      assert.equal(c.connections().opened, 1);
    });

    it(`${kind}: close_after_response — the FIN takes the session; the next request is lost, then a new session`, async () => {
      // The next request must be sent before the FIN comes: 300 ms of room for a busy machine.
      const c = await start(kind, { faults: [{ type: 'close_after_response', delay: '300ms' }] });
      assert.deepEqual(await threeRequests(c), ['200', kind === 'undici' ? 'UND_ERR_SOCKET' : 'ECONNRESET', '200']);
      assert.equal(c.connections().opened, 2);
    });

    it(`${kind}: reset on accept — ECONNRESET, and the client does not reconnect in a loop`, async () => {
      const c = await start(kind, { faults: [{ type: 'reset', trigger: { on: 'accept' } }] });
      assert.equal(await outcome(c), 'ECONNRESET');
      assert.ok(counters().connectionsAccepted <= 3, `${counters().connectionsAccepted} connections for one request`);
    });

    it(`${kind}: drain — the session open when it begins gets GOAWAY; its stream in flight: ${kind === 'undici' ? 'UND_ERR_SOCKET (undici 7 drops the session)' : '200'}`, async () => {
      // The request must reach the server before the drain begins: 400 ms of room for a busy machine.
      const c = await start(kind, { latency: '800ms', faults: [{ type: 'drain', trigger: { at: '400ms', for: '1s' } }] }, { requestTimeout: 3000 });
      assert.equal(await outcome(c), kind === 'undici' ? 'UND_ERR_SOCKET' : '200');
      assert.equal(counters().http2?.goawaySent, 1);
      assert.deepEqual(counters().faults?.drain, { struck: 0, connectionsClosed: 1 });
    });

    it(`${kind}: drain — a session opened during the window gets 503, then GOAWAY; after the window, 200`, async () => {
      // The first request must land inside the window: a second of room for a busy machine.
      const c = await start(kind, { faults: [{ type: 'drain', trigger: { at: 0, for: '1s' } }] });
      const windowEndsBy = performance.now() + 1000;
      await sleep(20);
      assert.equal(await outcome(c), '503');
      await eventually(() => counters().http2?.goawaySent === 1);
      await sleep(windowEndsBy + 100 - performance.now());
      assert.equal(await outcome(c), '200');
      assert.equal(c.connections().opened, 2);
    });
  }

  it('conn_limit 503: streams of a session beyond max get 503, then the session gets GOAWAY', async () => {
    const first = await start('node-http2', { faults: [{ type: 'conn_limit', max: 1, action: '503' }] });
    assert.equal(await outcome(first), '200');
    const second = createClient(VARIANTS['node-http2'], target);
    try {
      assert.equal(await outcome(second), '503');
      // node's graceful GOAWAY comes as two frames (a notice, then the last stream id): at least one.
      await eventually(() => second.http2!().goawaysReceived >= 1);
    } finally {
      await second.close();
    }
    assert.deepEqual(counters().faults?.conn_limit, { struck: 1, connectionsClosed: 1 });
  });
});

test('a drain (GOAWAY, then 503 on new sessions) loses no request with retries, over undici h2 and node-http2', { timeout: 60_000 }, async () => {
  // Streams sent while the GOAWAY is on its way are refused (ERR_HTTP2_STREAM_ERROR): never
  // processed, so safe to retry; undici 7 fails the streams in flight with UND_ERR_SOCKET.
  // Retries are counted, the drain is timed: the backoff (50 ms doubling to 1 s) spans seconds,
  // so a busy machine's slow attempts cannot use up the ten retries inside the 400 ms window.
  const retry = '{ maxRetries: 10, minTimeout: 50ms, maxTimeout: 1s, errorCodes: [ERR_HTTP2_STREAM_ERROR, UND_ERR_SOCKET, ECONNRESET] }';
  const result = await runScenario(
    scenarioFromYaml(`
name: h2-drain
upstream: { protocol: h2c, rtt: 5ms, latency: 20ms, faults: [{ type: drain, trigger: { at: 300ms, for: 400ms } }] }
load: { concurrency: 4, duration: 1200ms }
variants:
  - { name: node-http2 retry, client: node-http2, retry: ${retry} }
  - { name: undici retry, client: undici, protocol: h2, pipelining: 10, retry: ${retry} }
  - { name: node-http2 plain, client: node-http2 }
`),
  );
  for (const name of ['node-http2 retry', 'undici retry']) {
    const v = byName(result.variants, name);
    // undici 7 drops a session on GOAWAY, failing its streams even after their response headers
    // came (nghttp2 sends the GOAWAY ahead of DATA queued in the same flush). Its retry handler
    // cannot resume a body the server does not serve by Range, so such a request fails with
    // UND_ERR_REQ_RETRY: a real undici limit, rare (at most the streams in flight when the drain
    // begins, here 4), and the only loss allowed.
    const undiciResumeFailures = name === 'undici retry' ? (v.errors.UND_ERR_REQ_RETRY ?? 0) : 0;
    assert.ok(undiciResumeFailures <= 4, `${name}: ${JSON.stringify(v.errors)}`);
    assert.equal(v.errorCount - undiciResumeFailures, 0, `${name}: ${JSON.stringify(v.errors)}`);
    assert.ok((v.faultWindows?.requestsLost ?? 0) <= undiciResumeFailures, `${name}: ${v.faultWindows?.requestsLost} lost`);
    assert.ok((v.faultWindows?.requestsInWindows ?? 0) > 0, `${name}: requests were sent during the drain`);
    assert.ok((v.connections.upstream?.http2?.goawaySent ?? 0) >= 1, `${name}: a GOAWAY was sent`);
  }
  const plain = byName(result.variants, 'node-http2 plain');
  assert.ok((plain.errors['HTTP 5xx'] ?? 0) > 0, `without retries the drain's 503s are errors: ${JSON.stringify(plain.errors)}`);
});
