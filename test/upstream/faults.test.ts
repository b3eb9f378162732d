/**
 * Every fault in the catalog against real clients (undici and node-http, through poolbench's
 * own adapters) on 127.0.0.1: the symptom each client shows is the one the README documents,
 * and the upstream counts what the fault did.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RequestClient, type RequestVariant } from '../../src/clients/index.js';
import { classifyError } from '../../src/metrics/error-class.js';
import type { Variant } from '../../src/scenario/schema.js';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { tlsFixtureFiles } from '../../src/upstream/tls-fixtures.js';
import { upstreamConfig, within } from './helpers.js';

type Kind = 'undici' | 'node-http';

/**
 * Short client timeouts, so hang and stall show up as timeouts within the test's time, and long
 * enough that a busy machine's stalls (up to a few hundred ms) do not turn a 200 into a timeout.
 */
const VARIANTS: Record<Kind, RequestVariant> = {
  undici: { name: 'undici', client: 'undici', keepAlive: true, pipelining: 1, protocol: 'h1', headersTimeout: 1000, bodyTimeout: 1000 },
  'node-http': { name: 'node-http', client: 'node-http', keepAlive: true, timeout: 1000 },
};

/** The status, or the error class, of one request. */
async function outcome(client: RequestClient): Promise<string> {
  // undici frees a connection a moment after the body ends; a request sent at once would open another.
  await sleep(5);
  try {
    return String((await within(3000, client.send('/', AbortSignal.timeout(3000)), 'the request')).status);
  } catch (error) {
    return classifyError(error);
  }
}

