import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startUpstream } from '../../src/upstream/start.js';
import { zeroCloses } from '../../src/upstream/counters.js';
import type { UpstreamHandle } from '../../src/upstream/types.js';
import { childPids, connectionRefused, eventually, get, isAlive, upstreamConfig, within } from './helpers.js';

describe('upstream.workers: a cluster of server processes behind one port', { timeout: 60_000 }, () => {
  let handle: UpstreamHandle | undefined;
  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
  });

  it('answers on one port, sums the workers\' counters, and every worker serves', async () => {
    handle = await startUpstream(upstreamConfig({ workers: 2, response: { status: 204 } }));
    // Fresh connections: the primary hands connections out round-robin, so both workers get some.
    for (let i = 0; i < 10; i++) assert.equal(await get(`${handle.url}/`), 204);
    await eventually(async () => (await handle!.counters()).connectionsClosed === 10);
    const counters = await handle.counters();
    assert.equal(counters.requests, 10);
    assert.equal(counters.connectionsAccepted, 10);
    // Carried over IPC and summed: each request asked the server to close its connection (no agent).
    assert.deepEqual(counters.closes, { ...zeroCloses(), 'asked-to-close': 10 });
    assert.equal(counters.requestsByWorker?.length, 2);
    assert.equal(counters.requestsByWorker.reduce((a, b) => a + b, 0), 10);
    assert.ok(counters.requestsByWorker.every((n) => n > 0), `requests by worker: ${counters.requestsByWorker.join(', ')}`);
    await handle.resetCounters();
    assert.deepEqual((await handle.counters()).requestsByWorker, [0, 0]);
  });

  it('stop() ends the primary and every worker and frees the port', { skip: process.platform !== 'linux' && 'reads worker pids from /proc (Linux only)' }, async () => {
    handle = await startUpstream(upstreamConfig({ workers: 2 }));
    const workers = childPids(handle.pid);
    assert.equal(workers.length, 2);
    assert.equal(await get(`${handle.url}/`), 200);
    await within(5000, handle.stop(), 'stop()');
    assert.equal(isAlive(handle.pid), false);
    await eventually(() => workers.every((pid) => !isAlive(pid)), 5000);
    assert.equal(await connectionRefused(handle.port), true);
    assert.deepEqual(await handle.exited, { code: 0, signal: null, expected: true });
  });
});
