/**
 * load.workers: the generator on several worker threads, over real sockets against the bundled
 * upstream; their figures merged into one variant result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../src/runner.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { loadShare } from '../../src/load/workers.js';
import { LoadSchema } from '../../src/scenario/schema.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

function run(workers: number, load = 'concurrency: 4, requests: 600, warmup: 0') {
  return runScenario(
    scenarioFromYaml(`
name: workers
upstream: { rtt: 1ms, workers: ${workers} }
load: { ${load}, workers: ${workers} }
variants: [{ name: pool, client: undici, connections: 4 }]
`),
  );
}

test('load.workers: 2 sends the same requests as one thread for a request budget, and the merged histogram counts them all', async () => {
  const [one, two] = [(await run(1)).variants[0], (await run(2)).variants[0]];
  for (const v of [one, two]) {
    assert.equal(v.requests.completed, 600);
    assert.equal(v.requests.sent, 600);
    assert.equal(v.latency.count, 600);
    assert.equal(decodeHistogram(v.latencyHistogram).totalCount, 600);
    assert.equal(v.timeSeries.reduce((sum, point) => sum + point.completed, 0), 600);
    assert.equal(v.connections.upstream?.requests, 600);
  }
  // Each thread has its own pool: both opened connections, each timed once, and the upstream saw every one.
  assert.ok(two.connections.openedByClient >= 2, `opened ${two.connections.openedByClient}`);
  assert.equal(two.connectTime.count, two.connections.openedByClient);
  assert.equal(two.connections.countsAgree, true);
});

test('load.workers splits the open model\'s rate and the closed model\'s concurrency over the threads', () => {
  const open = LoadSchema.parse({ model: 'open', rate: 300, maxInFlight: 11, stages: undefined, workers: 2 });
  assert.deepEqual([0, 1].map((i) => loadShare(open, 2, i).rate), [150, 150]);
  assert.deepEqual([0, 1].map((i) => loadShare(open, 2, i).maxInFlight), [6, 6]);
  const closed = LoadSchema.parse({ concurrency: 5, workers: 2, stages: [{ duration: '1s', target: 10 }] });
  assert.deepEqual([0, 1].map((i) => loadShare(closed, 2, i).concurrency), [3, 2]);
  assert.deepEqual([0, 1].map((i) => loadShare(closed, 2, i).stages?.[0].target), [6, 4]);
});

test('the open model on 2 threads delivers its rate and keeps the corrected latency beside the uncorrected one', async () => {
  const v = (await run(2, 'model: open, rate: 400, duration: 1s, warmup: 200ms')).variants[0];
  assert.ok(v.intendedRequests !== undefined && Math.abs(v.intendedRequests - 400) <= 20, `intended ${v.intendedRequests}`);
  // The rate is what was sent; what completed also depends on how fast a shared machine answers,
  // and requests still waiting for a connection at the stop are cancelled, not completed.
  assert.ok(Math.abs(v.requests.sent - 400) <= 40, `sent ${v.requests.sent}`);
  assert.equal(v.requests.completed + v.requests.failed + v.requests.unfinished + (v.requests.cancelled ?? 0), v.requests.sent);
  assert.ok(v.requests.completed >= 200, `completed ${v.requests.completed}`);
  assert.equal(v.uncorrectedLatency?.count, v.latency.count);
});
