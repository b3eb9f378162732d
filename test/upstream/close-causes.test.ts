/**
 * The upstream counts every connection close once, by cause (UpstreamCounters.closes), with real
 * clients on real sockets: its own idle timeout and request limit, a fault, the client leaving
 * idle or with a request in flight, its own stop; HTTP/2 sessions and TLS connections alike. The
 * fault proxy, in front of the bundled upstream, counts the target's closes as `target` and the
 * client's as the upstream does.
 */
import { freeClosedPort } from '../helpers/net.js';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { createFaultProxy, type FaultProxy } from '../../src/proxy/fault-proxy.js';
import { FaultSchema } from '../../src/scenario/schema.js';
import { zeroCloses } from '../../src/upstream/counters.js';
import { tlsFixtureFiles } from '../../src/upstream/tls-fixtures.js';
import type { UpstreamCloseCause, UpstreamCounters } from '../../src/upstream/types.js';
import { eventually, upstreamConfig, within } from './helpers.js';

type Closes = Partial<Record<UpstreamCloseCause, number>>;

/** One GET through `agent`, resolving with the status once the body is read; `signal` aborts it. */
function get(port: number, agent: http.Agent, options: { signal?: AbortSignal; protocol?: 'http:' | 'https:'; ca?: Buffer } = {}): Promise<number> {
  const client = options.protocol === 'https:' ? https : http;
  return within(
    5000,
    new Promise<number>((resolve, reject) => {
      client
        .get({ host: '127.0.0.1', port, path: '/', agent, signal: options.signal, ca: options.ca, servername: 'localhost' }, (res) => res.resume().on('end', () => resolve(res.statusCode!)))
        .on('error', reject);
    }),
    'GET',
  );
}

/** Waits until the closes add up to `expected` and each close has exactly one cause. */
async function closesSettle(counters: () => UpstreamCounters, expected: Closes): Promise<UpstreamCounters> {
  const total = Object.values(expected).reduce((sum, n) => sum + n, 0);
  await eventually(() => counters().connectionsClosed >= total);
  await sleep(50); // room for a close counted twice or late to show
  const seen = counters();
  assert.deepEqual(seen.closes, { ...zeroCloses(), ...expected });
  assert.equal(sumOf(seen.closes), seen.connectionsClosed, 'every close has exactly one cause');
  return seen;
}

const sumOf = (closes: Record<string, number>) => Object.values(closes).reduce((sum, n) => sum + n, 0);

