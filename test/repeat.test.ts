/** --repeat in the runner: trials interleave variant by variant, and each keeps its figures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, type RunEvent } from '../src/runner.js';
import { scenarioFromYaml } from './helpers/scenario.js';

test('three rounds run A B A B A B, and the merged result sums the trials', async () => {
  const ended: string[] = [];
  const result = await runScenario(
    scenarioFromYaml(`
name: repeat
upstream: { rtt: 1ms }
load: { concurrency: 2, requests: 20 }
variants:
  - { name: a, client: undici, connections: 2 }
  - { name: b, client: undici, connections: 2, keepAlive: false }
`),
    { repeat: 3, onEvent: (event: RunEvent) => event.type === 'variant-end' && ended.push(event.result.name) },
  );
  assert.deepEqual(ended, ['a', 'b', 'a', 'b', 'a', 'b']);
  for (const v of result.variants) {
    assert.equal(v.trials?.length, 3);
    assert.equal(v.requests.completed, 60);
    assert.equal(v.latency.count, 60);
    assert.deepEqual(v.trials?.map((t) => t.completed), [20, 20, 20]);
  }
  const b = result.variants[1];
  assert.equal(b.connections.openedByClient, 60, 'keep-alive off: one connection per request, over all trials');
  assert.equal(b.connections.countsAgree, true);
});
