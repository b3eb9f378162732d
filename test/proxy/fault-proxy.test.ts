/**
 * The fault proxy in front of a plain node:http server on 127.0.0.1: it forwards, and each
 * connection-level fault shows the client the same symptom as on the bundled upstream.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RequestClient } from '../../src/clients/index.js';
import { classifyError } from '../../src/metrics/error-class.js';
import { FaultSchema } from '../../src/scenario/schema.js';
import { createFaultProxy, type FaultProxy } from '../../src/proxy/fault-proxy.js';
import { parseFaultSpec } from '../../src/cli/commands/proxy.js';
import { runCli } from '../helpers/cli.js';

describe('fault proxy in front of a plain node:http server', { timeout: 60_000 }, () => {
  let origin: http.Server;
  let originPort: number;
  let proxy: FaultProxy | undefined;
  let client: RequestClient | undefined;

  beforeEach(async () => {
    origin = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originPort = (origin.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await client?.close();
    await proxy?.close();
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
    client = proxy = undefined;
  });

  async function through(faults: unknown[]): Promise<RequestClient> {
    proxy = createFaultProxy({ host: '127.0.0.1', port: originPort }, faults.map((f) => FaultSchema.parse(f)));
    const port = await proxy.listen();
    // A deadline short enough for stall to show, long enough that a busy machine's stalls do not turn a 200 into a timeout.
    client = createClient({ name: 'c', client: 'node-http', keepAlive: true, timeout: 1000 }, { origin: `http://127.0.0.1:${port}`, request: { method: 'GET', path: '/', headers: {} } });
    return client;
  }
  async function outcome(c: RequestClient): Promise<string> {
    try {
      const response = await c.send('/', AbortSignal.timeout(3000));
      return `${response.status} ${response.bytes}`;
    } catch (error) {
      return classifyError(error);
    }
  }

  it('forwards requests and responses over one kept-alive connection', async () => {
    const c = await through([]);
    assert.deepEqual([await outcome(c), await outcome(c)], ['200 5', '200 5']);
    assert.equal(c.connections().opened, 1);
  });

  for (const [fault, symptom] of [
    [{ type: 'reset', trigger: { nth: 2 } }, ['200 5', 'ECONNRESET']],
    [{ type: 'empty_response', trigger: { nth: 2 } }, ['200 5', 'ECONNRESET']],
    [{ type: 'stall', trigger: { nth: 2 } }, ['200 5', 'ETIMEDOUT']],
    // The first request has 300 ms before the listener goes down: room for a busy machine.
    [{ type: 'refuse', trigger: { at: '300ms' } }, ['200 5', 'ECONNREFUSED']],
  ] as const) {
    it(`${JSON.stringify(fault)}: ${symptom.join(', ')}`, async () => {
      const c = await through([fault]);
      const startedBy = performance.now();
      const first = await outcome(c);
      await sleep(startedBy + 400 - performance.now());
      assert.deepEqual([first, await outcome(c)], symptom);
      assert.equal(proxy!.counters().faults?.[fault.type]?.struck, 1);
    });
  }

  it('idle_close: the client finds the connection closed and opens another, without error', async () => {
    const c = await through([{ type: 'idle_close', trigger: { idle: '50ms' } }]);
    assert.equal(await outcome(c), '200 5');
    await sleep(150);
    assert.equal(await outcome(c), '200 5');
    assert.equal(c.connections().opened, 2);
  });

  it('parses --fault specs through the scenario schema, and names the flag on a bad one', async () => {
    assert.deepEqual(parseFaultSpec('reset:on=idle,idle=2s'), { type: 'reset', trigger: { on: 'idle', idle: 2000, probability: 1 } });
    const bad = await runCli(['proxy', '--to', `http://127.0.0.1:${originPort}`, '--fault', 'http_error:status=503']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fault http_error:status=503: the proxy sees bytes, not HTTP/);
  });
});