describe('connection closes by cause, from the upstream’s side', { timeout: 60_000 }, () => {
  let server: UpstreamServer | undefined;
  let proxy: FaultProxy | undefined;
  const agents: http.Agent[] = [];

  async function start(input: Record<string, unknown> = {}): Promise<number> {
    server = createUpstreamServer(upstreamConfig(input));
    return server.listen();
  }
  function agent(options: http.AgentOptions = {}, secure = false): http.Agent {
    const made = secure ? new https.Agent({ keepAlive: true, ...options }) : new http.Agent({ keepAlive: true, ...options });
    agents.push(made);
    return made;
  }

  afterEach(async () => {
    for (const made of agents.splice(0)) made.destroy();
    await proxy?.close();
    await server?.close();
    proxy = server = undefined;
  });

  it('idle-timeout: the server closes connections the client lets idle past keepAlive.timeout', async () => {
    // The client keeps idle sockets far longer than the server does.
    const port = await start({ keepAlive: { timeout: 300, hint: false } });
    const pool = agent({ maxSockets: 2 });
    await Promise.all([get(port, pool), get(port, pool)]);
    const counters = await closesSettle(() => server!.counters(), { 'idle-timeout': 2 });
    assert.equal(counters.connectionsClosedByServer, 2, 'the existing count keeps its meaning');
  });

  it('idle-timeout with undici: a keepAliveTimeout longer than the server’s lets the server close first', async () => {
    const port = await start({ keepAlive: { timeout: 300, hint: false } });
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 2, keepAliveTimeout: 10_000 });
    try {
      await Promise.all([0, 1].map(async () => (await pool.request({ path: '/', method: 'GET' })).body.dump()));
      await closesSettle(() => server!.counters(), { 'idle-timeout': server!.counters().connectionsAccepted });
    } finally {
      await pool.destroy();
    }
  });

  it('client-idle: the client closes its idle connections itself', async () => {
    const port = await start();
    const pool = agent({ maxSockets: 3 });
    await Promise.all([get(port, pool), get(port, pool), get(port, pool)]);
    pool.destroy();
    const counters = await closesSettle(() => server!.counters(), { 'client-idle': 3 });
    assert.equal(counters.connectionsClosedByServer, 0);
  });

  it('client-in-flight: the client aborts a request the server has not answered yet', async () => {
    const port = await start({ latency: 2000 });
    const abort = new AbortController();
    const request = get(port, agent(), { signal: abort.signal }).catch((error: Error) => error.name);
    await eventually(() => server!.counters().connectionsAccepted === 1);
    await sleep(100); // the request has arrived
    abort.abort();
    assert.equal(await request, 'AbortError');
    await closesSettle(() => server!.counters(), { 'client-in-flight': 1 });
  });

  it('max-requests: keepAlive.maxRequests 1 closes every connection after its request', async () => {
    const port = await start({ keepAlive: { maxRequests: 1 } });
    const pool = agent({ maxSockets: 1 });
    for (let i = 0; i < 4; i++) assert.equal(await get(port, pool), 200);
    await closesSettle(() => server!.counters(), { 'max-requests': 4 });
  });

  it('asked-to-close: a client without keep-alive asks the server to close each connection after its response', async () => {
    const port = await start();
    // Without a socket limit: node:http's agent then sends `Connection: close` (with one, it sends keep-alive and closes the socket itself).
    const pool = agent({ keepAlive: false });
    for (let i = 0; i < 3; i++) assert.equal(await get(port, pool), 200);
    const counters = await closesSettle(() => server!.counters(), { 'asked-to-close': 3 });
    assert.equal(counters.connectionsClosedByServer, 0, 'the existing count keeps its meaning: not the server’s own decision');
  });

  it('fault: a reset fault closes the connection; the fault counters say which', async () => {
    const port = await start({ faults: [{ type: 'reset', trigger: { nth: 2 } }] });
    const pool = agent({ maxSockets: 1 });
    assert.equal(await get(port, pool), 200);
    await assert.rejects(get(port, pool));
    const counters = await closesSettle(() => server!.counters(), { fault: 1 });
    assert.deepEqual(counters.faults, { reset: { struck: 1, connectionsClosed: 1 } });
  });

  it('shutdown: connections open when the server stops are its own stop', async () => {
    const port = await start();
    const pool = agent({ maxSockets: 2 });
    await Promise.all([get(port, pool), get(port, pool)]);
    const running = server!;
    await running.close();
    server = undefined;
    await closesSettle(() => running.counters(), { shutdown: 2 });
    assert.equal(running.counters().connectionsClosedByServer, 0, 'its stop is not a close "by the server" while serving');
  });

  // Idle timeouts of 1 s where the client must act before them: a busy machine can take 300 ms between two steps.
  it('over TLS: the client leaving and the idle timeout are told apart as in the clear', async () => {
    const port = await start({ protocol: 'https', keepAlive: { timeout: 1000, hint: false } });
    const ca = readFileSync(tlsFixtureFiles().caFile);
    const leaving = agent({}, true);
    const idling = agent({}, true);
    await get(port, leaving, { protocol: 'https:', ca });
    await get(port, idling, { protocol: 'https:', ca });
    leaving.destroy();
    await closesSettle(() => server!.counters(), { 'client-idle': 1, 'idle-timeout': 1 });
  });

  it('HTTP/2: a session is a connection — its idle GOAWAY, its maxRequests GOAWAY, the client closing it', async () => {
    const port = await start({ protocol: 'h2c', keepAlive: { timeout: 1000, maxRequests: 2 } });
    const stream = (session: http2.ClientHttp2Session) =>
      within(5000, new Promise<void>((resolve, reject) => session.request({ ':path': '/' }).on('error', reject).resume().on('end', resolve)), 'an HTTP/2 stream');
    const sessions = [0, 1, 2].map(() => http2.connect(`http://127.0.0.1:${port}`).on('error', () => {}));
    try {
      await Promise.all(sessions.map((session) => stream(session)));
      await stream(sessions[1]); // its 2nd stream: GOAWAY after it
      sessions[2].close();
      // sessions[0] idles into the timeout.
      await closesSettle(() => server!.counters(), { 'idle-timeout': 1, 'max-requests': 1, 'client-idle': 1 });
    } finally {
      for (const session of sessions) session.destroy();
    }
  });

  it('through the fault proxy: the target’s closes are `target`, the client’s and the faults’ as on the upstream', async () => {
    const targetPort = await start({ keepAlive: { timeout: 1000, hint: false } });
    proxy = createFaultProxy({ host: '127.0.0.1', port: targetPort }, [FaultSchema.parse({ type: 'reset', trigger: { nth: 2 } })]);
    const port = await proxy.listen();
    const idling = agent({ maxSockets: 1 });
    const leaving = agent({ maxSockets: 1 });
    const faulted = agent({ maxSockets: 1 });
    await get(port, idling);
    await get(port, leaving);
    leaving.destroy();
    await get(port, faulted);
    await assert.rejects(get(port, faulted));
    await closesSettle(() => proxy!.counters(), { target: 1, 'client-idle': 1, fault: 1 });
    // The upstream behind it saw the same connections close: its idle timeout, and the proxy leaving.
    await closesSettle(() => server!.counters(), { 'idle-timeout': 1, 'client-idle': 2 });
  });

  it('through the fault proxy: a target that refuses the connection is `target` too', async () => {
    proxy = createFaultProxy({ host: '127.0.0.1', port: await freeClosedPort() }, []);
    const port = await proxy.listen();
    await assert.rejects(get(port, agent()));
    await closesSettle(() => proxy!.counters(), { target: 1 });
  });
});