describe('faults: the symptom each client sees', { timeout: 60_000 }, () => {
  let server: UpstreamServer | undefined;
  let client: RequestClient | undefined;

  async function start(kind: Kind, upstream: Record<string, unknown>, variant: Partial<Variant> = {}): Promise<RequestClient> {
    server = createUpstreamServer(upstreamConfig({ response: { bodySize: 100 }, ...upstream }));
    const port = await server.listen();
    const isHttps = upstream.protocol === 'https';
    const ca = isHttps ? await readFile(tlsFixtureFiles().caFile, 'utf8') : undefined;
    client = createClient({ ...VARIANTS[kind], ...variant } as RequestVariant, { origin: `${isHttps ? 'https' : 'http'}://127.0.0.1:${port}`, ca, request: { method: 'GET', path: '/', headers: {} } });
    return client;
  }
  const faultCount = (type: string) => server!.counters().faults?.[type as 'reset'];

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = server = undefined;
  });

  const symptoms: { fault: Record<string, unknown>; undici: string; 'node-http': string; closes: boolean }[] = [
    { fault: { type: 'reset' }, undici: 'ECONNRESET', 'node-http': 'ECONNRESET', closes: true },
    { fault: { type: 'reset', trigger: { on: 'accept' } }, undici: 'ECONNRESET', 'node-http': 'ECONNRESET', closes: true },
    { fault: { type: 'empty_response' }, undici: 'UND_ERR_SOCKET', 'node-http': 'ECONNRESET', closes: true },
    { fault: { type: 'malformed' }, undici: 'HTTPParserError', 'node-http': 'HPE_INVALID_CONSTANT', closes: true },
    { fault: { type: 'truncate' }, undici: 'UND_ERR_SOCKET', 'node-http': 'ECONNRESET', closes: true },
    { fault: { type: 'hang' }, undici: 'UND_ERR_HEADERS_TIMEOUT', 'node-http': 'ETIMEDOUT', closes: false },
    { fault: { type: 'stall' }, undici: 'UND_ERR_HEADERS_TIMEOUT', 'node-http': 'ETIMEDOUT', closes: false },
    { fault: { type: 'stall', trigger: { on: 'accept' } }, undici: 'UND_ERR_HEADERS_TIMEOUT', 'node-http': 'ETIMEDOUT', closes: false },
    { fault: { type: 'http_error', status: 429, retryAfter: '2s' }, undici: '429', 'node-http': '429', closes: false },
    { fault: { type: 'refuse', trigger: { at: 0 } }, undici: 'ECONNREFUSED', 'node-http': 'ECONNREFUSED', closes: false },
  ];
  for (const kind of ['undici', 'node-http'] as const) {
    for (const { fault, closes, ...expected } of symptoms) {
      it(`${kind}: ${JSON.stringify(fault)} → ${expected[kind]}`, async () => {
        const c = await start(kind, { faults: [fault] });
        await sleep(20); // refuse's window opens on a timer
        assert.equal(await outcome(c), expected[kind]);
        const count = faultCount(String(fault.type));
        assert.ok(count && count.struck >= 1, `struck ${JSON.stringify(count)}`);
        if (closes) assert.equal(count.connectionsClosed, 1);
      });
    }

    it(`${kind}: the Nth-request trigger strikes only the Nth request of a connection`, async () => {
      const c = await start(kind, { faults: [{ type: 'http_error', status: 500, trigger: { nth: 2 } }] });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push(await outcome(c));
      assert.deepEqual(statuses, ['200', '500', '200']);
    });

    it(`${kind}: http_error sends Retry-After, and a retrying client waits for it and succeeds`, async () => {
      const c = await start(kind, { faults: [{ type: 'http_error', status: 503, retryAfter: '1s', trigger: { at: 0, for: '800ms' } }] }, { retry: { maxRetries: 2, minTimeout: 10, maxTimeout: 5000, timeoutFactor: 2, retryAfter: true, statusCodes: [503], errorCodes: [] } });
      const startedAt = performance.now();
      assert.equal(await outcome(c), '200');
      assert.ok(performance.now() - startedAt >= 900, 'waited for Retry-After: 1');
      assert.equal(c.attempts!().attempts, 2);
    });

    it(`${kind}: close_after_response — the next request on the reused connection is lost`, async () => {
      // The next request must be sent before the FIN comes: 300 ms of room for a busy machine.
      const c = await start(kind, { faults: [{ type: 'close_after_response', delay: '300ms' }] });
      assert.equal(await outcome(c), '200');
      assert.match(await outcome(c), kind === 'undici' ? /^UND_ERR_SOCKET$/ : /^ECONNRESET$/);
      assert.deepEqual(c.attempts!(), { attempts: 2, failedOnReused: 1, failedOnFresh: 0 });
    });

    it(`${kind}: close_after_response with hint: true — the client honours timeout=0 and never reuses`, async () => {
      const c = await start(kind, { faults: [{ type: 'close_after_response', delay: '30ms', hint: true }] });
      for (let i = 0; i < 3; i++) assert.equal(await outcome(c), '200');
      assert.equal(c.connections().opened, 3);
    });

    it(`${kind}: idle_close closes idle connections with a FIN; the client opens a new one, no error`, async () => {
      const c = await start(kind, { faults: [{ type: 'idle_close', trigger: { idle: '50ms' } }] });
      assert.equal(await outcome(c), '200');
      await sleep(150);
      assert.equal(await outcome(c), '200');
      assert.equal(c.connections().opened, 2);
      assert.equal(faultCount('idle_close')?.connectionsClosed, 2 - server!.counters().openConnections);
    });

    it(`${kind}: conn_limit with action 503 answers 503 + Connection: close beyond max`, async () => {
      const c = await start(kind, { latency: '100ms', faults: [{ type: 'conn_limit', max: 1, action: '503' }] });
      const outcomes = (await Promise.all([outcome(c), outcome(c)])).sort();
      assert.deepEqual(outcomes, ['200', '503']);
      assert.deepEqual(faultCount('conn_limit'), { struck: 1, connectionsClosed: 1 });
    });

    it(`${kind}: conn_limit with action close drops connections beyond max`, async () => {
      const c = await start(kind, { latency: '100ms', faults: [{ type: 'conn_limit', max: 1 }] });
      const outcomes = (await Promise.all([outcome(c), outcome(c)])).sort();
      assert.deepEqual(outcomes, ['200', kind === 'undici' ? 'UND_ERR_SOCKET' : 'ECONNRESET']);
    });

    it(`${kind}: drain answers 503 with Connection: close during its window, then serves again`, async () => {
      // The first request must land inside the window: a second of room for a busy machine.
      const c = await start(kind, { faults: [{ type: 'drain', trigger: { at: 0, for: '1s' } }] });
      const windowEndsBy = performance.now() + 1000;
      await sleep(20);
      assert.equal(await outcome(c), '503');
      await sleep(windowEndsBy + 100 - performance.now());
      assert.equal(await outcome(c), '200');
      assert.equal(c.connections().opened, 2, 'the drained connection was closed');
      assert.deepEqual(faultCount('drain'), { struck: 1, connectionsClosed: 1 });
    });

    it(`${kind}: refuse takes the listener down for its window and brings it back on the same port`, async () => {
      // The window's clock starts before start() returns: the first request has 200 ms before it
      // opens, the second is sent inside it with 500 ms of room, the third after it.
      const c = await start(kind, { faults: [{ type: 'refuse', trigger: { at: '200ms', for: '600ms' } }] });
      const startedBy = performance.now();
      assert.equal(await outcome(c), '200');
      await sleep(startedBy + 300 - performance.now());
      assert.equal(await outcome(c), 'ECONNREFUSED');
      await sleep(startedBy + 900 - performance.now());
      assert.equal(await outcome(c), '200');
      assert.equal(faultCount('refuse')?.connectionsClosed, 1, 'the idle connection was closed when the listener went down');
    });
  }

  it('tls_cost: every handshake is a full one (no session resumption)', async () => {
    const resumedWith = async (faults: unknown[]) => {
      const c = await start('undici', { protocol: 'https', faults }, { keepAlive: false });
      for (let i = 0; i < 4; i++) assert.equal(await outcome(c), '200');
      const { tlsHandshakes, tlsResumed } = server!.counters();
      await client!.close();
      await server!.close();
      return { tlsHandshakes, tlsResumed };
    };
    assert.ok((await resumedWith([])).tlsResumed > 0, 'undici resumes sessions without the fault');
    assert.deepEqual(await resumedWith([{ type: 'tls_cost' }]), { tlsHandshakes: 4, tlsResumed: 0 });
    client = server = undefined;
  });
});
