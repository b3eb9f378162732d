/** Stages as pure functions of time: the level, the arrivals it implies, and when each is due. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ramp } from '../../src/load/ramp.js';

test('a constant rate schedules arrival i at i / rate', () => {
  const ramp = new Ramp(200);
  assert.equal(ramp.timeOf(0), 0);
  assert.equal(ramp.timeOf(200), 1000);
  assert.equal(ramp.countAt(2500), 500);
});

test('stages move the level linearly from one target to the next, and hold the last', () => {
  const ramp = new Ramp(0, [
    { duration: 1000, target: 100 },
    { duration: 2000, target: 100 },
    { duration: 1000, target: 300 },
  ]);
  assert.deepEqual([0, 500, 1000, 2000, 3500, 4000, 9000].map((t) => ramp.levelAt(t)), [0, 50, 100, 100, 200, 300, 300]);
  // Arrivals: 50 in the first ramp, 200 while holding, 200 in the last ramp.
  assert.equal(ramp.countAt(1000), 50);
  assert.equal(ramp.countAt(3000), 250);
  assert.equal(ramp.countAt(4000), 450);
  assert.equal(ramp.peak, 300);
});

test('timeOf inverts countAt across stages, ramping up and down', () => {
  const ramp = new Ramp(10, [
    { duration: 1500, target: 400 },
    { duration: 1000, target: 50 },
  ]);
  for (let index = 0; index < Math.floor(ramp.countAt(2500)); index += 7) {
    const t = ramp.timeOf(index);
    assert.ok(Math.abs(ramp.countAt(t) - index) < 1e-6, `arrival ${index} at ${t} ms: count ${ramp.countAt(t)}`);
  }
  assert.equal(ramp.timeOf(Math.ceil(ramp.countAt(2500)) + 1), Infinity);
});
