/**
 * The headline figure: with a simulated rtt, a fresh connection's first request costs the TCP
 * (and TLS) handshake round trips on top of the request's own, a reused connection only the
 * request's. Timed on raw sockets, so no client library adds or hides anything.
 *
 * A busy machine only ever adds time (a late timer, a descheduled process), so lower bounds hold
 * for every sample, and the (loose) upper bounds are put on the fastest of several: one unlucky
 * sample must not fail the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { tlsFixtureFiles } from '../../src/upstream/tls-fixtures.js';
import type { SetupCharge } from '../../src/upstream/network-model.js';
import { median, RawConnection, upstreamConfig } from './helpers.js';

// Long beside a busy machine's delays and a TLS handshake's own CPU time (tens of ms when loaded).
const RTT = 50;
const FRESH_CONNECTIONS = 5;
const REUSED_REQUESTS = 10;

describe('network model at rtt 50ms', { timeout: 60_000 }, () => {
  const servers: UpstreamServer[] = [];
  const connections: RawConnection[] = [];
  after(async () => {
    for (const connection of connections) connection.destroy();
    await Promise.all(servers.map((server) => server.close()));
  });

  async function start(input: Record<string, unknown>, charge: SetupCharge = {}): Promise<number> {
    const server = createUpstreamServer({ ...upstreamConfig({ rtt: RTT, ...input }), ...charge });
    servers.push(server);
    return server.listen();
  }

  /** Opens a connection and times connect + first request, as a client without keep-alive would see it. */
  async function timeFreshRequest(port: number, tlsOptions?: Parameters<typeof RawConnection.open>[1]): Promise<{ ms: number; connection: RawConnection }> {
    const startedAt = performance.now();
    const connection = await RawConnection.open(port, tlsOptions);
    connections.push(connection);
    await connection.request();
    return { ms: performance.now() - startedAt, connection };
  }

  it('http: a fresh connection costs 2 rtt, a reused one 1 rtt', async (t) => {
    const port = await start({});
    const fresh: number[] = [];
    let connection: RawConnection | undefined;
    for (let i = 0; i < FRESH_CONNECTIONS; i++) ({ ms: fresh[i], connection } = await timeFreshRequest(port));
    const reused: number[] = [];
    for (let i = 0; i < REUSED_REQUESTS; i++) {
      const startedAt = performance.now();
      await connection!.request();
      reused.push(performance.now() - startedAt);
    }
    t.diagnostic(`fresh p50 ${median(fresh).toFixed(1)}ms (min ${Math.min(...fresh).toFixed(1)}), reused p50 ${median(reused).toFixed(1)}ms`);
    assert.ok(Math.min(...fresh) >= 1.8 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
    assert.ok(Math.min(...fresh) <= 3 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
    assert.ok(Math.min(...reused) <= 1.4 * RTT, `reused: ${reused.map((ms) => ms.toFixed(1))}`);
    assert.ok(Math.min(...reused) >= 0.9 * RTT, `reused: ${reused.map((ms) => ms.toFixed(1))}`);
  });

  it('https with TLS 1.3: a fresh connection costs 3 rtt (TCP, TLS, request)', async (t) => {
    const port = await start({ protocol: 'https', tls: { version: '1.3' } });
    const ca = readFileSync(tlsFixtureFiles().caFile);
    const fresh: number[] = [];
    for (let i = 0; i < FRESH_CONNECTIONS; i++) fresh.push((await timeFreshRequest(port, { ca })).ms);
    t.diagnostic(`https TLS 1.3 fresh p50 ${median(fresh).toFixed(1)}ms (min ${Math.min(...fresh).toFixed(1)})`);
    assert.ok(Math.min(...fresh) >= 2.8 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
    assert.ok(Math.min(...fresh) <= 4 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
  });

  it('https with TLS 1.2: a fresh connection costs 4 rtt', async (t) => {
    const port = await start({ protocol: 'https', tls: { version: '1.2', sessionResumption: false } });
    const ca = readFileSync(tlsFixtureFiles().caFile);
    const fresh: number[] = [];
    for (let i = 0; i < 3; i++) fresh.push((await timeFreshRequest(port, { ca })).ms);
    t.diagnostic(`https TLS 1.2 fresh min ${Math.min(...fresh).toFixed(1)}ms`);
    assert.ok(Math.min(...fresh) >= 3.8 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
    assert.ok(Math.min(...fresh) <= 5 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
  });

  it('setupModelledByClients: a fresh connection\'s first request costs 1 rtt, TLS included (its client models the setup)', async (t) => {
    const ca = readFileSync(tlsFixtureFiles().caFile);
    const http = await start({}, { setupModelledByClients: true });
    const https = await start({ protocol: 'https', tls: { version: '1.2', sessionResumption: false } }, { setupModelledByClients: true });
    const fresh: number[] = [];
    for (let i = 0; i < 3; i++) fresh.push((await timeFreshRequest(http)).ms, (await timeFreshRequest(https, { ca })).ms);
    t.diagnostic(`fresh min ${Math.min(...fresh).toFixed(1)}ms, max ${Math.max(...fresh).toFixed(1)}ms`);
    assert.ok(Math.min(...fresh) >= 0.9 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
    assert.ok(median(fresh) <= 1.8 * RTT, `fresh: ${fresh.map((ms) => ms.toFixed(1))}`);
  });
});
