/**
 * Little's law on real runs: the runner's in-flight gauge against the known concurrency of the
 * closed model, and against throughput × latency under the open model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../src/runner.js';
import { littleCheck, poolFigures } from '../../src/plan/little.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

test('the measured in-flight count equals the closed model concurrency', async () => {
  // Between a response and the worker's next request nothing is in flight: on a busy machine that
  // gap is a millisecond or more, so a request lasts 50 ms to keep it a small share.
  const result = await runScenario(scenarioFromYaml(`
name: little-closed
upstream: { rtt: 5ms, latency: 45ms }
load: { concurrency: 8, duration: 1s }
variants: [{ name: pool, client: undici, connections: 8 }]
`));
  const { inFlight } = result.variants[0];
  assert.ok(inFlight);
  assert.equal(inFlight.max, 8);
  assert.ok(Math.abs(inFlight.mean - 8) / 8 < 0.1, `mean in flight ${inFlight.mean}`);
});

// 20 %: a stall of the shared machine holds requests in flight without completing them; the
// figure's accuracy on a quiet machine is the benchmark's to record, not this test's.
test("Little's law agrees with the measured in-flight count within 20 % on a steady open-model run", async () => {
  const result = await runScenario(scenarioFromYaml(`
name: little-open
upstream: { rtt: 10ms, latency: { distribution: uniform, min: 5ms, max: 25ms } }
load: { model: open, rate: 300, duration: 1500ms, warmup: 300ms }
variants: [{ name: pool, client: undici, connections: 32 }]
`));
  const v = result.variants[0];
  assert.ok(v.inFlight && v.uncorrectedLatency);
  const check = littleCheck(v.inFlight.mean, v.throughputRps, v.uncorrectedLatency.mean);
  assert.ok(v.inFlight.mean > 3, `a steady run has requests in flight (${v.inFlight.mean})`);
  assert.ok(Math.abs(check.relativeError) < 0.2, `measured ${check.measured}, throughput × latency ${check.predicted}`);
});

test('pool figures: requests beyond the pool size wait, and Little gives their mean wait', () => {
  // Half the time 2 in flight, half the time 6, with a pool of 4: 1 waiting on average.
  const figures = poolFigures({ mean: 4, max: 6, distribution: [0, 0, 0.5, 0, 0, 0, 0.5] }, 4, 100);
  assert.equal(figures.meanWaiting, 1);
  assert.equal(figures.meanWaitMs, 10);
  assert.equal(figures.occupancy, 0.75);
});
