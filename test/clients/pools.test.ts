/**
 * `pools: N`: N independent undici Pools / node Agents, each with the variant's own limit, so
 * connections add up over the pools — the serverless connection explosion.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../../src/runner.js';
import { byName } from '../helpers/results.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

test('pools: N independent pools of one connection open N connections; one shared pool opens one', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: pools
upstream: { latency: 10ms }
load: { concurrency: 8, requests: 40 }
variants:
  - { name: undici shared, client: undici, connections: 1 }
  - { name: undici pools, client: undici, connections: 1, pools: 4 }
  - { name: node-http pools, client: node-http, maxSockets: 1, pools: 4 }
`),
  );
  const expected: Record<string, number> = { 'undici shared': 1, 'undici pools': 4, 'node-http pools': 4 };
  for (const v of result.variants) {
    assert.equal(v.requests.completed, 40, v.name);
    assert.equal(v.connections.openedByClient, expected[v.name], v.name);
    assert.equal(v.connections.countsAgree, true, v.name);
  }
  assert.equal(byName(result.variants, 'undici pools').connections.upstream?.peakOpenConnections, 4);
});
