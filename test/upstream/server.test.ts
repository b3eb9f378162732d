import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, it } from 'node:test';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { zeroCloses } from '../../src/upstream/counters.js';
import { eventually, RawConnection, upstreamConfig, within } from './helpers.js';

describe('upstream server (in-process)', { timeout: 60_000 }, () => {
  let server: UpstreamServer | undefined;
  let connections: RawConnection[] = [];

  /** Starts a server for this test; everything is torn down in afterEach. */
  async function start(input: Record<string, unknown> = {}): Promise<number> {
    server = createUpstreamServer(upstreamConfig(input));
    return server.listen();
  }
  async function connect(port: number): Promise<RawConnection> {
    const connection = await RawConnection.open(port);
    connections.push(connection);
    return connection;
  }

  afterEach(async () => {
    for (const connection of connections) connection.destroy();
    connections = [];
    await server?.close();
    server = undefined;
  });

  it('answers with the configured status, headers and a body of bodySize bytes', async () => {
    const port = await start({ response: { status: 201, bodySize: 1000, headers: { 'X-Upstream': 'poolbench' } } });
    const connection = await connect(port);
    const response = await connection.request();
    assert.equal(response.status, 201);
    assert.equal(response.headers['content-length'], '1000');
    assert.equal(response.body.length, 1000);
    assert.equal(response.headers['x-upstream'], 'poolbench');
  });

  it('drains a request body and keeps serving the connection', async () => {
    const port = await start({ latency: 5 });
    const connection = await connect(port);
    assert.equal((await connection.request([], 'x'.repeat(100_000))).status, 200);
    assert.equal((await connection.request()).status, 200);
    assert.equal(server!.counters().connectionsAccepted, 1);
  });

  it('closes an idle keep-alive connection with a FIN after keepAlive.timeout, and counts it', async () => {
    const port = await start({ keepAlive: { timeout: 200 } });
    const connection = await connect(port);
    await connection.request();
    const idleSince = performance.now();
    const finAt = await within(2000, connection.ended, 'the FIN');
    const idle = finAt - idleSince;
    assert.ok(idle >= 180 && idle < 1000, `FIN after ${idle.toFixed(0)}ms idle`);
    await eventually(() => server!.counters().connectionsClosed === 1);
    const counters = server!.counters();
    assert.equal(counters.connectionsClosedByServer, 1);
    assert.equal(counters.openConnections, 0);
  });

  it('does not count idle time while a request is in progress', async () => {
    // The response takes 300ms, longer than the 100ms idle timeout: the connection must survive it.
    const port = await start({ keepAlive: { timeout: 100 }, latency: 300 });
    const connection = await connect(port);
    assert.equal((await connection.request()).status, 200);
    await within(2000, connection.ended, 'the FIN');
  });

  it('sends `Keep-Alive: timeout=<s>` when hint is true', async () => {
    const port = await start({ keepAlive: { timeout: 5500, hint: true } });
    const response = await (await connect(port)).request();
    assert.equal(response.headers['keep-alive'], 'timeout=5');
    assert.equal(response.headers['connection'], 'keep-alive');
  });

  it('sends no Keep-Alive header at all when hint is false (not even node:http one)', async () => {
    const port = await start({ keepAlive: { timeout: 5500, hint: false } });
    const response = await (await connect(port)).request();
    assert.doesNotMatch(response.head, /^keep-alive:/im);
    assert.equal(response.headers['connection'], 'keep-alive');
  });

  it('closes the connection after maxRequests, announcing it with `Connection: close`', async () => {
    const port = await start({ keepAlive: { maxRequests: 3 } });
    const connection = await connect(port);
    for (let i = 1; i <= 2; i++) assert.equal((await connection.request()).headers['connection'], 'keep-alive');
    const last = await connection.request();
    assert.equal(last.headers['connection'], 'close');
    assert.equal(last.headers['keep-alive'], undefined);
    await within(2000, connection.ended, 'the FIN');
    await eventually(() => server!.counters().connectionsClosed === 1);
    const counters = server!.counters();
    assert.equal(counters.connectionsClosedByServer, 1);
    assert.deepEqual(counters.requestsPerConnection, { min: 3, mean: 3, max: 3 });
  });

  it('refuses connections beyond maxConnections at once, counting them', async () => {
    const port = await start({ maxConnections: 2 });
    const first = await connect(port);
    await first.request();
    await (await connect(port)).request();
    const refused = await connect(port);
    await within(2000, refused.closed, 'closing the refused connection');
    await eventually(() => server!.counters().connectionsClosed === 1);
    assert.deepEqual(
      { ...server!.counters(), requestsPerConnection: undefined },
      {
        connectionsAccepted: 3,
        tlsHandshakes: 0,
        tlsResumed: 0,
        requests: 2,
        connectionsClosedByServer: 1,
        connectionsClosed: 1,
        closes: { ...zeroCloses(), 'max-requests': 1 },
        openConnections: 2,
        peakOpenConnections: 2,
        peakInFlightPerConnection: 1,
        requestsPerConnection: undefined,
      },
    );
    // Once a connection goes away, there is room again.
    first.destroy();
    await eventually(() => server!.counters().openConnections === 1);
    assert.equal((await (await connect(port)).request()).status, 200);
  });

  it('closes after a request with `Connection: close`, without counting it as closed by the server', async () => {
    const port = await start();
    const connection = await connect(port);
    const response = await connection.request(['Connection: close']);
    assert.equal(response.headers['connection'], 'close');
    assert.equal(response.headers['keep-alive'], undefined);
    await within(2000, connection.ended, 'the FIN');
    await eventually(() => server!.counters().connectionsClosed === 1);
    assert.equal(server!.counters().connectionsClosedByServer, 0);
  });

  it('counts connections, requests and requests per connection, and resets', async () => {
    const port = await start();
    const busy = await connect(port);
    for (let i = 0; i < 3; i++) await busy.request();
    const quiet = await connect(port);
    await quiet.request();
    quiet.destroy();
    await eventually(() => server!.counters().connectionsClosed === 1);
    let counters = server!.counters();
    assert.equal(counters.connectionsAccepted, 2);
    assert.equal(counters.requests, 4);
    assert.equal(counters.openConnections, 1);
    assert.equal(counters.peakOpenConnections, 2);
    assert.equal(counters.connectionsClosedByServer, 0);
    assert.deepEqual(counters.requestsPerConnection, { min: 1, mean: 2, max: 3 });

    server!.resetCounters();
    counters = server!.counters();
    assert.equal(counters.requests, 0);
    assert.equal(counters.connectionsAccepted, 0);
    assert.equal(counters.connectionsClosed, 0);
    assert.equal(counters.openConnections, 1, 'open connections stay counted as open');
    assert.equal(counters.peakOpenConnections, 1);
    assert.deepEqual(counters.requestsPerConnection, { min: 0, mean: 0, max: 0 });

    // Only connections accepted since the reset count towards requestsPerConnection.
    await busy.request();
    const fresh = await connect(port);
    await fresh.request();
    await fresh.request();
    counters = server!.counters();
    assert.equal(counters.requests, 3);
    assert.deepEqual(counters.requestsPerConnection, { min: 2, mean: 2, max: 2 });
  });

  it('close() destroys open keep-alive connections', async () => {
    const port = await start({ keepAlive: { timeout: 60_000 } });
    const connection = await connect(port);
    await connection.request();
    await within(2000, server!.close(), 'close()');
    server = undefined;
    await within(2000, connection.closed, 'the client seeing the close');
  });
});
