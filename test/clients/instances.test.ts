/**
 * `upstream.instances: 3` with every client kind: each instance serves requests. The runner only
 * reports the instances' counters summed, so the three bundled upstreams are started here the way
 * the run plan derives them (run/plan.ts), in this process, and read one by one; each
 * client is driven as the runner drives it (createClient, driveLoad) with `target.origins` set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type RequestClient, type Target } from '../../src/clients/index.js';
import { driveLoad } from '../../src/load/index.js';
import { LoadSchema, type Variant } from '../../src/scenario/schema.js';
import { planRun } from '../../src/run/plan.js';
import { scenarioFromYaml } from '../helpers/scenario.js';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { PoolbenchError } from '../../src/errors.js';

const INSTANCES = 3;
const REQUESTS = 60;

const VARIANTS: Variant[] = [
  { name: 'undici', client: 'undici', keepAlive: true, pipelining: 1, protocol: 'h1' },
  { name: 'node-http', client: 'node-http', keepAlive: true },
  { name: 'node-http2', client: 'node-http2', keepAlive: true, sessions: 1, maxStreamsPerSession: 100 },
  { name: 'fetch', client: 'fetch', keepAlive: true },
  { name: 'autocannon', client: 'autocannon', keepAlive: true, connections: 6, pipelining: 1 },
];

/** Three instances of one upstream, each on its own port. */
async function startInstances(protocol: 'http' | 'h2c'): Promise<{ servers: UpstreamServer[]; origins: string[] }> {
  const { upstream } = planRun(scenarioFromYaml(`{ name: instances, upstream: { instances: ${INSTANCES}, protocol: ${protocol} }, variants: [{ name: a, client: undici }] }`));
  assert.ok(upstream.kind === 'bundled');
  const servers = upstream.instances.map((config) => createUpstreamServer(config));
  const ports = await Promise.all(servers.map((server) => server.listen(0, '127.0.0.1')));
  return { servers, origins: ports.map((port) => `http://127.0.0.1:${port}`) };
}

function instancesTarget(origins: string[]): Target {
  return { origin: origins[0], origins, request: { method: 'GET', path: '/', headers: {} } };
}

describe('upstream.instances: 3 — every client kind spreads over every instance', { timeout: 60_000 }, () => {
  const groups = new Map<'http' | 'h2c', { servers: UpstreamServer[]; origins: string[] }>();
  before(async () => {
    groups.set('http', await startInstances('http'));
    groups.set('h2c', await startInstances('h2c'));
  });
  after(async () => {
    await Promise.all([...groups.values()].flatMap((group) => group.servers.map((server) => server.close())));
  });

  for (const variant of VARIANTS) {
    test(variant.client, async () => {
      const { servers, origins } = groups.get(variant.client === 'node-http2' ? 'h2c' : 'http')!;
      for (const server of servers) server.resetCounters();
      const client = createClient(variant, instancesTarget(origins));
      let completed = 0;
      try {
        const outcome = await driveLoad(client, LoadSchema.parse({ concurrency: 6 }), {
          requests: REQUESTS,
          signal: AbortSignal.timeout(20_000),
          graceMs: 1000,
          send: (requests: RequestClient, signal, stop) => requests.send('/', signal, stop),
          onResponse: (_ms, response) => {
            assert.equal(response.status, 200);
            completed += 1;
          },
          onFailure: (error) => assert.fail(`${variant.client}: ${String(error)}`),
        });
        assert.equal(outcome.sent, REQUESTS);
      } finally {
        await client.close();
      }
      assert.equal(completed, REQUESTS);
      const perInstance = servers.map((server) => server.counters().requests);
      assert.equal(perInstance.reduce((a, b) => a + b, 0), REQUESTS, `${variant.client}: ${perInstance.join(', ')}`);
      for (const [index, requests] of perInstance.entries()) assert.ok(requests > 0, `${variant.client}: instance ${index} served none (${perInstance.join(', ')})`);
      // One connection at least per instance, each counted by the client as the instances counted it.
      const accepted = servers.map((server) => server.counters().connectionsAccepted);
      assert.ok(accepted.every((n) => n > 0), accepted.join(', '));
      assert.equal(client.connections().opened, accepted.reduce((a, b) => a + b, 0));
    });
  }

  test('autocannon with fewer connections than instances is refused, naming both', () => {
    const { origins } = groups.get('http')!;
    assert.throws(
      () => createClient({ name: 'few', client: 'autocannon', keepAlive: true, connections: 2, pipelining: 1 }, instancesTarget(origins)),
      (error) => error instanceof PoolbenchError && /over the 3 instances, but has 2/.test(error.message),
    );
  });
});
