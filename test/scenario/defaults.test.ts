/**
 * Each default is stated once, on its field; an object left out is parsed as `{}` (prefault).
 * These are the values the schema used to restate on each object: leaving a section out must
 * still give exactly them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultSchema, ScenarioSchema, UpstreamSchema } from '../../src/scenario/schema.js';

test('a scenario without request, load or targetSafety gets their fields\' defaults', () => {
  const scenario = ScenarioSchema.parse({ name: 'minimal', variants: [{ name: 'a', client: 'undici' }] });
  assert.deepEqual(scenario.request, { method: 'GET', path: '/', headers: {} });
  assert.deepEqual(scenario.load, { concurrency: 10, warmup: 0, model: 'closed', maxInFlight: 1000, workers: 1, saturation: { minRateRatio: 0.95, maxLoopDelay: 50 } });
  assert.deepEqual(scenario.targetSafety, { maxRate: 50, maxDuration: 60_000 });
});

test("an upstream's objects left out get their fields' defaults", () => {
  const upstream = UpstreamSchema.parse({});
  assert.deepEqual(upstream.tls, { version: '1.3', sessionResumption: true });
  assert.deepEqual(upstream.response, { status: 200, bodySize: 0, headers: {} });
  assert.deepEqual(upstream.keepAlive, { timeout: 5000, hint: true, maxRequests: 0 });
  assert.deepEqual(upstream.h2, { maxConcurrentStreams: 100 });
});

test('a fault without a trigger strikes always', () => {
  assert.deepEqual(FaultSchema.parse({ type: 'reset' }).trigger, { probability: 1 });
});

test('an object given in part keeps the defaults of the fields it leaves out', () => {
  const scenario = ScenarioSchema.parse({ name: 'partial', load: { saturation: { maxLoopDelay: 10 } }, variants: [{ name: 'a', client: 'undici' }] });
  assert.deepEqual(scenario.load.saturation, { minRateRatio: 0.95, maxLoopDelay: 10 });
  assert.equal(scenario.load.concurrency, 10);
});

test('each parse gets objects of its own: a caller changing one does not change the next', () => {
  const first = UpstreamSchema.parse({});
  first.response.headers['x-changed'] = 'yes';
  assert.deepEqual(UpstreamSchema.parse({}).response.headers, {});
});
