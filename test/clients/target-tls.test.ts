/**
 * A real https target with a private CA, over real sockets on loopback: every client kind fails
 * honestly without the CA and succeeds with it; `serverName` reaches a certificate that names
 * only localhost through 127.0.0.1; a server that requires a client certificate refuses clients
 * without one and serves those with `cert` and `key`; `insecure` skips verification.
 * The servers are node:http2 secure servers that also speak HTTP/1.1, so one serves every client.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner.js';
import type { VariantResult } from '../../src/result.js';

const tlsDir = fileURLToPath(new URL('../../../fixtures/tls/', import.meta.url));
const pem = (name: string) => readFileSync(tlsDir + name, 'utf8');

/** Every client kind that can be given TLS settings per client (fetch is refused: see target.test.ts). */
const CLIENTS = ['undici', 'node-http', 'node-http2', 'autocannon'] as const;
const VARIANTS = `variants:
  - { name: undici, client: undici, connections: 2 }
  - { name: node-http, client: node-http, maxSockets: 2 }
  - { name: node-http2, client: node-http2 }
  - { name: autocannon, client: autocannon, connections: 2 }
`;

interface TestServer {
  url: string;
  served: number;
  close(): Promise<void>;
}

async function startServer(options: http2.SecureServerOptions): Promise<TestServer> {
  const server = http2.createSecureServer({ allowHTTP1: true, ...options });
  const state = { served: 0 };
  server.on('request', (_req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    state.served++;
    res.end('ok');
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {}); // expected in the failing cases
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    get served() {
      return state.served;
    },
    async close() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs every client kind against `target` (YAML for `target:`), a few requests each (autocannon: one second). */
async function runAll(target: string): Promise<VariantResult[]> {
  const scenario = parseScenario(`name: tls\ntarget: ${target}\nload: { concurrency: 2, requests: 12 }\n${VARIANTS}`, `${tlsDir}scenario.yaml`);
  // autocannon keeps reconnecting after a failed handshake until its window ends: give it one.
  const result = await runScenario({ ...scenario, load: { ...scenario.load, requests: undefined, duration: 1000 } });
  assert.deepEqual(result.variants.map((v) => v.name), [...CLIENTS]);
  return result.variants;
}

function assertAllSucceeded(variants: VariantResult[]): void {
  for (const v of variants) {
    assert.ok(v.requests.completed > 0, `${v.name}: nothing completed; errors ${JSON.stringify(v.errors)}`);
    assert.equal(v.errorCount, 0, `${v.name}: ${JSON.stringify(v.errors)}`);
    assert.deepEqual(Object.keys(v.statusCodes), ['200'], v.name);
  }
}

function assertAllFailed(variants: VariantResult[], expected: RegExp): void {
  for (const v of variants) {
    assert.equal(v.requests.completed, 0, `${v.name} completed requests it should not have`);
    assert.ok(v.errorCount > 0, `${v.name}: no error recorded`);
    const classes = Object.keys(v.errors);
    assert.ok(classes.every((c) => expected.test(c)), `${v.name}: ${classes.join(', ')} should all match ${expected}`);
  }
}

describe('https targets: ca, serverName, mutual TLS, insecure', { timeout: 60_000, concurrency: false }, () => {
  let plain: TestServer;
  let localhostOnly: TestServer;
  let mutual: TestServer;
  before(async () => {
    plain = await startServer({ cert: pem('server.crt'), key: pem('server.key') });
    localhostOnly = await startServer({ cert: pem('localhost.crt'), key: pem('localhost.key') });
    mutual = await startServer({ cert: pem('server.crt'), key: pem('server.key'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true });
  });
  after(async () => {
    await Promise.all([plain.close(), localhostOnly.close(), mutual.close()]);
  });

  it('without the CA every client fails on the certificate, and the server answers nothing', async () => {
    const served = plain.served;
    assertAllFailed(await runAll(plain.url), /^UNABLE_TO_VERIFY_LEAF_SIGNATURE$/);
    assert.equal(plain.served, served, 'no request reached the untrusted server');
  });

  it('with ca every client succeeds', async () => {
    assertAllSucceeded(await runAll(`{ url: "${plain.url}", ca: ca.crt }`));
  });

  it('serverName: a certificate for localhost only, reached at 127.0.0.1, verifies with serverName: localhost', async () => {
    assertAllFailed(await runAll(`{ url: "${localhostOnly.url}", ca: ca.crt }`), /^ERR_TLS_CERT_ALTNAME_INVALID$/);
    assertAllSucceeded(await runAll(`{ url: "${localhostOnly.url}", ca: ca.crt, serverName: localhost }`));
  });

  it('mutual TLS: refused without a client certificate, served with cert and key', async () => {
    const served = mutual.served;
    const without = await runAll(`{ url: "${mutual.url}", ca: ca.crt }`);
    for (const v of without) assert.equal(v.requests.completed, 0, `${v.name} was served without a client certificate`);
    assert.equal(mutual.served, served, 'the server answered nothing without a client certificate');
    assertAllSucceeded(await runAll(`{ url: "${mutual.url}", ca: ca.crt, cert: client.crt, key: client.key }`));
  });

  it('insecure: every client succeeds without the CA', async () => {
    assertAllSucceeded(await runAll(`{ url: "${plain.url}", insecure: true }`));
  });
});
