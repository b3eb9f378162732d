import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { afterEach, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { tlsFixtureFiles } from '../../src/upstream/tls-fixtures.js';
import { eventually, RawConnection, upstreamConfig, within } from './helpers.js';

const ca = readFileSync(tlsFixtureFiles().caFile);

describe('upstream server over https', { timeout: 60_000 }, () => {
  let server: UpstreamServer | undefined;
  let connections: RawConnection[] = [];

  async function start(input: Record<string, unknown>): Promise<number> {
    server = createUpstreamServer(upstreamConfig({ protocol: 'https', ...input }));
    return server.listen();
  }
  /** A TLS connection that trusts the test CA, offering `session` for resumption if given. */
  async function connect(port: number, session?: Buffer): Promise<RawConnection> {
    const connection = await RawConnection.open(port, { ca, session });
    connections.push(connection);
    return connection;
  }
  /** The TLS session of a connection, once the server's ticket has arrived (after the first response in TLS 1.3). */
  function sessionOf(connection: RawConnection): Promise<Buffer> {
    const socket = connection.socket as TLSSocket;
    return within(2000, new Promise((resolve) => socket.once('session', resolve)), 'a session ticket');
  }

  afterEach(async () => {
    for (const connection of connections) connection.destroy();
    connections = [];
    await server?.close();
    server = undefined;
  });

  it('serves a client that trusts ca.crt, verifying the certificate for localhost', async () => {
    const port = await start({ response: { bodySize: 10 } });
    const body = await within(
      5000,
      new Promise<string>((resolve, reject) => {
        https
          .get({ host: 'localhost', port, ca, agent: false }, (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
          })
          .on('error', reject);
      }),
      'the https request',
    );
    assert.equal(body, 'x'.repeat(10));
    await eventually(() => server!.counters().requests === 1);
    assert.equal(server!.counters().tlsHandshakes, 1);
  });

  it('counts full and resumed handshakes (TLS 1.3 tickets)', async () => {
    const port = await start({ tls: { version: '1.3', sessionResumption: true } });
    const first = await connect(port);
    const session = sessionOf(first);
    await first.request();
    const second = await connect(port, await session);
    await second.request();
    assert.equal((second.socket as TLSSocket).isSessionReused(), true);
    assert.equal((second.socket as TLSSocket).getProtocol(), 'TLSv1.3');
    const counters = server!.counters();
    assert.equal(counters.tlsHandshakes, 2);
    assert.equal(counters.tlsResumed, 1);
  });

  it('refuses resumption when sessionResumption is false', async () => {
    const port = await start({ tls: { version: '1.3', sessionResumption: false } });
    const first = await connect(port);
    const session = sessionOf(first);
    await first.request();
    const second = await connect(port, await session);
    await second.request();
    assert.equal((second.socket as TLSSocket).isSessionReused(), false);
    assert.equal(server!.counters().tlsHandshakes, 2);
    assert.equal(server!.counters().tlsResumed, 0);
  });

  it('speaks only the configured TLS version', async () => {
    const port = await start({ tls: { version: '1.2' } });
    const connection = await connect(port);
    assert.equal((connection.socket as TLSSocket).getProtocol(), 'TLSv1.2');
    await assert.rejects(RawConnection.open(port, { ca, minVersion: 'TLSv1.3' }));
  });

  it('closes an idle TLS connection after keepAlive.timeout', async () => {
    const port = await start({ keepAlive: { timeout: 150 } });
    const connection = await connect(port);
    await connection.request();
    await within(2000, connection.ended, 'the close');
    await eventually(() => server!.counters().connectionsClosedByServer === 1);
  });
});
