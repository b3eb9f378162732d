/**
 * The upstream over HTTP/2: ALPN with its http/1.1 fallback, cleartext h2c, the SETTINGS it
 * announces, the network model per stream, and GOAWAY — driven with node:http2 and node:https.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { afterEach, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { tlsFixtureFiles } from '../../src/upstream/tls-fixtures.js';
import { eventually, upstreamConfig, within } from './helpers.js';

const ca = readFileSync(tlsFixtureFiles().caFile);

describe('upstream server over HTTP/2', { timeout: 60_000 }, () => {
  let server: UpstreamServer | undefined;
  const sessions: http2.ClientHttp2Session[] = [];

  async function start(input: Record<string, unknown>): Promise<string> {
    server = createUpstreamServer(upstreamConfig(input));
    const port = await server.listen();
    return `${input.protocol === 'h2' ? 'https' : 'http'}://localhost:${port}`;
  }
  function connect(origin: string): http2.ClientHttp2Session {
    const session = http2.connect(origin, { ca });
    session.on('error', () => {}); // a test that expects a close checks for it
    sessions.push(session);
    return session;
  }
  function get(session: http2.ClientHttp2Session, path = '/'): Promise<{ status: number; body: string }> {
    return within(5000, new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
    }), `GET ${path}`);
  }

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy();
    await server?.close();
    server = undefined;
  });

  it('negotiates h2 by ALPN and counts the session and its streams', async () => {
    const session = connect(await start({ protocol: 'h2', response: { bodySize: 5 } }));
    const responses = await Promise.all([get(session), get(session), get(session)]);
    assert.deepEqual(responses.map((r) => r.body), ['xxxxx', 'xxxxx', 'xxxxx']);
    assert.equal(session.alpnProtocol, 'h2');
    const counters = server!.counters();
    assert.equal(counters.connectionsAccepted, 1);
    assert.equal(counters.http2?.sessions, 1);
    assert.equal(counters.http2?.streams, 3);
    assert.equal(counters.requests, 3);
  });

  it('falls back to http/1.1 for a client that offers only http/1.1', async () => {
    const origin = await start({ protocol: 'h2', response: { bodySize: 4 } });
    const { version, body } = await within(5000, new Promise<{ version: string; body: string }>((resolve, reject) => {
      https.get(`${origin}/`, { ca, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve({ version: res.httpVersion, body: text }));
      }).on('error', reject);
    }), 'the https request');
    assert.equal(version, '1.1');
    assert.equal(body, 'xxxx');
    await eventually(() => server!.counters().requests === 1);
    assert.equal(server!.counters().http2?.sessions, 0);
  });

  it('speaks cleartext h2c and announces maxConcurrentStreams in its SETTINGS', async () => {
    const session = connect(await start({ protocol: 'h2c', h2: { maxConcurrentStreams: 7 } }));
    const settings = await within(2000, new Promise<http2.Settings>((resolve) => session.once('remoteSettings', resolve)), 'SETTINGS');
    assert.equal(settings.maxConcurrentStreams, 7);
    assert.equal((await get(session)).status, 200);
    assert.equal(server!.counters().http2?.streams, 1);
  });

  it('answers streams in flight together after one round trip each, not one after another', async () => {
    const rtt = 40;
    const session = connect(await start({ protocol: 'h2c', rtt }));
    await get(session); // pays the connection's setup
    // One after another they would take 10 rtt. The fastest of three rounds is judged: a busy
    // machine only adds time, and one stalled round must not fail the test.
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      const startedAt = performance.now();
      await Promise.all(Array.from({ length: 10 }, () => get(session)));
      rounds.push(performance.now() - startedAt);
    }
    const elapsed = Math.min(...rounds);
    assert.ok(elapsed >= rtt * 0.9 && elapsed < rtt * 4, `10 streams took ${rounds.map((ms) => ms.toFixed(1)).join(', ')} ms at rtt ${rtt} ms`);
    assert.equal(server!.counters().peakInFlightPerConnection, 10);
  });

  it('routes answer with their own status and think time', async () => {
    const session = connect(await start({ protocol: 'h2c', routes: [{ path: '/teapot', weight: 1, latency: 0, status: 418, bodySize: 2 }] }));
    assert.deepEqual(await get(session, '/teapot?x=1'), { status: 418, body: 'xx' });
    assert.deepEqual(await get(session, '/other'), { status: 200, body: '' });
  });

  it('sends GOAWAY to a session idle for keepAlive.timeout', async () => {
    const session = connect(await start({ protocol: 'h2c', keepAlive: { timeout: 150 } }));
    const goaway = new Promise((resolve) => session.once('goaway', resolve));
    await get(session);
    await within(2000, goaway, 'the GOAWAY');
    await eventually(() => server!.counters().http2?.goawaySent === 1 && server!.counters().connectionsClosedByServer === 1);
  });
});
